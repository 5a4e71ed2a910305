"""Revisions: snapshots of what readers see, readable diffs, restore, and pruning old ones."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from articles import revisions
from articles.models import Article, ArticleRevision
from articles.roles import EDITOR, REPORTER
from tests.factories import (
    ImageFactory,
    SectionFactory,
    TopicFactory,
    article_form_data,
    article_in_state,
    logged_in_client,
    role_user,
)


@pytest.fixture
def editor(db):
    return role_user(EDITOR, username="redaktur", first_name="Budi", last_name="Santoso")


def edit(article, user, **changes):
    """Change ``article`` as the admin does: new version, then a revision."""
    for name, value in changes.items():
        setattr(article, name, value)
    article.version += 1
    article.save()
    return revisions.record_revision(article, user)


def test_a_revision_holds_everything_a_reader_sees(db, editor):
    """Not only the text: photo and caption, section, byline, tags and labels too."""
    article = article_in_state("draft", kicker="BANJIR", is_unverified=True)
    article.reporters.add(editor)
    article.topics.add(TopicFactory(name="drainase", slug="drainase"))

    data = revisions.record_revision(article, editor).data

    assert data["title"] == article.title
    assert data["kicker"] == "BANJIR"
    assert data["body"] == article.body
    assert data["featured_image"]["caption"] == article.featured_image.caption
    assert data["featured_image"]["credit"] == "Newsroom/Dewi"
    assert data["section"]["name"] == article.section.name
    assert [r["name"] for r in data["regions"]] == ["Balikpapan"]
    assert [t["name"] for t in data["topics"]] == ["drainase"]
    assert [p["name"] for p in data["reporters"]] == ["Budi Santoso"]
    assert (data["is_unverified"], data["is_sponsored"]) == (True, False)


def test_saving_in_the_admin_stores_the_tags_as_saved(editor):
    """The revision is taken after the tags are saved, so it holds the new ones."""
    article = article_in_state("in_review")

    logged_in_client(editor).post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(article, topics=["banjir", "anggaran"]),
    )

    revision = article.revisions.get()
    assert revision.version == 2
    assert revision.created_by == editor
    assert sorted(t["name"] for t in revision.data["topics"]) == ["anggaran", "banjir"]


def test_the_diff_marks_changed_words_field_by_field(db, editor):
    """Only changed fields are listed, with removed and added words marked."""
    article = article_in_state("draft", title="Wali Kota resmikan jalan baru")
    old = revisions.record_revision(article, editor)
    new = edit(article, editor, title="Wakil Wali Kota resmikan jembatan baru")

    changes = dict(revisions.diff_revisions(old, new))

    assert list(changes) == ["judul"]
    assert str(changes["judul"]) == (
        "<ins>Wakil </ins>Wali Kota resmikan <del>jalan</del><ins>jembatan</ins> baru"
    )


def test_the_diff_reads_the_body_as_text_and_escapes_everything(db, editor):
    """The body is compared as paragraphs of text; markup in a title shows as text, never runs."""
    article = article_in_state("draft", body="<p>Paragraf pertama.</p><p>Kedua.</p>")
    old = revisions.record_revision(article, editor)
    new = edit(
        article,
        editor,
        title="<script>alert(1)</script>",
        body="<p>Paragraf pertama.</p><p>Kedua, diperbaiki &amp; dilengkapi.</p>",
    )

    changes = dict(revisions.diff_revisions(old, new))

    assert "<script>" not in str(changes["judul"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in str(changes["judul"])
    assert str(changes["isi berita"]) == (
        "Paragraf pertama.\n\n<del>Kedua.</del><ins>Kedua, diperbaiki &amp; dilengkapi.</ins>"
    )


def test_the_diff_shows_a_new_photo_and_section(db, editor):
    """Changing the photo or the section is a change readers see, so the diff lists it."""
    article = article_in_state("draft")
    old = revisions.record_revision(article, editor)
    new = edit(
        article,
        editor,
        featured_image=ImageFactory(caption="Jembatan baru", credit="Newsroom/Ari"),
        section=SectionFactory(name="Ekonomi", slug="ekonomi"),
    )

    assert [label for label, _ in revisions.diff_revisions(old, new)] == ["foto utama", "rubrik"]


def test_the_compare_page_in_the_admin(editor):
    """Editors pick two revisions and read the difference, escaped."""
    article = article_in_state("in_review", title="Judul lama")
    old = revisions.record_revision(article, editor)
    new = edit(article, editor, title="Judul <b>baru</b>")

    page = (
        logged_in_client(editor)
        .get(
            reverse("admin:articles_article_revision_compare", args=[article.pk]),
            {"from": old.pk, "to": new.pk},
        )
        .content.decode()
    )

    assert "<del>lama</del><ins>&lt;b&gt;baru&lt;/b&gt;</ins>" in page


def test_the_revision_list_offers_restore_only_to_who_may_edit(db, editor):
    """A reporter may read a submitted story's revisions but gets no restore button."""
    reporter = role_user(REPORTER)
    article = article_in_state("in_review", created_by=reporter)
    revisions.record_revision(article, editor)
    edit(article, editor, title="Judul kedua")
    url = reverse("admin:articles_article_revisions", args=[article.pk])

    assert "Pulihkan" in logged_in_client(editor).get(url).content.decode()
    reporter_page = logged_in_client(reporter).get(url)
    assert reporter_page.status_code == 200
    assert "Pulihkan" not in reporter_page.content.decode()


def test_restoring_brings_the_content_back_as_a_new_revision(db, editor):
    """Restore puts back text, photo and tags; the restore itself is the newest revision."""
    article = article_in_state("in_review", title="Judul asli")
    first_photo = article.featured_image
    original = revisions.record_revision(article, editor)
    edit(article, editor, title="Judul yang keliru", featured_image=ImageFactory())
    article.regions.clear()

    response = logged_in_client(editor).post(
        reverse("admin:articles_article_revision_restore", args=[article.pk, original.pk])
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Judul asli"
    assert article.featured_image == first_photo
    assert [r.name for r in article.regions.all()] == ["Balikpapan"]
    latest = article.revisions.first()
    assert (latest.version, article.version) == (3, 3)
    assert latest.data["title"] == "Judul asli"
    assert article.revisions.count() == 3


def test_a_reporter_cannot_restore_a_submitted_story(db, editor):
    """Restoring is editing: refused while the story is with the editor, and nothing changes."""
    reporter = role_user(REPORTER)
    article = article_in_state("in_review", created_by=reporter, title="Judul asli")
    original = revisions.record_revision(article, editor)
    edit(article, editor, title="Judul redaktur")

    logged_in_client(reporter).post(
        reverse("admin:articles_article_revision_restore", args=[article.pk, original.pk])
    )

    article.refresh_from_db()
    assert (article.title, article.revisions.count()) == ("Judul redaktur", 2)


def test_restoring_a_revision_that_fails_the_checklist_on_a_public_story_is_refused(db, editor):
    """An early revision without a lead cannot come back on a published story."""
    article = article_in_state("published")
    early = revisions.record_revision(article, editor)
    early.data["lead"] = ""
    early.save()

    with pytest.raises(revisions.RevisionError, match="Ringkasan"):
        revisions.restore_revision(early, editor)

    assert Article.objects.get(pk=article.pk).lead


# Pruning ----------------------------------------------------------------------


def aged_revisions(article, user, days_ago):
    """One revision per age, oldest first, as if saved that many days ago."""
    made = []
    for days in days_ago:
        revision = edit(article, user, title=f"Versi {days} hari lalu")
        ArticleRevision.objects.filter(pk=revision.pk).update(
            created_at=timezone.now() - timedelta(days=days)
        )
        made.append(revision)
    return made


def test_prune_keeps_the_newest_and_recent_revisions(db, editor):
    """Old revisions beyond the newest N go; recent ones stay whatever their number."""
    article = article_in_state("draft")
    oldest, old, older_kept, newer_kept, recent = aged_revisions(
        article, editor, [400, 300, 200, 100, 1]
    )

    call_command("prune_revisions", "--keep", "3", "--older-than", "30")

    assert set(article.revisions.all()) == {older_kept, newer_kept, recent}


def test_prune_never_deletes_the_latest_revision(db, editor):
    """Even when every revision is old, the article keeps its latest one."""
    article = article_in_state("draft")
    *_, latest = aged_revisions(article, editor, [300, 200, 100])

    call_command("prune_revisions", "--keep", "1", "--older-than", "1")

    assert list(article.revisions.all()) == [latest]


def test_prune_refuses_to_keep_nothing(db):
    """--keep 0 would delete the live revision: the command refuses."""
    with pytest.raises(CommandError):
        call_command("prune_revisions", "--keep", "0", "--older-than", "1")
