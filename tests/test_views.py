"""The public pages readers see: what each shows, who may see it, and what it costs."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import recommendations, taxonomy, views, workflow
from articles.models import Region
from tests.factories import (
    OfficialFactory,
    RegionFactory,
    SectionFactory,
    TopicFactory,
    UserFactory,
    article_in_state,
    published_article,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief():
    return UserFactory(username="pemred-uji", is_superuser=True)


@pytest.fixture
def region_tree():
    """Kalimantan Timur > Balikpapan > Balikpapan Selatan, as the region pages roll them up."""
    province = RegionFactory(
        name="Kalimantan Timur", slug="kalimantan-timur", kind=Region.Kind.PROVINCE
    )
    city = RegionFactory(name="Balikpapan", slug="balikpapan", kind=Region.Kind.CITY)
    city.parent = province
    city.save()
    district = RegionFactory(
        name="Balikpapan Selatan", slug="balikpapan-selatan", kind=Region.Kind.DISTRICT, parent=city
    )
    return province, city, district


def story(**kwargs):
    """A published story with a reporter, an editor and one tag of each kind."""
    index = story.count = getattr(story, "count", 0) + 1
    article = published_article(
        editor=UserFactory(username=f"redaktur{index}", first_name="Rina", last_name="Wulandari"),
        **kwargs,
    )
    article.reporters.add(
        UserFactory(username=f"jurnalis{index}", first_name="Budi", last_name="Santoso")
    )
    article.officials.add(OfficialFactory(name=f"Pejabat {index}", slug=f"pejabat-{index}"))
    article.topics.add(TopicFactory(name=f"topik {index}", slug=f"topik-uji-{index}"))
    return article


def get(client, url, **kwargs):
    """A fresh render: the page cache is tested in test_caching."""
    cache.clear()
    return client.get(url, **kwargs)


# Visibility -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state", ["draft", "in_review", "approved", "scheduled", "unpublished", "archived"]
)
def test_articles_readers_may_not_see_answer_404_and_are_listed_nowhere(client, state):
    """Drafts, stories in review or scheduled for later, withdrawn ones: hidden everywhere."""
    hidden = article_in_state(state, title="Berita rahasia redaksi")
    section_url = hidden.section.get_absolute_url()

    assert get(client, hidden.get_absolute_url()).status_code == 404
    for url in ["/", section_url, "/wilayah/balikpapan/", "/indeks/"]:
        response = get(client, url)
        assert response.status_code in (200, 404)
        assert "Berita rahasia redaksi" not in response.text


def test_a_retracted_article_answers_410_with_the_reason_and_an_apology(client):
    """Pedoman Media Siber: the address of a retracted story says why it was withdrawn."""
    retracted = article_in_state("retracted", title="Berita yang dicabut")

    response = get(client, retracted.get_absolute_url())

    assert response.status_code == 410
    assert "Berita “Berita yang dicabut” telah dicabut" in response.text
    assert "Catatan uji dari redaksi." in response.text  # the reason given when retracting
    assert "memohon maaf" in response.text
    assert "Rapat koordinasi" not in response.text  # the body itself is gone


def test_unknown_pages_get_the_friendly_404_in_the_site_design(client):
    """A mistyped address shows the site's own page with a search box, not a bare error."""
    response = get(client, "/berita/tidak-ada-berita-ini/")

    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text
    assert 'role="search"' in response.text
    assert '<html lang="id">' in response.text


def test_pages_stay_in_indonesian_for_browsers_asking_for_english(client):
    """The public site speaks the newsroom's language, also on its error pages."""
    english = {"accept-language": "en-US,en;q=0.9"}
    article = published_article()

    assert ">Beranda</a>" in get(client, article.get_absolute_url(), headers=english).text
    assert "Halaman tidak ditemukan" in get(client, "/tidak-ada/", headers=english).text


def test_the_500_page_renders_without_request_or_database(django_assert_num_queries):
    """When the database is what failed, the error page must still render."""
    with django_assert_num_queries(0):
        response = views.server_error(None)

    assert response.status_code == 500
    assert "Terjadi gangguan" in response.text
    assert "Newsroom" in response.text


# Article page ---------------------------------------------------------------------------------


def test_article_page_shows_what_an_indonesian_news_story_needs(client, region_tree):
    """Kicker, title, lead, byline, WITA date, photo caption and credit, bold dateline."""
    article = story(kicker="Pemerintahan", title="Wawali tinjau banjir di Balikpapan Selatan")

    page = get(client, article.get_absolute_url()).text

    assert '<p class="kicker">Pemerintahan</p>' in page
    assert '<h1 class="story-title">Wawali tinjau banjir di Balikpapan Selatan</h1>' in page
    assert article.lead in page
    assert 'Penulis: <a href="/penulis/' in page and ">Budi Santoso</a>" in page
    assert " | Editor: Rina Wulandari" in page
    assert "WITA</time>" in page
    assert "Teks foto: Warga melintasi jalan yang tergenang di Balikpapan." in page
    assert "(Foto: Newsroom/Dewi)" in page
    assert "<p><strong>BALIKPAPAN, Newsroom –</strong> Rapat koordinasi digelar" in page


def test_article_page_links_its_tags_to_their_pages(client, region_tree):
    """Tag chips for the region, the official and the topic lead to their pages."""
    article = story()
    official, topic = article.officials.get(), article.topics.get()

    page = get(client, article.get_absolute_url()).text

    assert 'href="/wilayah/balikpapan/">Balikpapan</a>' in page
    assert f'href="/tokoh/{official.slug}/">{official.name}</a>' in page
    assert f'href="/topik/{topic.slug}/">{topic.name}</a>' in page


def test_article_page_shows_the_labels_readers_must_see(client):
    """Sponsored, not yet verified and AI-assisted stories say so above the title."""
    article = published_article(is_sponsored=True, is_unverified=True, is_ai_assisted=True)

    page = get(client, article.get_absolute_url()).text

    assert "Advertorial" in page
    assert "Masih dalam verifikasi" in page
    assert "Dibantu AI" in page


def test_article_page_lists_corrections_and_says_when_it_was_updated(client, chief):
    """A correction appears under the story with its time, and the story reads "Diperbarui"."""
    article = published_article(published_at=timezone.now() - timedelta(days=1))
    workflow.add_correction(article, chief, "Nama camat yang benar adalah Siti Aminah.")

    page = get(client, article.get_absolute_url()).text

    assert "Ralat dan pembaruan" in page
    assert "Nama camat yang benar adalah Siti Aminah." in page
    assert "Diperbarui" in page


def test_a_fresh_story_is_not_marked_updated(client):
    """Saving while publishing is not an update readers need to hear about."""
    article = published_article()

    assert "Diperbarui" not in get(client, article.get_absolute_url()).text


def test_right_of_reply_is_linked_both_ways(client):
    """The story links to its hak jawab, and the hak jawab to the story it answers."""
    original = published_article(title="Kontraktor disebut lalai")
    reply = published_article(title="Hak jawab PT Maju Jaya", reply_to=original)

    original_page = get(client, original.get_absolute_url()).text
    reply_page = get(client, reply.get_absolute_url()).text

    assert f'href="{reply.get_absolute_url()}">Hak jawab PT Maju Jaya</a>' in original_page
    assert f'href="{original.get_absolute_url()}">Kontraktor disebut lalai</a>' in reply_page


def test_a_hidden_right_of_reply_is_not_linked(client):
    """A reply still in review is not advertised under the story it answers."""
    original = published_article()
    article_in_state("in_review", title="Hak jawab belum terbit", reply_to=original)

    assert "Hak jawab belum terbit" not in get(client, original.get_absolute_url()).text


def test_share_links_are_plain_links_without_third_party_scripts(client):
    """WhatsApp, Facebook and X links carry the address; copying uses our own script."""
    article = published_article()

    page = get(client, article.get_absolute_url()).text

    assert "https://wa.me/?text=" in page
    assert (
        "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver%2Fberita%2F" in page
    )
    assert "https://x.com/intent/post?url=" in page
    assert "Salin tautan" in page
    assert '<script src="/static/js/site.js" defer></script>' in page
    assert "<script>" not in page  # nothing inline: a strict CSP stays possible


def test_read_also_shows_the_related_stories(client, django_capture_on_commit_callbacks):
    """The "Baca juga" block lists the stories the engine chose; the first one is also
    linked inside the body, after the second paragraph."""
    section = SectionFactory(name="Ekonomi", slug="ekonomi")
    with django_capture_on_commit_callbacks(execute=True):
        published_article(section=section, title="Harga cabai naik di Pasar Klandasan")
        published_article(section=section, title="Harga cabai turun lagi di Pasar Klandasan")
        article = published_article(
            section=section,
            title="Harga cabai di Pasar Klandasan",
            body="<p>Pedagang mengeluh.</p><p>Pembeli berkurang.</p><p>Pasokan seret.</p>",
        )

    page = get(client, article.get_absolute_url()).text

    related = recommendations.related_articles_for(article)
    assert related
    block = page.split('id="baca-juga"')[1]
    for story in related:
        assert f'href="{story.get_absolute_url()}">{story.title}</a>' in block
    inline = f'<a href="{related[0].get_absolute_url()}">{related[0].title}</a></p>'
    assert '<p>Pembeli berkurang.</p><p class="inline-related">' in page and inline in page


def test_preview_is_for_staff_and_never_cached(client, chief):
    """Editors preview a draft; the response must not be stored by any cache."""
    draft = article_in_state("draft", title="Draf untuk pratinjau")
    url = reverse("articles:article_preview", args=[draft.pk])

    assert client.get(url).status_code == 302  # to the admin login
    client.force_login(chief)
    response = client.get(url)

    assert response.status_code == 200
    assert "Draf untuk pratinjau" in response.text
    assert "no-store" in response["Cache-Control"]
    assert 'name="robots" content="noindex"' in response.text


# Listings -------------------------------------------------------------------------------------


def test_home_shows_headline_latest_sections_and_regions(client, region_tree):
    """The front page: the newest story as headline, the latest list, section blocks, regions."""
    section = SectionFactory(name="Pemerintahan", slug="pemerintahan")
    older = story(section=section, title="Rapat paripurna APBD")
    newest = story(section=section, title="Wali kota resmikan pasar")

    page = get(client, "/").text

    headline = page.split('class="headline"')[1].split("</section>")[0]
    assert "Wali kota resmikan pasar" in headline
    assert "Rapat paripurna APBD" in page.split('class="latest"')[1]
    assert 'id="rubrik-pemerintahan"' in page
    assert 'href="/wilayah/balikpapan/">Balikpapan</a>' in page.split('class="regions"')[1]
    assert older.get_absolute_url() in page and newest.get_absolute_url() in page


def test_every_page_has_the_menu_search_box_and_footer_links(client):
    """Navigation by section, a search box and the footer's editorial pages, on every page."""
    section = SectionFactory(name="Olahraga", slug="olahraga")

    page = get(client, "/tentang/").text

    assert 'href="/rubrik/olahraga/">Olahraga</a>' in page
    assert 'action="/cari/"' in page
    for label in ["Tentang", "Pedoman Media Siber", "Ralat", "RSS"]:
        assert f">{label}</a>" in page
    assert 'class="skip-link" href="#konten"' in page
    assert section.name in get(client, "/pedoman-media-siber/").text


def test_section_page_lists_only_its_stories_with_stable_pagination(client, chief):
    """Twelve stories a page, page two at ?halaman=2, nonsense pages are 404."""
    section = SectionFactory(name="Kesehatan", slug="kesehatan")
    for number in range(views.PAGE_SIZE + 1):
        published_article(section=section, title=f"Berita kesehatan {number}")
    published_article(title="Berita rubrik lain")

    first = get(client, "/rubrik/kesehatan/")
    second = get(client, "/rubrik/kesehatan/?halaman=2")

    assert first.text.count('class="card-title"') == views.PAGE_SIZE
    assert "Berita rubrik lain" not in first.text
    assert 'rel="next" href="/rubrik/kesehatan/?halaman=2"' in first.text
    assert second.text.count('class="card-title"') == 1
    assert 'rel="prev" href="/rubrik/kesehatan/"' in second.text
    assert '<link rel="canonical" href="http://testserver/rubrik/kesehatan/?halaman=2">' in (
        second.text
    )
    for page in ["3", "0", "abc", "1%00"]:
        assert get(client, f"/rubrik/kesehatan/?halaman={page}").status_code == 404
    assert get(client, "/rubrik/tidak-ada/").status_code == 404


def test_author_page_shows_the_reporter_and_their_stories(client):
    """Each bylined reporter has a page; staff without public stories have none."""
    article = story(title="Liputan pasar malam")
    reporter = article.reporters.get()
    editor_without_byline = article.editor

    response = get(client, reverse("articles:author_detail", args=[reporter.pk]))

    assert "<h1>Budi Santoso</h1>" in response.text
    assert "Liputan pasar malam" in response.text
    assert get(client, f"/penulis/{editor_without_byline.pk}/").status_code == 404


def test_region_page_rolls_up_districts_and_lists_its_places(client, region_tree):
    """A district's story shows on its city's and province's pages; the city lists its districts."""
    province, city, district = region_tree
    article = published_article(title="Jalan rusak di Balikpapan Selatan")
    article.regions.set([district])

    city_page = get(client, city.get_absolute_url()).text
    province_page = get(client, province.get_absolute_url()).text

    assert "Jalan rusak di Balikpapan Selatan" in city_page
    assert "Jalan rusak di Balikpapan Selatan" in province_page
    assert 'href="/wilayah/balikpapan-selatan/">Balikpapan Selatan</a>' in city_page
    assert '"@type": "Place"' in city_page and '"containedInPlace"' in city_page


def test_official_page_shows_position_institution_and_stories(client):
    """The official's page: who they are, where they work, what they said."""
    official = OfficialFactory(
        name="Bagus Susetyo",
        slug="bagus-susetyo",
        position="Wakil Wali Kota Balikpapan",
        institution="Pemerintah Kota Balikpapan",
    )
    article = published_article(title="Wawali minta drainase dibersihkan")
    article.officials.add(official)

    page = get(client, "/tokoh/bagus-susetyo/").text

    assert "<h1>Bagus Susetyo</h1>" in page
    assert "Wakil Wali Kota Balikpapan · Pemerintah Kota Balikpapan" in page
    assert "Wawali minta drainase dibersihkan" in page
    assert '"jobTitle": "Wakil Wali Kota Balikpapan"' in page
    assert get(client, "/tokoh/tidak-ada/").status_code == 404


def test_official_page_shows_the_positions_held(client):
    """Someone who was deputy mayor and is now mayor: the current job first, then the history."""
    official = OfficialFactory(name="Rahmad Mas'ud", slug="rahmad-masud", position="")
    official.positions.create(
        title="Wakil Wali Kota Balikpapan", start=date(2016, 5, 1), end=date(2021, 2, 25)
    )
    official.positions.create(
        title="Wali Kota Balikpapan", institution="Pemkot Balikpapan", start=date(2021, 2, 26)
    )
    published_article().officials.add(official)

    page = get(client, "/tokoh/rahmad-masud/").text

    assert "Wali Kota Balikpapan · Pemkot Balikpapan</p>" in page
    assert "Riwayat jabatan" in page and "Wakil Wali Kota Balikpapan" in page


def test_a_merged_tag_moves_permanently_and_unicode_slugs_work(client):
    """After a merge the old address answers 301 to the surviving tag's page."""
    kept = TopicFactory(name="banjir", slug="banjir")
    merged = TopicFactory(name="banjir rob", slug="banjir-rob")
    published_article().topics.add(merged)
    taxonomy.merge_tags(merged, kept)
    cafe = TopicFactory(name="kafé", slug="kafé")
    published_article(title="Kafe baru di Klandasan").topics.add(cafe)

    response = get(client, "/topik/banjir-rob/")

    assert response.status_code == 301
    assert response["Location"] == "/topik/banjir/"
    assert "Kafe baru di Klandasan" in get(client, cafe.get_absolute_url()).text


def test_topic_page_lists_its_stories(client):
    article = published_article(title="Banjir rob di pesisir")
    article.topics.add(TopicFactory(name="banjir", slug="banjir"))

    page = get(client, "/topik/banjir/").text

    assert "Banjir rob di pesisir" in page
    assert get(client, "/topik/tidak-ada/").status_code == 404


def test_archive_by_year_month_and_day(client):
    """The index lists a day's stories; empty days are 404 so crawlers do not wander."""
    moment = timezone.localtime(timezone.now() - timedelta(days=3))
    published_article(title="Berita tiga hari lalu", published_at=moment)
    published_article(title="Berita hari ini")
    year, month, day = moment.year, moment.month, moment.day

    day_page = get(client, f"/indeks/{year}/{month:02d}/{day:02d}/")
    month_page = get(client, f"/indeks/{year}/{month:02d}/")

    assert "Berita tiga hari lalu" in day_page.text
    assert "Berita hari ini" not in day_page.text
    assert "Berita tiga hari lalu" in month_page.text
    assert "Berita tiga hari lalu" in get(client, f"/indeks/{year}/").text
    assert "Berita hari ini" in get(client, "/indeks/").text
    assert get(client, "/indeks/1999/01/01/").status_code == 404


def test_corrections_page_lists_corrections_of_public_stories(client, chief):
    """The site-wide ralat page, newest first, linking each story."""
    article = published_article(title="Berita yang diralat")
    workflow.add_correction(article, chief, "Angka anggaran yang benar Rp 2 miliar.")
    gone = published_article(title="Berita yang kemudian ditarik")
    workflow.add_correction(gone, chief, "Ralat pada berita yang ditarik.")
    workflow.apply_transition(gone, "unpublish", chief, comment="Ditarik sementara.")

    page = get(client, "/ralat/").text

    assert "Angka anggaran yang benar Rp 2 miliar." in page
    assert f'href="{article.get_absolute_url()}">Berita yang diralat</a>' in page
    assert "Ralat pada berita yang ditarik." not in page


# Costs ----------------------------------------------------------------------------------------


def _queries(client, url):
    client.get(url)  # stored results computed on first use (related stories) are made
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _grow(count, region_tree, section, chief):
    province, city, district = region_tree
    for number in range(count):
        article = story(section=section, title=f"Berita ke-{number} tentang kota")
        article.regions.add(district, province)
        article.reporters.add(UserFactory(username=f"penulis-kedua-{section.slug}-{number}"))
        workflow.add_correction(article, chief, f"Ralat nomor {number}.")


def test_pages_make_the_same_number_of_queries_however_much_there_is(client, region_tree, chief):
    """Growing the articles, tags, authors and corrections threefold adds no query to any page."""
    section = SectionFactory(name="Pemerintahan", slug="pemerintahan")
    _grow(2, region_tree, section, chief)
    article = story(section=section)
    official = article.officials.get()
    reporter = article.reporters.get()
    urls = [
        "/",
        article.get_absolute_url(),
        section.get_absolute_url(),
        "/wilayah/kalimantan-timur/",
        official.get_absolute_url(),
        article.topics.get().get_absolute_url(),
        reverse("articles:author_detail", args=[reporter.pk]),
        "/indeks/",
        "/ralat/",
        "/cari/?q=kota",
        "/rss/",
        "/rss/wilayah/balikpapan/",
        "/sitemap.xml",
        "/sitemap-berita.xml",
        "/sitemap-wilayah.xml",
    ]
    before = {url: _queries(client, url) for url in urls}

    _grow(6, region_tree, section, chief)

    after = {url: _queries(client, url) for url in urls}
    assert after == before


def test_an_uncached_article_page_needs_at_most_eight_queries(client, region_tree, chief):
    """The speed target: the article page, rendered afresh, in eight queries or fewer."""
    section = SectionFactory(name="Hukum", slug="hukum")
    _grow(3, region_tree, section, chief)
    article = story(section=section)
    published_article(reply_to=article)
    client.get(article.get_absolute_url())  # its related stories are computed and stored
    cache.clear()
    client.get("/tentang/")  # the menu and cache generation, shared by every page

    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert len(queries) <= 8, [query["sql"] for query in queries]
