"""How often articles are read ("Terpopuler"), counted without cookies or personal data.

The article page's script sends a beacon, so pages served by the page cache, nginx or a
CDN are counted too. A view only adds one to a counter in this process's memory; the
counters go to the database together, at most every ``FLUSH_SECONDS``, as one
statement that adds them to each article's row for the day. Nothing about the reader
is kept: no cookie, no address, no per-visitor row, only a number per article per day.
A worker that stops loses at most the last ``FLUSH_SECONDS`` of counts.
"""

import threading
import time
from collections import Counter
from datetime import timedelta

from django.db import connection
from django.db.models import Case, F, FloatField, Sum, Value, When
from django.utils import timezone

from articles.models import Article, ArticleViewCount

FLUSH_SECONDS = 60
# A flood of made-up article ids must not grow the buffer without bound.
MAX_PENDING = 5000

_lock = threading.Lock()
_pending = Counter()
_last_flush = time.monotonic()

_table = ArticleViewCount._meta.db_table
# The ORM's bulk_create(update_conflicts=True) can only overwrite the count, not add to
# it; this statement is valid on both PostgreSQL and SQLite (3.24+).
_UPSERT = (
    f"INSERT INTO {_table} (article_id, day, views) VALUES (%s, %s, %s) "
    f"ON CONFLICT (article_id, day) DO UPDATE SET views = {_table}.views + excluded.views"
)


def record_view(article_id):
    """Count one read of ``article_id`` today (WITA); writes to the database when due."""
    global _last_flush
    with _lock:
        _pending[(article_id, timezone.localdate())] += 1
        due = len(_pending) >= MAX_PENDING or time.monotonic() - _last_flush >= FLUSH_SECONDS
    if due:
        flush()


def flush():
    """Write the counted views to the database; ids of articles that are not public are dropped.

    Returns the number of (article, day) rows written.
    """
    global _last_flush
    with _lock:
        batch = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    if not batch:
        return 0
    public = set(
        Article.objects.published()
        .filter(pk__in={article_id for article_id, _day in batch})
        .values_list("pk", flat=True)
    )
    rows = [
        (article_id, connection.ops.adapt_datefield_value(day), views)
        for (article_id, day), views in batch.items()
        if article_id in public
    ]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_UPSERT, rows)
    return len(rows)


def most_read(days, limit=5):
    """The public articles read most over the last ``days`` days, most read first.

    Counts are kept per day, so "the last 24 hours" counts today fully and
    yesterday for the share of it that is still within 24 hours.
    """
    now = timezone.localtime()
    today = now.date()
    first_day = today - timedelta(days=days)
    share_of_first_day = 1 - (now - now.replace(hour=0, minute=0, second=0, microsecond=0)) / (
        timedelta(days=1)
    )
    scores = (
        ArticleViewCount.objects.filter(day__gte=first_day)
        .values("article")
        .annotate(
            score=Sum(
                Case(
                    When(day=first_day, then=F("views") * Value(share_of_first_day)),
                    default=F("views"),
                    output_field=FloatField(),
                )
            )
        )
        .filter(score__gt=0)
        .order_by("-score", "-article")
    )
    # A few spare ids in case some top articles have been unpublished since.
    ranked = [row["article"] for row in scores[: limit * 2]]
    articles = (
        Article.objects.published()
        .select_related("section")
        .defer("body", "search_vector")
        .in_bulk(ranked)
    )
    return [articles[pk] for pk in ranked if pk in articles][:limit]
