"""The region tree: the Kemendagri data and its loader, the tree's rules, and roll-up."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Region, TagRedirect
from tests.factories import ArticleFactory, RegionFactory, published_article

EAST_KALIMANTAN = {
    "64.01": ("Paser", "regency"),
    "64.02": ("Kutai Kartanegara", "regency"),
    "64.03": ("Berau", "regency"),
    "64.07": ("Kutai Barat", "regency"),
    "64.08": ("Kutai Timur", "regency"),
    "64.09": ("Penajam Paser Utara", "regency"),
    "64.11": ("Mahakam Ulu", "regency"),
    "64.71": ("Balikpapan", "city"),
    "64.72": ("Samarinda", "city"),
    "64.74": ("Bontang", "city"),
}
BALIKPAPAN_DISTRICTS = {
    "64.71.01": "Balikpapan Timur",
    "64.71.02": "Balikpapan Barat",
    "64.71.03": "Balikpapan Utara",
    "64.71.04": "Balikpapan Tengah",
    "64.71.05": "Balikpapan Selatan",
    "64.71.06": "Balikpapan Kota",
}


def load_regions():
    out = io.StringIO()
    call_command("load_regions", stdout=out)
    return out.getvalue()


def small_tree():
    """Kalimantan Timur > Balikpapan > Balikpapan Selatan, and Samarinda beside it."""
    province = RegionFactory(name="Kalimantan Timur", kind=Region.Kind.PROVINCE)
    # The slug published_article() tags with: the same region, not a second one.
    city = RegionFactory(name="Balikpapan", slug="balikpapan", parent=province)
    district = RegionFactory(name="Balikpapan Selatan", kind=Region.Kind.DISTRICT, parent=city)
    other_city = RegionFactory(name="Samarinda", parent=province)
    return province, city, district, other_city


# Loading the official data


def test_load_regions_loads_the_country_and_prints_counts_per_kind(db):
    """All provinces, cities and regencies, and Kaltim's districts, counted per kind."""
    output = load_regions()

    counts = {kind: Region.objects.filter(kind=kind).count() for kind in Region.Kind.values}
    assert counts == {"province": 38, "city": 98, "regency": 416, "district": 105}
    assert "Provinsi: 38 (38 baru, 0 diperbarui)" in output
    assert "Kecamatan: 105 (105 baru, 0 diperbarui)" in output


def test_east_kalimantan_subtree_has_its_cities_regencies_and_districts(db):
    """Kalimantan Timur holds its ten cities and regencies; Balikpapan its six districts."""
    load_regions()

    province = Region.objects.get(code="64")
    assert (province.name, province.kind, province.parent) == ("Kalimantan Timur", "province", None)
    children = {r.code: (r.name, r.kind) for r in province.children.all()}
    assert children == EAST_KALIMANTAN
    balikpapan = Region.objects.get(slug="balikpapan")
    assert (balikpapan.code, balikpapan.official_name) == ("64.71", "Kota Balikpapan")
    districts = {r.code: r.name for r in balikpapan.children.all()}
    assert districts == BALIKPAPAN_DISTRICTS
    selatan = Region.objects.get(code="64.71.05")
    assert (selatan.kind, selatan.slug, selatan.official_name) == (
        "district",
        "balikpapan-selatan",
        "Kecamatan Balikpapan Selatan",
    )
    assert province.children.get(code="64.02").aliases == "Kukar"


def test_places_sharing_a_name_keep_their_prefix_in_name_and_slug(db):
    """Kota Bogor and Kabupaten Bogor are two pages; "Bogor" is an alias of both."""
    load_regions()

    kota, kabupaten = Region.objects.get(code="32.71"), Region.objects.get(code="32.01")
    assert (kota.name, kota.slug, kota.kind) == ("Kota Bogor", "kota-bogor", "city")
    assert (kabupaten.name, kabupaten.slug, kabupaten.kind) == (
        "Kabupaten Bogor",
        "kabupaten-bogor",
        "regency",
    )
    assert kota.aliases == kabupaten.aliases == "Bogor"


def test_loading_again_changes_nothing(db):
    """A second run finds every region by its code: no new rows, nothing updated."""
    load_regions()
    before = dict(Region.objects.values_list("code", "pk"))

    output = load_regions()

    assert dict(Region.objects.values_list("code", "pk")) == before
    assert "Kota: 98 (0 baru, 0 diperbarui)" in output


def test_loading_keeps_what_editors_changed_and_restores_the_official_fields(db):
    """Name, slug and description are the newsroom's; code, kind, parent are the data's."""
    load_regions()
    Region.objects.filter(code="64.71").update(
        name="Kota Minyak", description="Kota minyak.", kind="regency", parent=None
    )

    output = load_regions()

    region = Region.objects.get(code="64.71")
    assert (region.name, region.slug, region.description) == (
        "Kota Minyak",
        "balikpapan",
        "Kota minyak.",
    )
    assert (region.kind, region.parent.code) == ("city", "64")
    assert "Kota: 98 (0 baru, 1 diperbarui)" in output


def test_region_created_earlier_by_name_is_completed_not_duplicated(db):
    """The demo's or an import's "Balikpapan" becomes Kota Balikpapan, articles and all."""
    earlier = RegionFactory(name="Balikpapan", slug="balikpapan")
    article = ArticleFactory()
    article.regions.add(earlier)

    load_regions()

    region = Region.objects.get(code="64.71")
    assert region.pk == earlier.pk
    assert region.parent.name == "Kalimantan Timur"
    assert Region.objects.filter(name__icontains="balikpapan", kind="city").count() == 1
    assert list(article.regions.all()) == [region]


@pytest.mark.parametrize(
    ("name", "code"),
    [("Jambi", "15"), ("Kota Jambi", "15.71"), ("Kaltim", "64"), ("kutai kartanegara", "64.02")],
)
def test_a_region_made_by_hand_is_matched_by_name_then_alias(db, name, code):
    """The exact name wins ("Jambi" is the province, an alias of Kota Jambi too)."""
    earlier = RegionFactory(name=name)

    load_regions()

    assert Region.objects.get(code=code).pk == earlier.pk


def test_an_ambiguous_region_made_by_hand_is_left_alone(db):
    """A hand-made "Bogor" may be Kota or Kabupaten Bogor: it stays as it was, beside both."""
    earlier = RegionFactory(name="Bogor")

    load_regions()

    earlier.refresh_from_db()
    assert earlier.code is None
    assert Region.objects.filter(code__in=["32.01", "32.71"]).count() == 2


def test_two_regions_for_one_place_are_merged_with_a_redirect(db):
    """Hand-made "Balikpapan" and "Kota Balikpapan" end as one; the other slug redirects."""
    kept = RegionFactory(name="Balikpapan", slug="balikpapan")
    duplicate = RegionFactory(name="Kota Balikpapan", slug="kota-balikpapan")
    article = ArticleFactory()
    article.regions.add(duplicate)

    load_regions()

    assert not Region.objects.filter(pk=duplicate.pk).exists()
    assert list(article.regions.values_list("pk", flat=True)) == [kept.pk]
    redirect = TagRedirect.objects.get(kind="region", old_slug="kota-balikpapan")
    assert redirect.new_slug == "balikpapan"


def test_build_script_names_places_as_readers_know_them(tmp_path):
    """The generator: bare names, prefixes where shared or ordinary, parents for districts."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "provinces.csv").write_text(
        "code,name\n32,Jawa Barat\n35,Jawa Timur\n64,Kalimantan Timur\n"
    )
    (data / "regencies.csv").write_text(
        "code,province_code,name\n"
        "32.01,32,Kabupaten Bogor\n32.71,32,Kota Bogor\n35.79,35,Kota Batu\n"
        "64.07,64,Kabupaten Kutai Barat\n64.71,64,Kota Balikpapan\n"
    )
    (data / "districts.csv").write_text(
        "code,regency_code,name\n"
        "32.01.01,32.01,Cibinong\n64.07.08,64.07,Damai\n64.71.05,64.71,Balikpapan Selatan\n"
    )
    script = Path(__file__).resolve().parent.parent / "articles" / "data" / "build_regions.py"

    result = subprocess.run(
        [sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, check=True
    )

    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert "32.01.01" not in rows  # Districts only of the provinces asked for (64).
    assert (rows["64.71"]["name"], rows["64.71"]["slug"]) == ("Balikpapan", "balikpapan")
    assert (rows["32.71"]["name"], rows["32.71"]["aliases"]) == ("Kota Bogor", "Bogor")
    assert (rows["35.79"]["name"], rows["35.79"]["aliases"]) == ("Kota Batu", "")
    assert rows["64.07.08"]["name"] == "Damai (Kutai Barat)"
    assert rows["64.71.05"]["official_name"] == "Kecamatan Balikpapan Selatan"
    assert rows["64"]["aliases"] == "Kaltim"


# The tree's rules


def test_region_names_are_unique_ignoring_case(db):
    """One name, one place: "balikpapan" cannot be added beside "Balikpapan"."""
    RegionFactory(name="Balikpapan", slug="balikpapan")

    with pytest.raises(IntegrityError):
        RegionFactory(name="balikpapan", slug="balikpapan-2")


@pytest.mark.parametrize(
    ("kind", "parent_kind", "allowed"),
    [
        ("district", "city", True),
        ("district", "regency", True),
        ("city", "province", True),
        ("regency", "province", True),
        ("district", "province", False),
        ("city", "city", False),
        ("province", "province", False),
    ],
    ids=lambda value: str(value),
)
def test_a_region_parent_must_be_one_level_up(db, kind, parent_kind, allowed):
    """Province > city/regency > district: other parents are refused by validation."""
    parent = RegionFactory(kind=parent_kind)
    region = RegionFactory.build(name="Wilayah uji", slug="wilayah-uji", kind=kind, parent=parent)

    if allowed:
        region.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            region.full_clean()
        assert "parent" in error.value.message_dict


def test_ancestors_come_province_first_without_queries(db, django_assert_num_queries):
    """Breadcrumbs from one select_related query: Kalimantan Timur › Balikpapan."""
    province, city, district, _ = small_tree()
    loaded = Region.objects.select_related("parent__parent").get(pk=district.pk)

    with django_assert_num_queries(0):
        assert loaded.ancestors() == [province, city]
    assert province.ancestors() == []


def test_descendants_and_self_is_the_whole_subtree(db):
    """A province's subtree holds its cities and their districts, nothing beside it."""
    province, city, district, other_city = small_tree()
    RegionFactory(name="Jawa Timur", kind=Region.Kind.PROVINCE)

    assert set(province.descendants_and_self()) == {province, city, district, other_city}
    assert set(city.descendants_and_self()) == {city, district}
    assert set(district.descendants_and_self()) == {district}


# Roll-up


def test_article_tagged_with_a_district_rolls_up_to_city_and_province(db):
    """Tagged Balikpapan Selatan only, a story is on Balikpapan's and Kaltim's pages."""
    province, city, district, other_city = small_tree()
    story = published_article()
    story.regions.set([district])
    city_story = published_article()
    city_story.regions.set([city])

    published = Article.objects.published()
    assert set(published.in_region(province)) == {story, city_story}
    assert set(published.in_region(city)) == {story, city_story}
    assert list(published.in_region(district)) == [story]
    assert list(published.in_region(other_city)) == []


def test_article_tagged_at_two_levels_is_listed_once(db):
    """Tagged with both the city and its district, a story appears once on the city page."""
    province, city, district, _ = small_tree()
    story = published_article()
    story.regions.set([city, district])

    assert list(Article.objects.published().in_region(province)) == [story]


def test_roll_up_is_one_query_however_large_the_tree(db):
    """The region page's article query does not grow with districts, cities or articles."""
    province, city, district, _ = small_tree()

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            list(Article.objects.published().in_region(province))
        return len(queries)

    published_article().regions.set([district])
    few = count_queries()
    for _ in range(5):
        extra_city = RegionFactory(parent=province)
        extra_district = RegionFactory(kind=Region.Kind.DISTRICT, parent=extra_city)
        published_article().regions.set([extra_district, extra_city])

    assert count_queries() == few == 1
    assert Article.objects.published().in_region(province).count() == 6
