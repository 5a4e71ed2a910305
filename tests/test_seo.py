"""What search engines and social networks read from a page: metadata and JSON-LD."""

import json
import re

import pytest
from django.utils.dateparse import parse_datetime

from articles import images, workflow
from tests.factories import OfficialFactory, TopicFactory, UserFactory, published_article

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def structured_data(html):
    """Every JSON-LD object of a page, by its @type."""
    return {data["@type"]: data for data in map(json.loads, JSON_LD.findall(html))}


def meta(html, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    return match and match.group(1)


@pytest.fixture
def article():
    """A corrected story with two reporters, an official and a topic, and a processed photo."""
    story = published_article(
        title="Wawali tinjau proyek drainase",
        seo_description="Wakil Wali Kota meninjau drainase di Balikpapan Selatan.",
    )
    images.process_image(story.featured_image)
    story.reporters.add(UserFactory(username="rep-1", first_name="Dewi", last_name="Lestari"))
    story.reporters.add(UserFactory(username="rep-2", first_name="Andi", last_name="Pratama"))
    story.officials.add(
        OfficialFactory(
            name="Bagus Susetyo",
            slug="bagus-susetyo",
            position="Wakil Wali Kota Balikpapan",
            institution="Pemerintah Kota Balikpapan",
        )
    )
    story.topics.add(TopicFactory(name="drainase", slug="drainase"))
    chief = UserFactory(username="pemred-uji", is_superuser=True)
    workflow.add_correction(story, chief, "Proyek dimulai Senin, bukan Selasa.")
    story.refresh_from_db()
    return story


def test_news_article_json_ld_describes_the_story(client, article):
    """NewsArticle with headline, authors, publisher logo, dates, section, keywords, image."""
    html = client.get(article.get_absolute_url()).text
    data = structured_data(html)["NewsArticle"]
    url = f"http://testserver{article.get_absolute_url()}"

    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "Wawali tinjau proyek drainase"
    assert data["description"] == "Wakil Wali Kota meninjau drainase di Balikpapan Selatan."
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert [author["name"] for author in data["author"]] == ["Dewi Lestari", "Andi Pratama"]
    assert data["author"][0]["url"].startswith("http://testserver/penulis/")
    assert data["publisher"]["name"] == "Newsroom"
    assert data["publisher"]["logo"]["url"] == "http://testserver/static/img/logo-publisher.png"
    assert parse_datetime(data["datePublished"]) == article.published_at.replace(microsecond=0)
    assert parse_datetime(data["dateModified"]) == article.updated_at.replace(microsecond=0)
    assert data["articleSection"] == article.section.name
    assert data["keywords"] == ["Balikpapan", "Bagus Susetyo", "drainase"]
    rendition = images.rendition_url(article.featured_image, 1200)
    assert "/renditions/" in rendition
    assert data["image"] == [f"http://testserver{rendition}"]
    assert data["inLanguage"] == "id"


def test_json_ld_lists_corrections_and_mentions_officials(client, article):
    """Corrections as CorrectionComment; quoted officials under mentions, linking their page."""
    data = structured_data(client.get(article.get_absolute_url()).text)["NewsArticle"]

    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "Proyek dimulai Senin, bukan Selasa.",
            "datePublished": data["correction"][0]["datePublished"],
        }
    ]
    assert data["mentions"] == [
        {
            "@type": "Person",
            "name": "Bagus Susetyo",
            "url": "http://testserver/tokoh/bagus-susetyo/",
        }
    ]


def test_breadcrumbs_lead_from_home_through_the_section(client, article):
    data = structured_data(client.get(article.get_absolute_url()).text)["BreadcrumbList"]

    names = [item["name"] for item in data["itemListElement"]]
    assert names == ["Beranda", article.section.name, article.title]
    assert [item["position"] for item in data["itemListElement"]] == [1, 2, 3]
    assert data["itemListElement"][1]["item"] == (
        f"http://testserver{article.section.get_absolute_url()}"
    )


def test_open_graph_twitter_canonical_and_description(client, article):
    """Sharing on WhatsApp or Facebook shows the title, description and the large photo."""
    html = client.get(f"{article.get_absolute_url()}?utm_source=wa").text
    url = f"http://testserver{article.get_absolute_url()}"
    image = f"http://testserver{images.rendition_url(article.featured_image, 1200)}"

    assert '<html lang="id">' in html
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "name", "description") == article.seo_description
    assert meta(html, "property", "og:type") == "article"
    assert meta(html, "property", "og:title") == article.title
    assert meta(html, "property", "og:url") == url
    assert meta(html, "property", "og:image") == image
    assert meta(html, "property", "og:locale") == "id_ID"
    assert meta(html, "name", "twitter:card") == "summary_large_image"
    assert meta(html, "name", "twitter:image") == image


def test_meta_description_falls_back_to_the_lead(client):
    story = published_article(lead="Pemkot menyiapkan 20 titik pengungsian banjir.")

    html = client.get(story.get_absolute_url()).text

    assert meta(html, "name", "description") == "Pemkot menyiapkan 20 titik pengungsian banjir."


def test_json_ld_cannot_be_broken_out_of(client):
    """A title with </script> and markup stays data: escaped, yet the same text once parsed."""
    title = 'Kasus </script><script>alert("x")</script> & <b>'
    story = published_article(title=title)

    html = client.get(story.get_absolute_url()).text

    assert '</script><script>alert("x")' not in html
    assert structured_data(html)["NewsArticle"]["headline"] == title


def test_official_page_is_a_person(client):
    official = OfficialFactory(
        name="Rahmad Mas'ud", slug="rahmad-masud", position="Wali Kota Balikpapan"
    )
    published_article().officials.add(official)

    data = structured_data(client.get("/tokoh/rahmad-masud/").text)["Person"]

    assert data["name"] == "Rahmad Mas'ud"
    assert data["jobTitle"] == "Wali Kota Balikpapan"
