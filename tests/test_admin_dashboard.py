"""The editorial dashboard: review queue, deadlines, schedule, sent-back stories and drafts."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.dashboard import editorial_dashboard
from articles.models import Article
from articles.roles import EDITOR, REPORTER
from tests.factories import article_in_state, logged_in_client, role_user


@pytest.fixture
def editor(db):
    return role_user(EDITOR, username="redaktur")


@pytest.fixture
def reporter(db):
    return role_user(REPORTER, username="jurnalis")


def waited(article, hours):
    """As if the article entered its current state ``hours`` ago."""
    Article.objects.filter(pk=article.pk).update(
        status_changed_at=timezone.now() - timedelta(hours=hours)
    )


def test_awaiting_review_is_oldest_first(editor):
    """The story waiting longest comes first."""
    recent, oldest, middle = (article_in_state("in_review") for _ in range(3))
    waited(recent, 1)
    waited(oldest, 30)
    waited(middle, 5)
    article_in_state("draft")

    queue = list(editorial_dashboard(editor)["awaiting_review"])

    assert queue == [oldest, middle, recent]


def test_overdue_lists_unfinished_stories_past_their_deadline(editor):
    """Past the deadline and not yet out: overdue. Published or not yet due: not."""
    past = timezone.now() - timedelta(hours=2)
    late_draft = article_in_state("draft", deadline=past)
    late_review = article_in_state("in_review", deadline=past - timedelta(hours=1))
    article_in_state("published", deadline=past)
    article_in_state("draft", deadline=timezone.now() + timedelta(hours=5))

    assert list(editorial_dashboard(editor)["overdue"]) == [late_review, late_draft]


def test_sent_back_and_drafts_are_the_reporters_own(reporter):
    """A reporter's "sent back to me" and "my drafts" hold only their own stories."""
    mine_back = article_in_state("changes_requested", created_by=reporter)
    mine_draft = article_in_state("draft", created_by=reporter)
    article_in_state("changes_requested")
    article_in_state("draft")

    lists = editorial_dashboard(reporter)

    assert list(lists["sent_back_to_me"]) == [mine_back]
    assert list(lists["my_drafts"]) == [mine_draft]
    assert list(lists["awaiting_review"]) == []


def test_scheduled_today_and_this_week(editor):
    """Scheduled stories are split into today's and the following days', by local date."""
    day = timezone.localdate() + timedelta(days=3)
    morning = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=8)
    today = article_in_state("scheduled", publish_at=morning + timedelta(hours=7))
    in_two_days = article_in_state("scheduled", publish_at=morning + timedelta(days=2))
    article_in_state("scheduled", publish_at=morning + timedelta(days=9))

    lists = editorial_dashboard(editor, now=morning)

    assert list(lists["scheduled_today"]) == [today]
    assert list(lists["scheduled_this_week"]) == [in_two_days]


def test_recently_published_newest_first(editor):
    """The latest public stories, newest first; scheduled ones count once their time has come."""
    older = article_in_state("published")
    Article.objects.filter(pk=older.pk).update(published_at=timezone.now() - timedelta(days=1))
    newer = article_in_state("published")
    article_in_state("scheduled")

    assert list(editorial_dashboard(editor)["recently_published"]) == [newer, older]


def test_the_dashboard_page_is_linked_from_the_admin_index(editor):
    """The admin's front page leads to the dashboard, which shows the queue with waiting times."""
    article = article_in_state("in_review", title="Pasar Klandasan direvitalisasi")
    waited(article, 26)
    client = logged_in_client(editor)
    url = reverse("admin:articles_article_dashboard")

    assert url in client.get(reverse("admin:index")).content.decode()
    page = client.get(url).content.decode()
    assert "Pasar Klandasan direvitalisasi" in page
    assert "1\xa0hari, 2\xa0jam" in page


def test_a_reporters_dashboard_hides_colleagues_drafts(reporter):
    """The dashboard starts from what the user may see."""
    article_in_state("draft", title="Draf rekan yang tidak boleh terlihat")

    page = logged_in_client(reporter).get(reverse("admin:articles_article_dashboard"))

    assert page.status_code == 200
    assert "Draf rekan yang tidak boleh terlihat" not in page.content.decode()
