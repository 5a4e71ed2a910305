"""RSS feeds: valid RSS 2.0 that aggregators can read, with only public stories."""

import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest

from articles.models import Region
from tests.factories import (
    OfficialFactory,
    RegionFactory,
    TopicFactory,
    UserFactory,
    article_in_state,
    published_article,
)

pytestmark = pytest.mark.django_db

MEDIA = "{http://search.yahoo.com/mrss/}"
DC = "{http://purl.org/dc/elements/1.1/}"


def channel(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel")


def titles(feed):
    return [item.findtext("title") for item in feed.findall("item")]


def test_latest_feed_carries_full_metadata_per_item(client):
    """Title, link, guid, date, authors, categories and the photo of each story."""
    article = published_article(title="Harga BBM & LPG stabil <menurut> Pertamina")
    article.reporters.add(UserFactory(username="rep-a", first_name="Dewi", last_name="Lestari"))
    article.reporters.add(UserFactory(username="rep-b", first_name="Andi", last_name="Pratama"))
    article.topics.add(TopicFactory(name="energi", slug="energi"))

    feed = channel(client, "/rss/")
    item = feed.find("item")

    assert feed.findtext("title") == "Newsroom"
    assert feed.findtext("language") == "id"
    assert feed.find("image").findtext("url").endswith("/static/img/logo-publisher.png")
    assert item.findtext("title") == "Harga BBM & LPG stabil <menurut> Pertamina"
    url = f"http://testserver{article.get_absolute_url()}"
    assert item.findtext("link") == url
    assert item.find("guid").text == url and item.find("guid").get("isPermaLink") == "true"
    assert item.findtext("description") == article.lead
    assert parsedate_to_datetime(item.findtext("pubDate")) == article.published_at.replace(
        microsecond=0
    )
    assert item.findtext(f"{DC}creator") == "Dewi Lestari, Andi Pratama"
    categories = [category.text for category in item.findall("category")]
    assert categories == [article.section.name, "Balikpapan", "energi"]
    enclosure = item.find("enclosure")
    assert enclosure.get("url").startswith("http://testserver/media/")
    assert enclosure.get("type") == "image/jpeg"
    media = item.find(f"{MEDIA}content")
    assert media.get("url") == enclosure.get("url") and media.get("medium") == "image"
    assert media.findtext(f"{MEDIA}credit") == "Newsroom/Dewi"


def test_feeds_hold_only_public_stories(client):
    """Drafts, scheduled and withdrawn stories never reach aggregators."""
    published_article(title="Berita terbit")
    for state in ["draft", "scheduled", "unpublished", "retracted"]:
        article_in_state(state, title=f"Tersembunyi {state}")

    assert titles(channel(client, "/rss/")) == ["Berita terbit"]


def test_section_region_official_and_topic_feeds(client):
    """Each has its own feed, listing only its stories; a region's includes its districts."""
    city = Region.objects.get_or_create(slug="balikpapan", defaults={"name": "Balikpapan"})[0]
    district = RegionFactory(
        name="Balikpapan Kota", slug="balikpapan-kota", kind=Region.Kind.DISTRICT, parent=city
    )
    official = OfficialFactory(name="Rahmad Mas'ud", slug="rahmad-masud")
    topic = TopicFactory(name="anggaran", slug="anggaran")
    tagged = published_article(title="APBD dibahas")
    tagged.regions.set([district])
    tagged.officials.add(official)
    tagged.topics.add(topic)
    other = published_article(title="Berita lain")
    other.regions.set([RegionFactory(name="Samarinda", slug="samarinda")])

    assert titles(channel(client, f"/rss/rubrik/{tagged.section.slug}/")) == ["APBD dibahas"]
    assert titles(channel(client, "/rss/wilayah/balikpapan/")) == ["APBD dibahas"]
    assert titles(channel(client, "/rss/tokoh/rahmad-masud/")) == ["APBD dibahas"]
    assert titles(channel(client, "/rss/topik/anggaran/")) == ["APBD dibahas"]
    assert channel(client, "/rss/tokoh/rahmad-masud/").findtext("title") == (
        "Rahmad Mas'ud – Newsroom"
    )
    assert client.get("/rss/wilayah/tidak-ada/").status_code == 404


def test_pages_announce_their_feeds(client):
    """Every page links the site feed; listing pages also link their own."""
    article = published_article()

    section_page = client.get(article.section.get_absolute_url()).text

    assert (
        '<link rel="alternate" type="application/rss+xml" title="Newsroom" href="/rss/">'
        in section_page
    )
    assert f'href="/rss/rubrik/{article.section.slug}/">' in section_page
    assert 'href="/rss/wilayah/balikpapan/">' in client.get("/wilayah/balikpapan/").text
