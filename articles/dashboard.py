"""The editorial dashboard: what needs someone's attention now, as queries.

Each list starts from what the user may see (``workflow.visible_articles``),
so a reporter's dashboard holds only their own stories and public ones.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from articles import workflow
from articles.models import Article

Status = Article.Status
LIMIT = 20
# A deadline is missed only while the story has not gone out yet.
UNFINISHED_STATUSES = (Status.DRAFT, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.APPROVED)


def _end_of_day(now):
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min))


def editorial_dashboard(user, now=None):
    """The dashboard's lists for ``user``, each ordered by what is most urgent.

    Returns a dict of querysets: ``awaiting_review`` (oldest first),
    ``overdue`` (past their deadline, earliest first), ``sent_back_to_me``,
    ``scheduled_today``, ``scheduled_this_week`` (the next six days),
    ``recently_published`` and ``my_drafts``.
    """
    now = now or timezone.now()
    end_of_today = _end_of_day(now)
    start_of_today = end_of_today - timedelta(days=1)
    visible = (
        workflow.visible_articles(user)
        .select_related("section", "editor", "created_by")
        .prefetch_related("reporters")
    )
    mine = visible.owned_by(user)
    return {
        "awaiting_review": visible.filter(status=Status.IN_REVIEW).order_by("status_changed_at")[
            :LIMIT
        ],
        "overdue": visible.filter(deadline__lt=now, status__in=UNFINISHED_STATUSES).order_by(
            "deadline"
        )[:LIMIT],
        "sent_back_to_me": mine.filter(status=Status.CHANGES_REQUESTED).order_by(
            "status_changed_at"
        )[:LIMIT],
        "scheduled_today": visible.filter(
            status=Status.SCHEDULED, published_at__gte=start_of_today, published_at__lt=end_of_today
        ).order_by("published_at")[:LIMIT],
        "scheduled_this_week": visible.filter(
            status=Status.SCHEDULED,
            published_at__gte=end_of_today,
            published_at__lt=end_of_today + timedelta(days=6),
        ).order_by("published_at")[:LIMIT],
        "recently_published": visible.published(now).order_by("-published_at")[:LIMIT],
        "my_drafts": mine.filter(status=Status.DRAFT).order_by("-updated_at")[:LIMIT],
    }
