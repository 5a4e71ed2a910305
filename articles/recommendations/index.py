"""Candidate generation: which articles are worth scoring at all.

Nothing here scans every article. The per-article path asks the database's
inverted index (``ArticleTerm`` rows by term, taggit's rows by tag); the batch
path builds the same postings in memory once and reuses them for every article.
"""

import heapq
from collections import defaultdict
from operator import itemgetter

from django.core.cache import cache
from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When

from articles.models import Article, ArticleTerm, Official, Region, Topic
from articles.recommendations.scoring import INFORMATIVE_RARITY, TAG_KINDS, CorpusStats, Doc

# The query's heaviest terms that look for candidates (all its terms score them).
QUERY_TERMS = 20
# Candidates kept from the text postings, and per shared tag (the most recent ones).
TEXT_CANDIDATES = 40
TAG_CANDIDATES = 20
# The batch index keeps only each term's strongest postings: a term that is weak
# in an article cannot make it one of that article's best matches.
POSTINGS_PER_TERM = 400

COUNT_CACHE_SECONDS = 300

TAG_MODELS = {"official": Official, "region": Region, "topic": Topic}
# Article's relation name for each tag kind.
TAG_RELATIONS = {"official": "officials", "region": "regions", "topic": "topics"}


def tag_through(kind):
    return getattr(Article, TAG_RELATIONS[kind]).through


def load_docs(pks, terms=None):
    """``Doc``s for the public articles among ``pks`` (others are silently left out).

    With ``terms``, vectors hold only those terms: enough to compare them with
    the article whose terms they are, for a fraction of the rows.
    """
    docs = {
        pk: Doc(pk=pk, published_at=published_at, section_id=section_id)
        for pk, published_at, section_id in Article.objects.published()
        .filter(pk__in=pks)
        .values_list("pk", "published_at", "section_id")
    }
    for article_id, vector in load_vectors(docs, terms).items():
        docs[article_id].vector = vector
    tags = defaultdict(lambda: defaultdict(set))
    for kind in TAG_KINDS:
        rows = tag_through(kind).objects.filter(content_object_id__in=docs)
        for article_id, tag_id in rows.values_list("content_object_id", "tag_id"):
            tags[article_id][kind].add(tag_id)
    for pk, doc in docs.items():
        doc.tags = {kind: frozenset(ids) for kind, ids in tags[pk].items()}
    return docs


def load_vectors(pks, terms=None):
    """Article id → stored term vector (only ``terms``, if given), for ``pks``."""
    rows = ArticleTerm.objects.filter(article_id__in=list(pks))
    if terms is not None:
        rows = rows.filter(term__in=list(terms))
    vectors = defaultdict(dict)
    for article_id, term, weight in rows.values_list("article_id", "term", "weight"):
        vectors[article_id][term] = weight
    return vectors


def candidate_tags(query, stats):
    """(kind, id) of the query's tags and neighbouring regions rare enough to find candidates."""
    keys = [(kind, tag_id) for kind, ids in query.tags.items() for tag_id in ids]
    for region_id in query.tags.get("region", ()):
        keys += [("region", pk) for pk in stats.region_near.get(region_id, ())]
    # Thousands of stories share "Balikpapan" and nothing else: a common tag finds nobody.
    return {key for key in keys if stats.rarity(key) >= INFORMATIVE_RARITY}


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
        if not ids:
            continue
        rows = TAG_MODELS[kind].objects.filter(pk__in=ids).annotate(used=Count("tagged_items"))
        for pk, name, used in rows.values_list("pk", "name", "used"):
            stats.tag_counts[(kind, pk)] = used
            stats.tag_names[(kind, pk)] = name
    return stats


def heaviest_terms(query):
    """The query's terms that look for candidates (all of them score the candidates)."""
    return sorted(query.vector.items(), key=itemgetter(1), reverse=True)[:QUERY_TERMS]


def database_candidates(query, stats):
    """Ids of articles sharing the query's heaviest terms or any of its tags."""
    heaviest = heaviest_terms(query)
    found = set()
    if heaviest:
        query_weight = Case(
            *[When(term=term, then=Value(weight)) for term, weight in heaviest],
            output_field=FloatField(),
        )
        found.update(
            ArticleTerm.objects.filter(term__in=[term for term, _w in heaviest])
            .exclude(article_id=query.pk)
            .values("article_id")
            .annotate(match=Sum(F("weight") * query_weight))
            .order_by("-match")
            .values_list("article_id", flat=True)[:TEXT_CANDIDATES]
        )
    keys = candidate_tags(query, stats)
    for kind in TAG_KINDS:
        ids = {tag_id for key_kind, tag_id in keys if key_kind == kind}
        if ids:
            tagged = Article.objects.published().filter(**{f"{TAG_RELATIONS[kind]}__in": ids})
            found.update(
                tagged.order_by("-published_at").values_list("pk", flat=True)[:TAG_CANDIDATES]
            )
    found.discard(query.pk)
    return found


class MemoryIndex:
    """Postings for every public article, built once for a batch recompute or an evaluation."""

    def __init__(self, docs):
        self.docs = {doc.pk: doc for doc in docs}
        postings = defaultdict(list)
        tagged = defaultdict(list)
        for doc in docs:
            for term, weight in doc.vector.items():
                postings[term].append((weight, doc.pk))
            for kind, ids in doc.tags.items():
                for tag_id in ids:
                    tagged[(kind, tag_id)].append((doc.published_at, doc.pk))
        self.postings = {
            term: heapq.nlargest(POSTINGS_PER_TERM, items) for term, items in postings.items()
        }
        self.tagged = {
            key: [pk for _at, pk in heapq.nlargest(TAG_CANDIDATES, items)]
            for key, items in tagged.items()
        }

    def candidates(self, query, stats):
        """The ``Doc``s worth scoring for ``query``, found through the postings only."""
        match = defaultdict(float)
        for term, weight in heaviest_terms(query):
            for posting_weight, pk in self.postings.get(term, ()):
                match[pk] += weight * posting_weight
        match.pop(query.pk, None)
        found = {pk for pk, _m in heapq.nlargest(TEXT_CANDIDATES, match.items(), itemgetter(1))}
        for key in candidate_tags(query, stats):
            found.update(self.tagged.get(key, ()))
        found.discard(query.pk)
        return [self.docs[pk] for pk in found]
