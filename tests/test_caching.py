"""The page cache: fast repeat pages for readers, never stale after an editorial change."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles import caching, workflow
from tests.factories import SectionFactory, UserFactory, article_in_state, published_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief():
    return UserFactory(username="pemred-uji", is_superuser=True)


def test_a_cached_page_is_served_without_any_query(client, django_assert_num_queries):
    """The second reader of a page costs no SQL at all."""
    article = published_article(title="Pasar Klandasan direnovasi")
    first = client.get(article.get_absolute_url())

    with django_assert_num_queries(0):
        second = client.get(article.get_absolute_url())

    assert second.status_code == 200
    assert second.content == first.content
    assert "Pasar Klandasan direnovasi" in second.text


def test_public_pages_tell_browsers_and_cdns_how_long_to_keep_them(client):
    """Cache-Control public with max-age and s-maxage, and an ETag to revalidate with."""
    published_article()

    response = client.get("/")

    assert response["ETag"].startswith('"')
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert f"max-age={caching.BROWSER_MAX_AGE}" in cache_control
    assert f"s-maxage={caching.SHARED_MAX_AGE}" in cache_control
    assert response["Content-Language"] == "id"
    assert not response.cookies  # nothing per visitor: a CDN may share the page


def test_a_repeat_visit_gets_304_not_modified(client, django_assert_num_queries):
    """A browser that already has the page gets an empty 304, still without a query."""
    article = published_article()
    first = client.get(article.get_absolute_url())
    assert first.has_header("Last-Modified")

    with django_assert_num_queries(0):
        repeat = client.get(article.get_absolute_url(), headers={"if-none-match": first["ETag"]})

    assert repeat.status_code == 304
    assert repeat.content == b""
    changed = client.get(article.get_absolute_url(), headers={"if-none-match": '"lama"'})
    assert changed.status_code == 200


def test_publishing_purges_cached_listings(client, chief, django_capture_on_commit_callbacks):
    """A story published after the home page was cached is on the home page at once."""
    published_article(title="Berita lama")
    client.get("/")
    approved = article_in_state("approved", title="Berita baru terbit")

    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply_transition(approved, "publish", chief)

    assert "Berita baru terbit" in client.get("/").text


def test_a_correction_purges_the_cached_article(client, chief, django_capture_on_commit_callbacks):
    """Readers see a correction as soon as the editor adds it."""
    article = published_article()
    client.get(article.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        workflow.add_correction(article, chief, "Lokasi yang benar di Kelurahan Damai.")

    assert "Lokasi yang benar di Kelurahan Damai." in client.get(article.get_absolute_url()).text


def test_unpublishing_takes_the_cached_article_down(
    client, chief, django_capture_on_commit_callbacks
):
    """A story withdrawn by the editors stops being served from the cache."""
    article = published_article()
    assert client.get(article.get_absolute_url()).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply_transition(article, "unpublish", chief, comment="Data belum lengkap.")

    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_scheduled_article_appears_exactly_at_its_time(client, chief):
    """No job runs at the publish time: the cached pages simply expire then."""
    published_article(title="Berita yang sudah ada")
    due = timezone.now() + timedelta(seconds=2)
    scheduled = article_in_state("scheduled", title="Berita terjadwal", publish_at=due)
    caching.purge_public_pages()  # as the workflow does after commit

    assert "Berita terjadwal" not in client.get("/").text  # now cached until `due`
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    time.sleep(max(0, (due - timezone.now()).total_seconds()) + 0.1)

    assert "Berita terjadwal" in client.get("/").text
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_browsers_may_not_keep_a_page_past_the_next_scheduled_publication(client):
    """max-age never reaches beyond the moment a scheduled story goes live."""
    article_in_state("scheduled", publish_at=timezone.now() + timedelta(seconds=20))

    cache_control = client.get("/")["Cache-Control"]

    max_age = int(cache_control.split("max-age=")[1].split(",")[0])
    assert 0 < max_age <= 20


def test_staff_always_get_a_fresh_page_that_no_cache_keeps(client, chief):
    """Editors checking their work never see an old copy, and their pages are never stored."""
    article = published_article(title="Judul pertama")
    client.get(article.get_absolute_url())  # cached for readers
    article.title = "Judul yang sudah diperbaiki"
    article.save()
    client.force_login(chief)

    response = client.get(article.get_absolute_url())

    assert "Judul yang sudah diperbaiki" in response.text
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    client.cookies.pop(settings.SESSION_COOKIE_NAME)
    assert "Judul pertama" in client.get(article.get_absolute_url()).text  # readers: until purge


def test_tracking_parameters_do_not_split_the_cache(client, django_assert_num_queries):
    """?utm_source=... serves the same cached page; ?halaman=2 is a different page."""
    for number in range(13):
        published_article(title=f"Berita nomor {number}")
    first = client.get("/indeks/")

    with django_assert_num_queries(0):
        tracked = client.get("/indeks/?utm_source=whatsapp&fbclid=abc")
    second_page = client.get("/indeks/?halaman=2")

    assert tracked.content == first.content
    assert second_page.content != first.content


def test_each_host_gets_its_own_copy(client):
    """Pages carry absolute URLs, so a page cached for one host is not served to another."""
    published_article()

    one = client.get("/", headers={"host": "localhost"})
    other = client.get("/", headers={"host": "testserver"})

    assert 'href="http://localhost/"' in one.text
    assert 'href="http://testserver/"' in other.text


def test_not_found_pages_are_not_stored(client, chief):
    """A 404 is rendered each time, so a story published a moment later is not hidden."""
    approved = article_in_state("approved")
    assert client.get(approved.get_absolute_url()).status_code == 404

    workflow.apply_transition(approved, "publish", chief)  # no purge: the 404 was never kept

    assert client.get(approved.get_absolute_url()).status_code == 200


def test_purging_drops_shared_page_parts_such_as_the_menu(client):
    """The section menu is cached too, and a purge renews it."""
    published_article()
    client.get("/")
    SectionFactory(name="Rubrik Baru", slug="rubrik-baru")
    assert "Rubrik Baru" not in client.get("/tentang/").text
    caching.purge_public_pages()

    assert "Rubrik Baru" in client.get("/tentang/").text


def test_the_preview_of_a_published_article_is_not_public_cache_material(client, chief):
    """Preview responses stay private even for a story that is public."""
    article = published_article()
    client.force_login(chief)

    response = client.get(reverse("articles:article_preview", args=[article.pk]))

    assert "public" not in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
