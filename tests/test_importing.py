"""Bulk import (articles/importing.py and the import_articles command)."""

import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import workflow
from articles.importing import ArticleImporter, allocate_slugs
from articles.models import Article, ArticleTransition, Region, Section, Topic
from tests.factories import (
    ArticleFactory,
    RegionFactory,
    UserFactory,
    published_article,
)

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "import_good.jsonl"
BAD = FIXTURES / "import_bad.jsonl"

pytestmark = pytest.mark.django_db


def run_import(path, *args):
    stdout, stderr = StringIO(), StringIO()
    call_command("import_articles", str(path), *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def write_lines(path, items):
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return path


def short_item(number, **fields):
    return {
        "external_id": f"uji-{number}",
        "title": f"Kabar uji nomor {number}",
        "body": f"Isi kabar uji nomor {number}.",
        "published_at": "2025-10-01T08:00:00",
        **fields,
    }


def test_good_file_is_imported_with_its_fields():
    """Every field of the format lands on the article; naive times are read as WITA."""
    run_import(GOOD)

    article = Article.objects.get(external_id="arsip-101")
    assert article.title == "Genangan di Jalan MT Haryono surut, warga minta drainase diperlebar"
    assert article.lead.startswith("Air yang merendam Jalan MT Haryono")
    assert article.dateline == "BALIKPAPAN"
    assert article.source_url == "https://arsip.contoh.id/berita/genangan-mt-haryono"
    assert article.section.name == "Pemerintahan"
    assert article.published_at == datetime.datetime(2025, 11, 14, 1, 30, tzinfo=datetime.UTC)
    assert article.word_count > 0
    assert {region.name for region in article.regions.all()} == {
        "balikpapan",
        "Kalimantan Timur",
    }
    assert [official.name for official in article.officials.all()] == ["Hendra Wijaya"]
    assert {topic.name for topic in article.topics.all()} == {"Banjir", "drainase"}


def test_imported_articles_are_public_through_the_workflow():
    """Imported articles are published, each with one "import" audit row."""
    run_import(GOOD)

    assert Article.objects.published().count() == 3
    transitions = ArticleTransition.objects.filter(name="import")
    assert transitions.count() == 3
    assert {(t.from_status, t.to_status) for t in transitions} == {("draft", "published")}


def test_plain_text_body_becomes_paragraphs():
    """Blank-line paragraphs in a plain-text body become <p> elements, quotes escaped."""
    run_import(GOOD)

    body = Article.objects.get(external_id="arsip-101").body
    assert body.count("<p>") == 3
    assert body.startswith("<p>Hujan deras yang turun sejak subuh")
    assert "Kami berharap saluran" in body


def test_html_body_is_sanitised():
    """An HTML body keeps its paragraphs but loses scripts and event handlers."""
    run_import(GOOD)

    body = Article.objects.get(external_id="arsip-102").body
    assert "<p>Harga cabai rawit di Pasar Klandasan" in body
    assert "script" not in body
    assert "alert" not in body
    assert "onclick" not in body


def test_sections_are_found_or_created_ignoring_case():
    """A section name creates one section with a slug; other cases reuse it."""
    run_import(GOOD)

    assert sorted(Section.objects.values_list("name", "slug")) == [
        ("Ekonomi", "ekonomi"),
        ("Pemerintahan", "pemerintahan"),
    ]
    assert Article.objects.get(external_id="arsip-103").section.name == "Pemerintahan"


def test_existing_region_is_matched_ignoring_case():
    """Regions already in the tree are reused, whatever the case in the file."""
    balikpapan = RegionFactory(name="Balikpapan", slug="balikpapan")

    run_import(GOOD)

    assert Region.objects.filter(name__iexact="balikpapan").count() == 1
    assert balikpapan in Article.objects.get(external_id="arsip-101").regions.all()
    assert balikpapan in Article.objects.get(external_id="arsip-102").regions.all()
    assert Region.objects.get(name="Samarinda").slug == "samarinda"


def test_authors_become_inactive_byline_users_or_match_existing_ones():
    """A new author name gets an inactive, non-staff account; a known full name is reused."""
    rudi = UserFactory(username="rudi", first_name="Rudi", last_name="Hartono")

    run_import(GOOD)

    dewi = get_user_model().objects.get(username="dewi.lestari")
    assert dewi.get_full_name() == "Dewi Lestari"
    assert not dewi.is_active
    assert not dewi.is_staff
    assert not dewi.has_usable_password()
    assert set(Article.objects.get(external_id="arsip-101").reporters.all()) == {dewi, rudi}
    assert list(Article.objects.get(external_id="arsip-102").reporters.all()) == [dewi]
    assert not get_user_model().objects.filter(username="rudi.hartono").exists()


def test_labels_are_ignored():
    """The corpus's labels never turn into sections or tags."""
    run_import(GOOD)

    assert not Section.objects.filter(name__in=["olahraga", "nasional", "arsip"]).exists()
    assert not Topic.objects.filter(name__in=["olahraga", "nasional", "arsip"]).exists()


def test_slug_collisions_get_a_suffix():
    """Titles that share a slug, in the file or in the database, get -2, -3..."""
    published_article(title="Genangan di Jalan MT Haryono surut, warga minta drainase diperlebar")

    run_import(GOOD)

    base = "genangan-di-jalan-mt-haryono-surut-warga-minta-drainase-diperlebar"
    assert Article.objects.get(external_id="arsip-101").slug == f"{base}-2"
    assert Article.objects.get(external_id="arsip-103").slug == f"{base}-3"
    assert Article.objects.get(external_id="arsip-102").slug == "harga-cabai-naik"


def test_allocate_slugs_continues_after_the_highest_taken_suffix():
    """Slugs are unique against the table and within the call, with -<n> suffixes."""
    ArticleFactory(title="Rapat paripurna")
    ArticleFactory(title="Rapat paripurna")

    slugs = allocate_slugs(
        Article, ["Rapat paripurna", "Rapat Paripurna!", "", "Lain"], max_length=180, fallback="x"
    )

    assert slugs == ["rapat-paripurna-3", "rapat-paripurna-4", "x", "lain"]


def test_bad_lines_are_reported_with_their_numbers_and_skipped():
    """Each bad line is named on stderr with its reason; the good lines still go in."""
    stdout, stderr = run_import(BAD)

    assert set(Article.objects.values_list("external_id", flat=True)) == {"baris-1", "baris-8"}
    reported = [line for line in stderr.splitlines() if "dilewati:" in line]
    assert [line.split(":")[0] for line in reported] == [
        "Baris 2 dilewati",
        "Baris 3 dilewati",
        "Baris 4 dilewati",
        "Baris 5 dilewati",
        "Baris 6 dilewati",
        "Baris 9 dilewati",
    ]
    assert "JSON" in reported[0]
    assert "“title”" in reported[1]
    assert "“published_at”" in reported[2]
    assert "“authors”" in reported[3]
    assert "160" in reported[4]
    assert "2 dibuat, 0 diperbarui, 6 dilewati" in stdout


def test_reimport_updates_instead_of_duplicating(tmp_path):
    """A known external_id updates that article: same count, new text and tags, same slug."""
    run_import(GOOD)
    article = Article.objects.get(external_id="arsip-101")
    changed = write_lines(
        tmp_path / "ubah.jsonl",
        [
            {
                "external_id": "arsip-101",
                "title": "Drainase Jalan MT Haryono akan diperlebar tahun depan",
                "body": "Pemerintah kota menganggarkan pelebaran saluran.",
                "published_at": "2025-11-15T10:00:00",
                "tags": ["anggaran"],
            }
        ],
    )

    stdout, _stderr = run_import(changed)

    assert Article.objects.count() == 3
    updated = Article.objects.get(pk=article.pk)
    assert updated.title == "Drainase Jalan MT Haryono akan diperlebar tahun depan"
    assert updated.body == "<p>Pemerintah kota menganggarkan pelebaran saluran.</p>"
    assert updated.slug == article.slug
    assert updated.version == article.version + 1
    assert updated.published_at == datetime.datetime(2025, 11, 15, 2, 0, tzinfo=datetime.UTC)
    assert [topic.name for topic in updated.topics.all()] == ["anggaran"]
    assert not updated.regions.exists()
    assert not updated.reporters.exists()
    assert updated.section is None
    assert updated.status == Article.Status.PUBLISHED
    assert "0 dibuat, 1 diperbarui, 0 dilewati" in stdout


def test_repeated_external_id_in_one_file_keeps_the_last_line(tmp_path):
    """Two lines with one external_id make one article, with the later line's content."""
    path = write_lines(
        tmp_path / "ulang.jsonl",
        [short_item(1), short_item(1, title="Kabar uji yang diperbaiki")],
    )

    stdout, _stderr = run_import(path)

    assert list(Article.objects.values_list("title", flat=True)) == ["Kabar uji yang diperbaiki"]
    assert "1 dibuat, 1 diperbarui, 0 dilewati" in stdout


def test_reimport_does_not_revive_an_unpublished_article():
    """An article an editor took offline stays offline when the file is imported again."""
    run_import(GOOD)
    editor = UserFactory(username="redaktur", is_superuser=True)
    article = Article.objects.get(external_id="arsip-102")
    workflow.apply_transition(article, "unpublish", editor, comment="Data harga keliru.")

    run_import(GOOD)

    assert Article.objects.get(pk=article.pk).status == Article.Status.UNPUBLISHED


def test_progress_is_shown_per_batch(tmp_path):
    """A progress line per batch goes to stderr; the summary to stdout."""
    path = write_lines(tmp_path / "lima.jsonl", [short_item(n) for n in range(5)])

    stdout, stderr = run_import(path, "--batch-size", "2")

    assert stderr.splitlines() == [
        "Baris 2: 2 dibuat, 0 diperbarui, 0 dilewati",
        "Baris 4: 4 dibuat, 0 diperbarui, 0 dilewati",
        "Baris 5: 5 dibuat, 0 diperbarui, 0 dilewati",
    ]
    assert stdout.startswith("Impor selesai dalam ")
    assert Article.objects.published().count() == 5


def test_missing_file_is_a_clear_error(tmp_path):
    """A path that cannot be read stops the command with one line naming it."""
    with pytest.raises(CommandError, match="tidak-ada.jsonl"):
        run_import(tmp_path / "tidak-ada.jsonl")


def test_batch_queries_do_not_grow_with_the_lines():
    """A batch of 100 new articles with new names costs about what 5 do: no query per article.

    (SQLite's limit on query parameters splits the largest INSERTs in a few.)
    """

    def items(count, prefix):
        return [
            short_item(
                f"{prefix}{n}",
                title=f"Kabar {prefix} {n}",
                section=f"Rubrik {prefix}",
                authors=[f"Penulis {prefix} {n}"],
                regions=[f"Wilayah {prefix} {n}"],
                officials=[f"Tokoh {prefix} {n}"],
                tags=[f"topik {prefix} {n}"],
            )
            for n in range(count)
        ]

    def queries_for(count, prefix):
        importer = ArticleImporter(batch_size=200)
        lines = [json.dumps(item) for item in items(count, prefix)]
        with CaptureQueriesContext(connection) as captured:
            importer.run(lines)
        return len(captured)

    assert queries_for(100, "b") <= queries_for(5, "a") + 10


def test_long_lead_is_shortened_at_a_word(tmp_path):
    """A lead longer than the field allows is cut at a word and ends with an ellipsis."""
    lead = "Pemerintah kota menyiapkan anggaran tambahan untuk drainase. " * 10
    path = write_lines(tmp_path / "lead.jsonl", [short_item(1, lead=lead)])

    run_import(path)

    imported = Article.objects.get().lead
    kept = imported.removesuffix("…")
    assert len(imported) <= 320
    assert imported.endswith("…")
    assert lead.startswith(kept)
    assert lead[len(kept)] == " "


def test_source_url_with_spaces_is_encoded_not_refused(tmp_path):
    """Archive URLs with stray spaces are kept, percent-encoded; a non-URL is refused."""
    path = write_lines(
        tmp_path / "url.jsonl",
        [
            short_item(1, source_url="https://arsip.contoh.id/berita/banjir- balikpapan?utm=x"),
            short_item(2, source_url="bukan alamat"),
        ],
    )

    _stdout, stderr = run_import(path)

    imported = Article.objects.get()
    assert imported.source_url == "https://arsip.contoh.id/berita/banjir-%20balikpapan?utm=x"
    assert "Baris 2 dilewati: “source_url” bukan URL yang sah." in stderr
