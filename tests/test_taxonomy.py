"""Names, suggestions, positions over time, merging and structured data (articles.taxonomy)."""

import io
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from articles import taxonomy
from articles.models import Article, Official, OfficialPosition, Region, TagRedirect, Topic
from tests.factories import (
    ArticleFactory,
    ImageFactory,
    OfficialFactory,
    RegionFactory,
    TopicFactory,
    published_article,
)


@pytest.fixture
def bagus(db):
    """Balikpapan's deputy mayor, with the alias newsrooms use for the post."""
    return OfficialFactory(
        name="Bagus Susetyo",
        slug="bagus-susetyo",
        position="Wakil Wali Kota Balikpapan",
        institution="Pemerintah Kota Balikpapan",
        aliases="Wawali Balikpapan",
    )


@pytest.fixture
def gazetteer_data(db, bagus):
    """The real region list, as `make run` loads it, and one official."""
    call_command("load_regions", stdout=io.StringIO())
    return bagus


def entries(kind, found):
    return {entry.name for entry in found if entry.kind == kind}


def add_position(official, title, start, end=None, institution="Pemerintah Kota Balikpapan"):
    return OfficialPosition.objects.create(
        official=official, title=title, institution=institution, start=start, end=end
    )


# Names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Balikpapan", "balikpapan"),
        ("  KOTA   Balikpapan! ", "kota balikpapan"),
        ("Susetyó", "susetyo"),
        ("Rahmad Mas'ud", "rahmad masud"),
        ("Rahmad Mas’ud", "rahmad masud"),
        ("Sanga-Sanga", "sanga sanga"),
    ],
)
def test_names_compare_without_case_accents_or_punctuation(text, expected):
    """Typed names meet stored ones whatever the capitals, accents and punctuation."""
    assert taxonomy.normalize_name(text) == expected


@pytest.mark.parametrize(
    "written",
    [
        "Bagus Susetyo",
        "H. Bagus Susetyo",
        "Pak Bagus Susetyo",
        "Bapak Bagus Susetyo",
        "Dr. Ir. H. Bagus Susetyo, S.E., M.Si.",
        "Bagus Susetyo, M.Si",
    ],
)
def test_person_key_drops_honorifics_and_degrees(written):
    """Titles before and degrees after a name do not make another person."""
    assert taxonomy.person_key(written) == ("bagus", "susetyo")


# Resolving names


@pytest.mark.parametrize(
    "written",
    [
        "Bagus Susetyo",
        "bagus susetyo",
        "BAGUS SUSETYO",
        "Bagus Susetyó",
        "H. Bagus Susetyo",
        "Pak Bagus",
        "Dr. Ir. H. Bagus Susetyo, S.E., M.Si.",
        "Wawali Balikpapan",
        "wawali balikpapan",
        "Wakil Wali Kota Balikpapan",
    ],
)
def test_resolve_official_finds_the_person_however_written(bagus, written):
    """Case, accents, honorifics, degrees, the alias and the position all lead to him."""
    assert taxonomy.resolve_official(written) == bagus


@pytest.mark.parametrize("written", ["Bagus", "Susetyo Bagus", "Pak Rahmad", ""])
def test_resolve_official_does_not_guess(bagus, written):
    """A bare common word or an unknown name resolves to nobody."""
    assert taxonomy.resolve_official(written) is None


def test_resolve_official_refuses_a_first_name_two_people_share(db):
    """Two Andis: "Pak Andi" is nobody; "Pak Harun" is one of them."""
    harun = OfficialFactory(name="Andi Harun")
    OfficialFactory(name="Andi Sulaiman")

    assert taxonomy.resolve_official("Pak Andi") is None
    assert taxonomy.resolve_official("Pak Harun") == harun


def test_resolve_region_knows_official_names_and_abbreviations(db):
    """Official names and abbreviations resolve; "Bogor" alone is two places, so neither."""
    kaltim = RegionFactory(name="Kalimantan Timur", kind="province", aliases="Kaltim")
    balikpapan = RegionFactory(name="Balikpapan", official_name="Kota Balikpapan")
    RegionFactory(name="Kota Bogor", official_name="Kota Bogor", aliases="Bogor")
    kabupaten = RegionFactory(
        name="Kabupaten Bogor", kind="regency", official_name="Kabupaten Bogor", aliases="Bogor"
    )

    assert taxonomy.resolve_region("kota balikpapan") == balikpapan
    assert taxonomy.resolve_region("KALTIM") == kaltim
    assert taxonomy.resolve_region("kabupaten bogor") == kabupaten
    assert taxonomy.resolve_region("Bogor") is None


def test_renaming_keeps_the_slug_and_the_new_name_resolves(
    bagus, django_capture_on_commit_callbacks
):
    """A rename never changes the page address; the gazetteer learns the new name."""
    taxonomy.resolve_official("Bagus Susetyo")  # The gazetteer is built and cached.
    bagus.name = "Bagus Susetyo Wibowo"
    with django_capture_on_commit_callbacks(execute=True):
        bagus.save()
        taxonomy.tags_changed()

    bagus.refresh_from_db()
    assert bagus.slug == "bagus-susetyo"
    assert taxonomy.resolve_official("bagus susetyo wibowo") == bagus


# Suggestions

TITLE = "Wawali Balikpapan Tinjau Drainase di Balikpapan Selatan"
LEAD = "Pemkot Balikpapan dan Pemprov Kaltim menyiapkan anggaran penanganan banjir."
BODY = """
<p><strong>BALIKPAPAN, Newsroom</strong> – Wakil Wali Kota Balikpapan H. Bagus Susetyo
meninjau saluran drainase di Kelurahan Sepinggan, Jumat (14/11/2025).</p>
<p>“Kami ingin warga merasa aman,” kata Pak Bagus. Hasilnya cukup bagus, ujarnya.
Penajaman program masih perlu dilakukan, dan Kelayakan jalan juga diperiksa.</p>
<p>Malangnya, hujan kembali turun sore itu. Melaksanakan arahan gubernur, dinas
juga menyiapkan alat berat dari Samarinda. Truk batu bara dilarang melintas.</p>
<p>Pemeriksaan yang sama menyusul di PPU dan di Pasernya pekan depan.</p>
"""


def test_suggestions_find_the_places_and_people_of_an_indonesian_story(gazetteer_data):
    """True names found (abbreviations, titles, -nya); no word mistaken for a place."""
    found = taxonomy.suggest_tags(TITLE, LEAD, BODY)

    assert entries("region", found) == {
        "Balikpapan",
        "Balikpapan Selatan",
        "Kalimantan Timur",  # "Pemprov Kaltim"
        "Samarinda",
        "Penajam Paser Utara",  # "PPU"
        "Paser",  # "Pasernya": the possessive
    }
    assert entries("official", found) == {"Bagus Susetyo"}
    # Not there: Penajam (in "Penajaman"), Kelay ("Kelayakan"), Melak ("Melaksanakan"),
    # Kota/Kabupaten Malang ("Malangnya,"), Kabupaten Batu Bara ("batu bara").


def test_suggestions_come_in_order_of_first_mention(gazetteer_data):
    """The title's names first: the alias names the official, then the places follow."""
    found = taxonomy.suggest_tags(TITLE)

    assert [entry.name for entry in found] == ["Bagus Susetyo", "Balikpapan", "Balikpapan Selatan"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Warga Balikpapan menolak.", {"Balikpapan"}),
        ("Warga BALIKPAPAN menolak.", {"Balikpapan"}),
        ("Warga di Balikpapannya sendiri menolak.", {"Balikpapan"}),
        ("Warga Balikpapan Selatan menolak.", {"Balikpapan Selatan"}),
        ("Warga Bontangan menolak.", set()),
        ("Warga balikpapan menolak.", set()),
        ("Balikpapan Selatan dan Bontang sepakat.", {"Balikpapan Selatan", "Bontang"}),
    ],
    ids=["name", "capitals", "possessive", "longest", "inside-a-word", "lower-case", "opening"],
)
def test_suggestions_match_whole_proper_names(gazetteer_data, text, expected):
    """Whole words written as a name, with -nya allowed; never a piece of another word."""
    assert entries("region", taxonomy.suggest_tags(text)) == expected


def test_suggestions_learn_new_tags_when_tags_change(
    gazetteer_data, django_capture_on_commit_callbacks
):
    """An official added in the admin is suggested on the next keystroke."""
    assert taxonomy.suggest_tags("Kapolresta Anton Firmanto hadir.") == []
    with django_capture_on_commit_callbacks(execute=True):
        OfficialFactory(name="Anton Firmanto")
        taxonomy.tags_changed()

    assert entries("official", taxonomy.suggest_tags("Kapolresta Anton Firmanto hadir.")) == {
        "Anton Firmanto"
    }


def test_suggestions_cost_no_query_per_tag(gazetteer_data, django_capture_on_commit_callbacks):
    """Building the gazetteer is two queries however many tags; using it, none."""

    def queries_for_suggestions():
        with CaptureQueriesContext(connection) as queries:
            taxonomy.suggest_tags(TITLE, LEAD, BODY)
        return len(queries)

    built_with_few = queries_for_suggestions()
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(30):
            OfficialFactory(name=f"Pejabat Uji {number}", aliases=f"Kepala Uji {number}")
        taxonomy.tags_changed()

    assert queries_for_suggestions() == built_with_few == 2
    assert queries_for_suggestions() == 0


def test_suggestions_work_while_the_cache_is_down(
    gazetteer_data, settings, django_capture_on_commit_callbacks
):
    """With Redis unreachable, suggestions still answer and saving tags does not fail."""
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1",  # Nothing listens there.
        }
    }

    with django_capture_on_commit_callbacks(execute=True):
        taxonomy.tags_changed()

    assert entries("official", taxonomy.suggest_tags("Pak Bagus hadir.")) == {"Bagus Susetyo"}


# Positions over time


@pytest.fixture
def career(bagus):
    """Deputy mayor for one term, then mayor."""
    add_position(bagus, "Wakil Wali Kota Balikpapan", date(2021, 5, 31), date(2025, 2, 19))
    add_position(bagus, "Wali Kota Balikpapan", date(2025, 2, 20))
    return bagus


@pytest.mark.parametrize(
    ("when", "title"),
    [
        (date(2023, 8, 17), "Wakil Wali Kota Balikpapan"),
        (date(2025, 2, 19), "Wakil Wali Kota Balikpapan"),
        (date(2025, 2, 20), "Wali Kota Balikpapan"),
        (date(2030, 1, 1), "Wali Kota Balikpapan"),
        # 16.30 UTC on the 19th is already the 20th, 00.30, in Balikpapan (WITA).
        (datetime(2025, 2, 19, 16, 30, tzinfo=UTC), "Wali Kota Balikpapan"),
        (datetime(2025, 2, 19, 15, 30, tzinfo=UTC), "Wakil Wali Kota Balikpapan"),
        (date(2020, 1, 1), None),
    ],
)
def test_position_at_is_the_post_held_on_that_day(career, when, title):
    """An old story keeps the position its subject held then, read in WITA."""
    position = career.position_at(when)

    assert (position.title if position else None) == title


def test_position_at_without_history_is_the_current_position(bagus):
    """Officials entered with a position only (the demo, imports) show that position."""
    position = bagus.position_at(date(2025, 1, 1))

    assert (position.title, position.institution) == (
        "Wakil Wali Kota Balikpapan",
        "Pemerintah Kota Balikpapan",
    )


def test_article_positions_cost_no_query_per_official(career, django_assert_num_queries):
    """with_tags() prefetches positions: an article page asks nothing more per official."""
    story = published_article(published_at=datetime(2023, 8, 17, 2, 0, tzinfo=UTC))
    story.officials.add(career, *(OfficialFactory() for _ in range(3)))

    article = Article.objects.with_tags().get(pk=story.pk)
    with django_assert_num_queries(0):
        titles = {o.name: o.position_at(article.published_at) for o in article.officials.all()}

    assert titles["Bagus Susetyo"].title == "Wakil Wali Kota Balikpapan"


def test_tags_of_a_list_of_articles_take_the_same_queries_however_many(db):
    """with_tags(): regions with their parents, officials with positions and photos,
    topics, for any number of articles and tags, in a fixed number of queries."""
    province = RegionFactory(name="Kalimantan Timur", kind="province")

    def queries_for_listing():
        with CaptureQueriesContext(connection) as queries:
            for article in Article.objects.published().with_tags():
                for region in article.regions.all():
                    region.ancestors()
                for official in article.officials.all():
                    official.position_at(article.published_at)
                    official.photo  # noqa: B018 (reading it is the point)
                list(article.topics.all())
        return len(queries)

    def tagged_story(number):
        story = published_article()
        city = RegionFactory(parent=province)
        story.regions.set([RegionFactory(kind="district", parent=city)])
        official = OfficialFactory(photo=ImageFactory())
        add_position(official, f"Kepala Dinas {number}", date(2020, 1, 1))
        story.officials.add(official)
        story.topics.add(TopicFactory())

    tagged_story(0)
    few = queries_for_listing()
    for number in range(1, 6):
        tagged_story(number)

    assert queries_for_listing() == few


# Merging and redirects


def test_merging_topics_moves_articles_and_redirects_the_old_slug(db):
    """Articles move over (one tag each, no duplicate), the old page redirects."""
    rain, flood = TopicFactory(name="banjir rob", slug="banjir-rob"), TopicFactory(name="banjir")
    both, only_old = ArticleFactory(), ArticleFactory()
    both.topics.add(rain, flood)
    only_old.topics.add(rain)

    moved = taxonomy.merge_tags(rain, flood)

    assert moved == 1
    assert not Topic.objects.filter(pk=rain.pk).exists()
    assert list(both.topics.all()) == [flood]
    assert list(only_old.topics.all()) == [flood]
    assert taxonomy.find_redirect("topic", "banjir-rob") == f"/topik/{flood.slug}/"
    assert taxonomy.find_redirect("topic", "tidak-ada") is None


def test_merging_twice_redirects_the_first_slug_to_the_last_tag(db):
    """No chains of redirects: an old slug always points at a live page."""
    first, second, third = TopicFactory(), TopicFactory(), TopicFactory()

    taxonomy.merge_tags(first, second)
    taxonomy.merge_tags(second, third)

    assert TagRedirect.objects.get(old_slug=first.slug).new_slug == third.slug
    assert TagRedirect.objects.get(old_slug=second.slug).new_slug == third.slug


def test_merging_officials_keeps_history_and_the_old_name_resolves(bagus):
    """A duplicate "H. Bagus S." folds into Bagus Susetyo: positions, articles, name."""
    duplicate = OfficialFactory(name="H. Bagus S.", slug="h-bagus-s", aliases="Pak Wawali")
    add_position(duplicate, "Anggota DPRD Balikpapan", date(2014, 9, 1), date(2019, 8, 31))
    story = ArticleFactory()
    story.officials.add(duplicate)

    taxonomy.merge_tags(duplicate, bagus)

    assert list(story.officials.all()) == [bagus]
    assert bagus.position_at(date(2015, 1, 1)).title == "Anggota DPRD Balikpapan"
    assert taxonomy.alias_lines(Official.objects.get(pk=bagus.pk).aliases) == [
        "Wawali Balikpapan",
        "H. Bagus S.",
        "Pak Wawali",
    ]
    assert taxonomy.resolve_official("H. Bagus S.") == bagus


def test_merging_regions_moves_the_places_inside(db):
    """A hand-made "Kota Balikpapan" merged into Balikpapan hands over its districts."""
    province = RegionFactory(name="Kalimantan Timur", kind="province")
    city = RegionFactory(name="Balikpapan", parent=province, code="64.71")
    duplicate = RegionFactory(name="Kota Balikpapan")
    district = RegionFactory(name="Balikpapan Selatan", kind="district", parent=duplicate)

    taxonomy.merge_tags(duplicate, city)

    district.refresh_from_db()
    assert district.parent == city
    assert "Kota Balikpapan" in taxonomy.alias_lines(Region.objects.get(pk=city.pk).aliases)


def test_merging_a_region_into_one_inside_it_is_refused(db):
    """Balikpapan cannot be merged into its own district: nothing changes."""
    city = RegionFactory(name="Balikpapan")
    district = RegionFactory(name="Balikpapan Selatan", kind="district", parent=city)

    with pytest.raises(taxonomy.TaxonomyError):
        taxonomy.merge_tags(city, district)
    assert Region.objects.filter(pk=city.pk).exists()
    assert not TagRedirect.objects.exists()


def test_merging_different_kinds_is_refused(db):
    """A topic cannot become an official."""
    with pytest.raises(taxonomy.TaxonomyError):
        taxonomy.merge_tags(TopicFactory(), OfficialFactory())


# Structured data


def test_region_jsonld_is_a_place_inside_its_parents(db, settings, django_assert_num_queries):
    """Balikpapan Selatan › Balikpapan › Kalimantan Timur › Indonesia, without queries."""
    settings.NEWSROOM_SITE_URL = "https://berita.example"
    province = RegionFactory(name="Kalimantan Timur", kind="province")
    city = RegionFactory(name="Balikpapan", parent=province)
    district = RegionFactory(
        name="Balikpapan Selatan", slug="balikpapan-selatan", kind="district", parent=city
    )
    district.code = "64.71.05"
    district.save()
    loaded = Region.objects.select_related("parent__parent").get(pk=district.pk)

    with django_assert_num_queries(0):
        data = taxonomy.region_jsonld(loaded)

    assert data == {
        "@context": "https://schema.org",
        "@type": "Place",
        "name": "Balikpapan Selatan",
        "url": "https://berita.example/wilayah/balikpapan-selatan/",
        "identifier": "64.71.05",
        "containedInPlace": {
            "@type": "Place",
            "name": "Balikpapan",
            "containedInPlace": {
                "@type": "Place",
                "name": "Kalimantan Timur",
                "containedInPlace": {"@type": "Country", "name": "Indonesia"},
            },
        },
    }


def test_official_jsonld_is_a_person_with_the_job_held_then(career, django_assert_num_queries):
    """Person with jobTitle and worksFor; on an old story, the old job; URLs absolute."""
    career.photo = ImageFactory()
    career.save()
    request = RequestFactory().get("/")
    official = Official.objects.select_related("photo").prefetch_related("positions").get()

    with django_assert_num_queries(0):
        then = taxonomy.official_jsonld(official, at=date(2023, 1, 1), request=request)
        now = taxonomy.official_jsonld(official, request=request)

    assert then["@type"] == "Person"
    assert then["name"] == "Bagus Susetyo"
    assert then["jobTitle"] == "Wakil Wali Kota Balikpapan"
    assert then["worksFor"] == {
        "@type": "GovernmentOrganization",
        "name": "Pemerintah Kota Balikpapan",
    }
    assert then["url"] == "http://testserver/tokoh/bagus-susetyo/"
    assert then["image"].startswith("http://testserver/media/images/")
    assert now["jobTitle"] == "Wali Kota Balikpapan"
