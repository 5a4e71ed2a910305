"""Candidate generation: which articles are worth scoring at all.

Nothing here scans every article. Both paths look candidates up the same way:
through the postings of the query's key terms (each term's strongest articles
only) and through the articles sharing its rarer tags. The per-article path
asks the database (``ArticleTerm`` rows by term, the tag tables by tag); the
batch path builds the same postings in memory once and reuses them.
"""

import heapq
from collections import defaultdict
from operator import itemgetter

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from articles.models import Article, ArticleTerm, ArticleVector, Official, Region, Topic
from articles.recommendations.scoring import INFORMATIVE_RARITY, TAG_KINDS, CorpusStats, Doc

# An article's heaviest terms: indexed as its postings, and the ones that look
# for its candidates (all its terms score them).
KEY_TERMS = 50
# A term keeps only its strongest postings: a term that is weak in an article
# cannot make that article one of the best matches. Bounds the work per term.
POSTINGS_PER_TERM = 400
# Candidates kept from the text postings, and per kind of shared tag (the newest).
TEXT_CANDIDATES = 100
TAG_CANDIDATES = 20

COUNT_CACHE_SECONDS = 300

TAG_MODELS = {"official": Official, "region": Region, "topic": Topic}
# Article's relation name for each tag kind.
TAG_RELATIONS = {"official": "officials", "region": "regions", "topic": "topics"}


def tag_through(kind):
    return getattr(Article, TAG_RELATIONS[kind]).through


def key_terms(vector):
    """The ``KEY_TERMS`` heaviest (term, weight) pairs of a vector, heaviest first."""
    return heapq.nlargest(KEY_TERMS, vector.items(), key=itemgetter(1))


def load_docs(pks):
    """``Doc``s for the public articles among ``pks`` (others are silently left out)."""
    docs = {
        pk: Doc(pk=pk, published_at=published_at, section_id=section_id)
        for pk, published_at, section_id in Article.objects.published()
        .filter(pk__in=pks)
        .values_list("pk", "published_at", "section_id")
    }
    vectors = ArticleVector.objects.filter(article_id__in=docs).values_list("article_id", "weights")
    for article_id, weights in vectors:
        docs[article_id].vector = weights
    tags = defaultdict(lambda: defaultdict(set))
    for kind in TAG_KINDS:
        rows = tag_through(kind).objects.filter(content_object_id__in=docs)
        for article_id, tag_id in rows.values_list("content_object_id", "tag_id"):
            tags[article_id][kind].add(tag_id)
    for pk, doc in docs.items():
        doc.tags = {kind: frozenset(ids) for kind, ids in tags[pk].items()}
    return docs


def candidate_tags(query, stats):
    """(kind, id) of the query's tags and neighbouring regions rare enough to find candidates."""
    keys = [(kind, tag_id) for kind, ids in query.tags.items() for tag_id in ids]
    for region_id in query.tags.get("region", ()):
        keys += [("region", pk) for pk in stats.region_near.get(region_id, ())]
    # Thousands of stories share "Balikpapan" and nothing else: a common tag finds nobody.
    # (A tag no public article carries finds nobody either: it is not worth a query.)
    return {
        key for key in keys if stats.tag_counts.get(key) and stats.rarity(key) >= INFORMATIVE_RARITY
    }


def region_neighbours(tree, region_ids):
    """Map each of ``region_ids`` to its parent and children, from (id, parent id) pairs."""
    near = defaultdict(set)
    for pk, parent_id in tree:
        if pk in region_ids and parent_id is not None:
            near[pk].add(parent_id)
        if parent_id in region_ids:
            near[parent_id].add(pk)
    return {pk: frozenset(ids) for pk, ids in near.items()}


def published_count(section_id=None):
    """How many public articles there are (in a section), cached for a few minutes.

    Counting 100,000 rows costs more than the rest of a recommendation, and a
    weight does not change with a few articles more or less.
    """

    def count():
        articles = Article.objects.published()
        if section_id is not None:
            articles = articles.filter(section_id=section_id)
        return articles.count()

    return cache.get_or_set(f"related:published-count:{section_id}", count, COUNT_CACHE_SECONDS)


def _tag_usage(kind, ids):
    """(kind, id) → (articles tagged, name) for tags of one kind, cached for a few minutes.

    Counting a common place's tens of thousands of rows would cost more than
    the rest of a recommendation; a rarity does not change with a few more.
    """
    keys = {pk: f"related:tag-usage:{kind}:{pk}" for pk in ids}
    cached = cache.get_many(keys.values())
    usage = {pk: tuple(cached[key]) for pk, key in keys.items() if key in cached}
    missing = [pk for pk in ids if pk not in usage]
    if missing:
        rows = TAG_MODELS[kind].objects.filter(pk__in=missing).annotate(used=Count("tagged_items"))
        fresh = {pk: (used, name) for pk, name, used in rows.values_list("pk", "name", "used")}
        cache.set_many({keys[pk]: value for pk, value in fresh.items()}, COUNT_CACHE_SECONDS)
        usage.update(fresh)
    return {(kind, pk): value for pk, value in usage.items()}


def database_stats(query):
    """Corpus facts for the tags ``query`` carries, and their neighbouring regions."""
    stats = CorpusStats(total=published_count())
    if query.section_id is not None:
        stats.tag_counts[("section", query.section_id)] = published_count(query.section_id)
    region_ids = query.tags.get("region", frozenset())
    tree = Region.objects.filter(Q(pk__in=region_ids) | Q(parent_id__in=region_ids))
    stats.region_near = region_neighbours(tree.values_list("pk", "parent_id"), region_ids)
    wanted = {kind: set(query.tags.get(kind, ())) for kind in TAG_KINDS}
    wanted["region"] |= {pk for near in stats.region_near.values() for pk in near}
    for kind, ids in wanted.items():
        if ids:
            for key, (used, name) in _tag_usage(kind, ids).items():
                stats.tag_counts[key] = used
                stats.tag_names[key] = name
    return stats


def _postings_sql(term_count):
    """One statement summing, per article, the strongest postings of ``term_count`` terms.

    Each term's postings come from the (term, -weight) index, at most
    ``POSTINGS_PER_TERM`` of them, exactly as ``MemoryIndex`` keeps them.
    """
    quote = connection.ops.quote_name
    table, article, term, weight = (
        quote(name) for name in (ArticleTerm._meta.db_table, "article_id", "term", "weight")
    )
    per_term = " UNION ALL ".join(
        f"SELECT * FROM (SELECT {article} AS article, {weight} * %s AS match FROM {table} "
        f"WHERE {term} = %s ORDER BY {weight} DESC, {article} DESC LIMIT %s) AS term_{number}"
        for number in range(term_count)
    )
    return (
        f"SELECT article FROM ({per_term}) AS postings WHERE article <> %s "
        "GROUP BY article ORDER BY SUM(match) DESC, article LIMIT %s"
    )


def database_candidates(query, stats):
    """Ids of articles sharing the query's key terms or its rarer tags."""
    found = set()
    terms = key_terms(query.vector)
    if terms:
        params = [value for term, weight in terms for value in (weight, term, POSTINGS_PER_TERM)]
        with connection.cursor() as cursor:
            cursor.execute(_postings_sql(len(terms)), [*params, query.pk, TEXT_CANDIDATES])
            found.update(pk for (pk,) in cursor.fetchall())
    now = timezone.now()
    keys = candidate_tags(query, stats)
    for kind in TAG_KINDS:
        ids = {tag_id for key_kind, tag_id in keys if key_kind == kind}
        if ids:
            # The tag rows alone, by the tag's index, then the newest public
            # among them (a few of the newest may be drafts): joined in one
            # query, the database would rather walk every public article
            # looking for the few with a rare tag.
            tagged = tag_through(kind).objects.filter(tag_id__in=ids)
            newest = heapq.nlargest(
                TAG_CANDIDATES * 4, set(tagged.values_list("content_object_id", flat=True))
            )
            public = set(
                Article.objects.published(now).filter(pk__in=newest).values_list("pk", flat=True)
            )
            public.discard(query.pk)
            found.update(heapq.nlargest(TAG_CANDIDATES, public))
    found.discard(query.pk)
    return found


class MemoryIndex:
    """Postings for every public article, built once for a batch recompute or an evaluation.

    A term's postings are two arrays (article rows, weights), so that summing
    a query's matches over tens of thousands of postings is one numpy call.
    """

    def __init__(self, docs):
        self.docs = list(docs)
        self.pks = np.array([doc.pk for doc in self.docs], dtype=np.int64)
        self.row_of = {doc.pk: row for row, doc in enumerate(self.docs)}
        postings = defaultdict(list)
        tagged = defaultdict(list)
        for row, doc in enumerate(self.docs):
            for term, weight in key_terms(doc.vector):
                postings[term].append((weight, doc.pk, row))
            for kind, ids in doc.tags.items():
                for tag_id in ids:
                    tagged[(kind, tag_id)].append(doc.pk)
        self.postings = {}
        for term, items in postings.items():
            strongest = heapq.nlargest(POSTINGS_PER_TERM, items)
            self.postings[term] = (
                np.array([row for _weight, _pk, row in strongest], dtype=np.int64),
                np.array([weight for weight, _pk, _row in strongest]),
            )
        self.tagged = {key: heapq.nlargest(TAG_CANDIDATES, pks) for key, pks in tagged.items()}

    def _text_candidates(self, query):
        """Ids of the ``TEXT_CANDIDATES`` best matches on key terms, as the SQL ranks them."""
        rows, weights = [], []
        for term, weight in key_terms(query.vector):
            if term in self.postings:
                term_rows, term_weights = self.postings[term]
                rows.append(term_rows)
                weights.append(term_weights * weight)
        if not rows:
            return []
        match = np.bincount(np.concatenate(rows), np.concatenate(weights), len(self.docs))
        if query.pk in self.row_of:
            match[self.row_of[query.pk]] = 0
        found = np.flatnonzero(match)
        if len(found) > TEXT_CANDIDATES:
            threshold = np.partition(match[found], -TEXT_CANDIDATES)[-TEXT_CANDIDATES]
            found = found[match[found] >= threshold]
        # Best match first, ties to the smaller id, as ``database_candidates`` orders them.
        best = np.lexsort((self.pks[found], -match[found]))[:TEXT_CANDIDATES]
        return self.pks[found[best]].tolist()

    def candidates(self, query, stats):
        """The ``Doc``s worth scoring for ``query``, found through the postings only."""
        found = set(self._text_candidates(query))
        keys = candidate_tags(query, stats)
        for kind in TAG_KINDS:
            tagged = {pk for key in keys if key[0] == kind for pk in self.tagged.get(key, ())}
            tagged.discard(query.pk)
            found.update(heapq.nlargest(TAG_CANDIDATES, tagged))
        found.discard(query.pk)
        return [self.docs[self.row_of[pk]] for pk in found]
