"""Computing, storing and refreshing related stories.

Two paths share the scoring rules of ``scoring.recommend``:

* per article (``refresh_article``): after an article is published, changed
  or taken down, its terms are indexed and its block recomputed from a handful
  of indexed queries, then the blocks of the articles it affects;
* in batch (``recompute_all``): after an import, every public article is
  indexed and scored against an in-memory inverted index.

Both store their result as ``RelatedArticle`` rows, which the page reads.
"""

import gc
import multiprocessing
from collections import Counter, defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from itertools import islice

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from articles.models import (
    Article,
    ArticleTerm,
    ArticleVector,
    Region,
    RelatedArticle,
    RelatedExclusion,
    RelatedPin,
    TermStatistic,
)
from articles.recommendations.index import (
    TAG_MODELS,
    MemoryIndex,
    database_candidates,
    database_stats,
    key_terms,
    load_docs,
    published_count,
    region_neighbours,
    tag_through,
)
from articles.recommendations.scoring import TAG_KINDS, CorpusStats, Doc, Recommendation, recommend
from articles.recommendations.text import term_counts, tfidf_vector

BATCH_SIZE = 1000
# Articles a worker scores per task of the batch recompute.
WORKER_CHUNK = 500
PINNED = [{"kind": "pinned"}]
# True inside ``refreshes_deferred()``: per-article refreshes wait for one batch at its end.
_deferring = ContextVar("related refreshes deferred", default=False)


def related_count():
    """How many stories a "Read also" block holds (``NEWSROOM_RELATED_COUNT``)."""
    return settings.NEWSROOM_RELATED_COUNT


def _text_fields(queryset):
    return queryset.values_list("pk", "title", "lead", "body").iterator(chunk_size=BATCH_SIZE)


def index_article(article):
    """Store the article's term vector and key-term postings, weighted by the corpus statistics.

    An article indexed for the first time is counted in ``TermStatistic``; the
    counts are only approximate between two runs of ``recompute_related``,
    which rebuilds them exactly (IDF moves slowly, so that is good enough).
    """
    counts = term_counts(article.title, article.lead, article.body)
    known = dict(TermStatistic.objects.filter(term__in=counts).values_list("term", "article_count"))
    total = max(published_count(), 1)
    vector = tfidf_vector(counts, known, total)
    with transaction.atomic():
        _, first_time = ArticleVector.objects.update_or_create(
            article=article, defaults={"weights": vector}
        )
        ArticleTerm.objects.filter(article=article).delete()
        ArticleTerm.objects.bulk_create(
            ArticleTerm(article=article, term=term, weight=weight)
            for term, weight in key_terms(vector)
        )
        if first_time:
            TermStatistic.objects.filter(term__in=known).update(
                article_count=F("article_count") + 1
            )
            TermStatistic.objects.bulk_create(
                (TermStatistic(term=term, article_count=1) for term in counts if term not in known),
                ignore_conflicts=True,
            )


def unindex_article(article_pk):
    """Take an article out of the index: it can no longer be found as a candidate."""
    ArticleTerm.objects.filter(article_id=article_pk).delete()
    ArticleVector.objects.filter(article_id=article_pk).delete()


def _editor_choices(article_pk):
    """The article's public pinned stories (in order) and its excluded ones."""
    pinned = list(
        RelatedPin.objects.filter(article_id=article_pk).values_list("related_id", flat=True)
    )
    if pinned:
        public = set(Article.objects.published().filter(pk__in=pinned).values_list("pk", flat=True))
        pinned = [pk for pk in pinned if pk in public]
    excluded = set(
        RelatedExclusion.objects.filter(article_id=article_pk).values_list("related_id", flat=True)
    )
    return pinned, excluded


def _with_pins(pinned, recommendations, count):
    pins = [Recommendation(pk, 0.0, PINNED) for pk in pinned[:count]]
    return pins + recommendations[: count - len(pins)]


def compute(article_pk):
    """The article's block, pinned stories first, without storing it; [] if it is not public."""
    query = load_docs([article_pk]).get(article_pk)
    if query is None:
        return []
    stats = database_stats(query)
    candidates = load_docs(database_candidates(query, stats)).values()
    pinned, excluded = _editor_choices(article_pk)
    count = related_count()
    found = recommend(
        query,
        candidates,
        stats,
        count=max(count - len(pinned), 0),
        excluded={*excluded, *pinned},
    )
    return _with_pins(pinned, found, count)


def store(article_pk, recommendations):
    """Replace the article's stored block with ``recommendations``."""
    now = timezone.now()
    with transaction.atomic():
        RelatedArticle.objects.filter(article_id=article_pk).delete()
        RelatedArticle.objects.bulk_create(
            RelatedArticle(
                article_id=article_pk,
                related_id=item.article_id,
                rank=rank,
                score=item.score,
                reasons=item.reasons,
                computed_at=now,
            )
            for rank, item in enumerate(recommendations, start=1)
        )
        Article.objects.filter(pk=article_pk).update(related_computed_at=now)


def refresh_article(article_pk, *, neighbours=True):
    """Bring the article's block up to date, and those of the articles it affects.

    Affected are the articles whose block shows it now and, for a public
    article, the ones it recommends (relatedness is mostly mutual, so it likely
    belongs in their blocks too).
    """
    article = Article.objects.filter(pk=article_pk).first()
    if article is None:
        return
    affected = set(
        RelatedArticle.objects.filter(related_id=article_pk).values_list("article_id", flat=True)
    )
    # Scheduled articles are indexed too, so they can be found once their time comes.
    if article.status in Article.PUBLIC_STATUSES:
        index_article(article)
    else:
        unindex_article(article_pk)
    if article.is_public:
        found = compute(article_pk)
        store(article_pk, found)
        affected.update(item.article_id for item in found)
    else:
        with transaction.atomic():
            RelatedArticle.objects.filter(article_id=article_pk).delete()
            Article.objects.filter(pk=article_pk).update(related_computed_at=None)
    if neighbours:
        for pk in sorted(affected - {article_pk}):
            store(pk, compute(pk))


def refresh_after_change(article):
    """Refresh related stories for ``article`` once the current transaction commits.

    Call it whenever an article is published, unpublished, retracted, archived
    or its text, tags or pins change; a rolled-back change refreshes nothing.
    Inside ``refreshes_deferred()`` it does nothing: the block recomputes everything at its end.
    """
    if _deferring.get():
        return
    transaction.on_commit(partial(refresh_article, article.pk))


@contextmanager
def refreshes_deferred():
    """Skip per-article refreshes inside the block and run ``recompute_all`` once at its end.

    For bulk loads such as ``load_demo``, where each of hundreds of transitions
    would otherwise refresh its article and that article's neighbours.
    """
    token = _deferring.set(True)
    try:
        yield
    finally:
        _deferring.reset(token)
    recompute_all()


def related_articles_for(article):
    """The public articles of ``article``'s "Read also" block, in order, in one query.

    A block never computed (an imported article, a scheduled one whose time
    came) is computed on demand and stored first. Each article carries
    ``related_rank``; stories taken down since are left out by ``published()``.
    """
    if article.related_computed_at is None and article.is_public:
        refresh_article(article.pk, neighbours=False)
    return list(
        Article.objects.published()
        .filter(related_from__article=article)
        .annotate(related_rank=F("related_from__rank"))
        .select_related("section", "featured_image")
        .defer("body", "search_vector")
        .order_by("related_rank")
    )


def _batch_stats(docs):
    stats = CorpusStats(total=len(docs))
    for doc in docs:
        stats.tag_counts[("section", doc.section_id)] = (
            stats.tag_counts.get(("section", doc.section_id), 0) + 1
        )
        for kind, ids in doc.tags.items():
            for tag_id in ids:
                stats.tag_counts[(kind, tag_id)] = stats.tag_counts.get((kind, tag_id), 0) + 1
    for kind, model in TAG_MODELS.items():
        for pk, name in model.objects.values_list("pk", "name"):
            stats.tag_names[(kind, pk)] = name
    tree = list(Region.objects.values_list("pk", "parent_id"))
    stats.region_near = region_neighbours(tree, {pk for pk, _parent in tree})
    return stats


def _batch_docs(published, progress):
    """Every public article as a ``Doc``, with TF-IDF from this very corpus."""
    counts = {
        pk: term_counts(title, lead, body)
        for pk, title, lead, body in progress(_text_fields(published), "terms")
    }
    frequency = Counter(term for terms in counts.values() for term in terms)
    total = len(counts)
    docs = {
        pk: Doc(
            pk=pk,
            published_at=published_at,
            section_id=section_id,
            vector=tfidf_vector(counts.pop(pk, {}), frequency, total),
        )
        for pk, published_at, section_id in published.values_list(
            "pk", "published_at", "section_id"
        )
    }
    tags = defaultdict(lambda: defaultdict(set))
    for kind in TAG_KINDS:
        rows = tag_through(kind).objects.filter(content_object__in=published)
        for article_id, tag_id in rows.values_list("content_object_id", "tag_id").iterator():
            tags[article_id][kind].add(tag_id)
    for pk, doc in docs.items():
        doc.tags = {kind: frozenset(ids) for kind, ids in tags[pk].items()}
    return list(docs.values()), frequency


def _insert(model, columns, rows):
    """Insert plain value tuples in batches: bulk_create's model instances cost ten times more.

    Only for the batch path's millions of rows, whose values come from this module.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows: several times faster than INSERTs for millions.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
        rows = iter(rows)
        while batch := list(islice(rows, BATCH_SIZE * 10)):
            cursor.executemany(sql, batch)


def _store_index(docs, frequency):
    weights_field = ArticleVector._meta.get_field("weights")
    with transaction.atomic():
        TermStatistic.objects.all().delete()
        _insert(TermStatistic, ["term", "article_count"], frequency.items())
        ArticleVector.objects.all().delete()
        _insert(
            ArticleVector,
            ["article_id", "weights"],
            ((doc.pk, weights_field.get_db_prep_save(doc.vector, connection)) for doc in docs),
        )
        ArticleTerm.objects.all().delete()
        _insert(
            ArticleTerm,
            ["article_id", "term", "weight"],
            ((doc.pk, term, weight) for doc in docs for term, weight in key_terms(doc.vector)),
        )


def _no_progress(iterable, _label, _total=None):
    return iterable


def recompute_all(progress=_no_progress, workers=1):
    """Index and recompute every public article's block in one pass; returns how many.

    ``progress(iterable, label, total)`` may wrap the long loops (a progress bar);
    ``workers`` processes share the scoring (forked: they inherit the index).
    """
    published = Article.objects.published()
    docs, frequency = _batch_docs(published, progress)
    stats = _batch_stats(docs)
    _store_index(docs, frequency)
    batch = _Batch(docs, MemoryIndex(docs), stats, published)
    # Millions of long-lived objects (vectors, postings) would make every
    # garbage collection walk them all, and forked workers copy every page it
    # touches: set them aside.
    gc.collect()
    gc.freeze()
    try:
        _store_blocks(batch, published, progress, workers)
    finally:
        gc.unfreeze()
    _refresh_planner_statistics()
    return len(docs)


def _refresh_planner_statistics():
    """Tell the database what the tables now hold, after millions of rows were replaced.

    With stale statistics PostgreSQL sorts each term's postings instead of
    reading the first few from the index (and without VACUUM it must visit the
    table for every index entry); SQLite may pick the wrong index altogether.
    """
    quote = connection.ops.quote_name
    tables = [model._meta.db_table for model in (ArticleTerm, ArticleVector, RelatedArticle)]
    if connection.vendor == "postgresql":
        # VACUUM cannot run inside a transaction: there ANALYZE is what can be done.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    elif connection.vendor == "sqlite":
        command = "ANALYZE"
    else:
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {quote(table)}")


class _Batch:
    """Everything the batch path scores with: built once, shared by the workers."""

    def __init__(self, docs, index, stats, published):
        self.docs, self.index, self.stats = docs, index, stats
        self.pins = defaultdict(list)
        for article_id, related_id in RelatedPin.objects.filter(related__in=published).values_list(
            "article_id", "related_id"
        ):
            self.pins[article_id].append(related_id)
        self.excluded = defaultdict(set)
        for article_id, related_id in RelatedExclusion.objects.values_list(
            "article_id", "related_id"
        ):
            self.excluded[article_id].add(related_id)
        self.count = related_count()

    def blocks(self, start, stop):
        """(article id, block) for ``docs[start:stop]``: pure computation, no database."""
        found = []
        for query in self.docs[start:stop]:
            pinned = self.pins[query.pk]
            chosen = recommend(
                query,
                self.index.candidates(query, self.stats),
                self.stats,
                count=max(self.count - len(pinned), 0),
                excluded=self.excluded[query.pk] | set(pinned),
            )
            found.append((query.pk, _with_pins(pinned, chosen, self.count)))
        return found


# The batch a forked worker inherits from its parent (set just before forking).
_forked_batch = None


def _forked_blocks(bounds):
    return _forked_batch.blocks(*bounds)


def _all_blocks(batch, workers):
    """Every (article id, block), computed in ``workers`` processes, in article order."""
    global _forked_batch
    chunks = [(start, start + WORKER_CHUNK) for start in range(0, len(batch.docs), WORKER_CHUNK)]
    if workers <= 1 or len(chunks) <= 1:
        for bounds in chunks:
            yield from batch.blocks(*bounds)
        return
    _forked_batch = batch
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for blocks in pool.imap(_forked_blocks, chunks):
                yield from blocks
    finally:
        _forked_batch = None


def _store_blocks(batch, published, progress, workers):
    """Compute every block from the in-memory index and store them all in one transaction."""
    now = timezone.now()
    computed_at = connection.ops.adapt_datetimefield_value(now)
    reasons_field = RelatedArticle._meta.get_field("reasons")

    def rows():
        blocks = progress(_all_blocks(batch, workers), "related", len(batch.docs))
        for article_id, block in blocks:
            for rank, item in enumerate(block, start=1):
                reasons = reasons_field.get_db_prep_save(item.reasons, connection)
                yield article_id, item.article_id, rank, item.score, reasons, computed_at

    with transaction.atomic():
        RelatedArticle.objects.all().delete()
        columns = ["article_id", "related_id", "rank", "score", "reasons", "computed_at"]
        _insert(RelatedArticle, columns, rows())
        published.update(related_computed_at=now)
