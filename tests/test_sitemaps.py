"""Sitemaps and robots.txt: what search engines and Google News are told to crawl."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles import workflow
from articles.models import Article
from tests.factories import (
    RegionFactory,
    TopicFactory,
    UserFactory,
    article_in_state,
    published_article,
)

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return ET.fromstring(response.content)


def locations(root):
    return [url.findtext(f"{SITEMAP}loc") for url in root.iter(f"{SITEMAP}url")]


def lastmods(root):
    return {
        url.findtext(f"{SITEMAP}loc"): parse_datetime(url.findtext(f"{SITEMAP}lastmod"))
        for url in root.iter(f"{SITEMAP}url")
    }


def test_the_index_lists_every_sitemap_with_its_newest_change(client):
    """sitemap.xml names the article, news, section, region, official and topic sitemaps."""
    article = published_article()
    article.topics.add(TopicFactory(name="pariwisata", slug="pariwisata"))

    root = parse(client, "/sitemap.xml")
    entries = {
        entry.findtext(f"{SITEMAP}loc"): entry.findtext(f"{SITEMAP}lastmod")
        for entry in root.iter(f"{SITEMAP}sitemap")
    }

    for name in ["berita", "berita-terkini", "rubrik", "wilayah", "tokoh", "topik"]:
        assert f"http://testserver/sitemap-{name}.xml" in entries
    assert entries["http://testserver/sitemap-berita.xml"] is not None
    assert client.get("/sitemap-tidak-ada.xml").status_code == 404


def test_article_sitemap_lists_public_stories_dated_by_their_last_change(client):
    """Hidden stories are not mapped; lastmod is the modified time, moved by a correction."""
    article = published_article(published_at=timezone.now() - timedelta(days=3))
    for state in ["draft", "scheduled", "unpublished", "retracted"]:
        article_in_state(state)
    chief = UserFactory(username="pemred-uji", is_superuser=True)
    correction = workflow.add_correction(article, chief, "Ralat nama jalan.")

    mapped = lastmods(parse(client, "/sitemap-berita.xml"))

    url = f"http://testserver{article.get_absolute_url()}"
    assert list(mapped) == [url]
    assert mapped[url] == correction.created_at.replace(microsecond=0)


def test_news_sitemap_holds_the_last_48_hours_for_google_news(client):
    """Only stories of the last two days, with the publication's name and language."""
    fresh = published_article(title="Berita hari ini", published_at=timezone.now())
    published_article(title="Berita kemarin lusa", published_at=timezone.now() - timedelta(days=3))
    article_in_state("scheduled", title="Berita besok")

    root = parse(client, "/sitemap-berita-terkini.xml")
    news = root.find(f"{SITEMAP}url/{NEWS}news")

    assert locations(root) == [f"http://testserver{fresh.get_absolute_url()}"]
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Newsroom"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "id"
    assert news.findtext(f"{NEWS}title") == "Berita hari ini"
    published = parse_datetime(news.findtext(f"{NEWS}publication_date"))
    assert published == fresh.published_at.replace(microsecond=0)


def test_tag_sitemaps_list_only_pages_with_public_stories(client):
    """Regions with stories (also through their districts) are mapped; empty ones are not."""
    article = published_article()
    district = RegionFactory(name="Balikpapan Barat", slug="balikpapan-barat", kind="district")
    district.parent = article.regions.get()
    district.save()
    article.regions.set([district])
    RegionFactory(name="Mahakam Ulu", slug="mahakam-ulu")
    hidden = article_in_state("draft")
    hidden.topics.add(TopicFactory(name="rahasia", slug="rahasia"))

    regions = locations(parse(client, "/sitemap-wilayah.xml"))

    assert "http://testserver/wilayah/balikpapan/" in regions
    assert "http://testserver/wilayah/balikpapan-barat/" in regions
    assert "http://testserver/wilayah/mahakam-ulu/" not in regions
    assert locations(parse(client, "/sitemap-topik.xml")) == []
    assert locations(parse(client, "/sitemap-rubrik.xml")) == [
        f"http://testserver{article.section.get_absolute_url()}"
    ]
    assert Article.objects.count() == 2


def test_robots_txt_points_to_the_sitemaps_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.text
    assert "Disallow: /pratinjau/" in response.text
    assert "Sitemap: http://testserver/sitemap.xml" in response.text
    assert "Sitemap: http://testserver/sitemap-berita-terkini.xml" in response.text
