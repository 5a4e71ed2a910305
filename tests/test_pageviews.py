"""Counting reads for "Terpopuler": no cookies, no personal data, one row per article per day."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import pageviews, workflow
from articles.models import ArticleViewCount
from tests.factories import UserFactory, article_in_state, published_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_buffer():
    """Counts left by another test are written (or dropped) before this one starts."""
    pageviews.flush()


def read(client, article):
    return client.post(reverse("articles:article_read", args=[article.pk]))


def test_reads_are_counted_per_article_per_day_without_cookies(client):
    """Three reads make one row with 3 views; the reader gets nothing stored on them."""
    article = published_article()

    responses = [read(client, article) for _ in range(3)]
    pageviews.flush()

    assert [response.status_code for response in responses] == [204, 204, 204]
    assert not any(response.cookies for response in responses)
    assert "no-store" in responses[0]["Cache-Control"]
    row = ArticleViewCount.objects.get()
    assert (row.article, row.day, row.views) == (article, timezone.localdate(), 3)


def test_counting_costs_no_query_until_the_counts_are_written(client, django_assert_num_queries):
    """A read only adds to a counter in memory; the database is written in batches."""
    article = published_article()

    with django_assert_num_queries(0):
        read(client, article)
    pageviews.flush()
    read(client, article)
    pageviews.flush()

    assert ArticleViewCount.objects.get().views == 2  # added to, not overwritten


def test_reads_of_hidden_or_unknown_articles_are_dropped(client):
    """Counts cannot be made up for drafts or ids that do not exist."""
    draft = article_in_state("draft")

    read(client, draft)
    client.post("/statistik/baca/999999/")
    pageviews.flush()

    assert not ArticleViewCount.objects.exists()
    assert client.get(reverse("articles:article_read", args=[draft.pk])).status_code == 405


def test_the_article_page_asks_to_be_counted(client):
    """The page's script finds the address to send its read to; previews have none."""
    article = published_article()

    html = client.get(article.get_absolute_url()).text

    assert f'data-read-url="/statistik/baca/{article.pk}/"' in html


def test_most_read_over_24_hours_and_7_days(client):
    """Last week's hit leads the week; today's story leads the last 24 hours."""
    today = timezone.localdate()
    week_hit = published_article(title="Viral pekan lalu")
    today_hit = published_article(title="Ramai hari ini")
    ArticleViewCount.objects.create(article=week_hit, day=today - timedelta(days=4), views=500)
    ArticleViewCount.objects.create(article=week_hit, day=today, views=5)
    ArticleViewCount.objects.create(article=today_hit, day=today, views=80)
    old = published_article(title="Populer bulan lalu")
    ArticleViewCount.objects.create(article=old, day=today - timedelta(days=30), views=9000)
    hidden = published_article(title="Populer tapi ditarik")
    ArticleViewCount.objects.create(article=hidden, day=today, views=10000)
    chief = UserFactory(username="pemred-uji", is_superuser=True)
    workflow.apply_transition(hidden, "unpublish", chief, comment="Ditarik.")

    assert pageviews.most_read(days=1) == [today_hit, week_hit]
    assert pageviews.most_read(days=7) == [week_hit, today_hit]
    home = client.get("/").text
    assert "Terpopuler" in home and "Ramai hari ini" in home.split('class="most-read"')[1]
