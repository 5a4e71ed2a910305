"""Search ("Cari"): PostgreSQL full text or the SQLite fallback, both run by CI."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles import search
from articles.models import Article
from tests.factories import article_in_state, published_article

pytestmark = pytest.mark.django_db


def found(text):
    return list(search.search_articles(search.clean_query(text)))


def test_a_match_in_the_title_ranks_above_one_in_the_body():
    """A story about the topic beats a story that merely mentions it."""
    mention = published_article(
        title="Rapat koordinasi akhir tahun",
        body="<p>Peserta juga menyinggung drainase di beberapa kelurahan.</p>",
        published_at=timezone.now() - timedelta(hours=1),
    )
    about = published_article(
        title="Drainase Jalan Sudirman diperbaiki",
        body="<p>Pekerjaan dimulai pekan depan.</p>",
        published_at=timezone.now() - timedelta(days=2),
    )
    published_article(title="Persiba juara turnamen", body="<p>Sepak bola.</p>")

    assert found("drainase") == [about, mention]


def test_every_word_must_match():
    """Two words narrow the results: both must appear."""
    both = published_article(title="Banjir rob di Manggar", body="<p>Air laut pasang.</p>")
    published_article(title="Banjir di Sepinggan", body="<p>Hujan deras semalam.</p>")

    assert found("banjir manggar") == [both]


def test_only_public_articles_are_found():
    """Drafts, scheduled, unpublished and retracted stories never appear in results."""
    public = published_article(title="Vaksinasi anak sekolah dimulai")
    for state in ["draft", "in_review", "scheduled", "unpublished", "retracted"]:
        article_in_state(state, title=f"Vaksinasi rahasia {state}")

    assert found("vaksinasi") == [public]


def test_results_page_highlights_matches_and_escapes_the_rest(client):
    """Matches are marked; text from the story is shown as text, never as HTML."""
    published_article(
        title="Tarif parkir naik",
        lead="Tarif parkir <img src=x onerror=alert(1)> di tepi jalan naik mulai Senin.",
    )

    response = client.get("/cari/", {"q": "parkir"})

    assert response.status_code == 200
    assert "<mark>" in response.text and "</mark>" in response.text
    assert "Tarif <mark>parkir</mark> naik</a>" in response.text
    assert "<img src=x" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text
    assert "1 berita ditemukan untuk “parkir”." in response.text
    assert 'name="robots" content="noindex, follow"' in response.text


def test_results_are_paginated_keeping_the_query(client):
    """Page links keep ?q= so that page two is page two of the same search."""
    for number in range(13):
        published_article(title=f"Pelantikan pejabat ke-{number}")

    first = client.get("/cari/", {"q": "pelantikan"})
    second = client.get("/cari/", {"q": "pelantikan", "halaman": 2})

    assert 'href="/cari/?q=pelantikan&amp;halaman=2"' in first.text
    assert second.text.count('class="search-result"') == 1


HOSTILE_QUERIES = {
    "empty": "",
    "spaces": "   ",
    "very-long": "banjir " * 800,
    "quotes": '"banjir',
    "single-quote": "banjir'",
    "sql": "'; DROP TABLE articles_article; --",
    "percent": "%",
    "underscore": "_",
    "operators": "!!! & | <-> :* ()",
    "websearch-syntax": '-"or" or -',
    "null-byte": "ban\x00jir",
    "control": "\x1b[31mbanjir",
    "unicode": "banjir 🌊 ñ é 中文 ٱلْعَرَبِيَّة",
    "stop-words-only": "yang dan di",
    "backslash": "\\",
    "markers": "\ue000banjir\ue001",
}


@pytest.mark.parametrize("query", HOSTILE_QUERIES.values(), ids=HOSTILE_QUERIES.keys())
def test_odd_queries_give_a_normal_page(client, query):
    """Whatever is typed, the reader gets a results page, never an error."""
    published_article(title="Banjir di Balikpapan Utara")

    response = client.get("/cari/", {"q": query})

    assert response.status_code == 200
    assert "Cari" in response.text
    assert Article.objects.exists()  # and nothing was dropped


def test_the_query_is_cleaned_and_capped():
    """Control characters go (PostgreSQL refuses NUL) and a query is at most 200 characters."""
    assert search.clean_query(" ban\x00jir \n rob ") == "ban jir rob"
    assert len(search.clean_query("a" * 5000)) == search.MAX_QUERY_LENGTH
    assert found("") == []


def test_edits_and_bulk_writes_keep_the_index_current():
    """A renamed story is found by its new title, also after a bulk write that skips save()."""
    article = published_article(title="Pembangunan jembatan dimulai")
    article.title = "Peresmian terminal penumpang"
    article.save()
    assert found("terminal") == [article]

    Article.objects.filter(pk=article.pk).update(title="Lelang proyek pelabuhan")
    Article.objects.filter(pk=article.pk).refresh_search_vectors()

    assert found("pelabuhan") == [article]
    assert found("terminal") == []


def test_the_database_engine_decides_how_words_match():
    """PostgreSQL uses the `indonesian` configuration and its GIN index, so other forms of a
    word match (membangun finds pembangunan); the SQLite fallback matches substrings."""
    article = published_article(title="Pembangunan sekolah baru di Balikpapan Timur")

    if connection.vendor == "postgresql":
        assert found("membangun") == [article]
        with connection.cursor() as cursor:
            indexes = connection.introspection.get_constraints(cursor, Article._meta.db_table)
        assert indexes["article_search_vector"]["type"] == "gin"
    else:
        assert found("bangun") == [article]
        assert found("membangun") == []
