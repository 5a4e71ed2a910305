"""Candidate generation: which articles are worth scoring at all.

Nothing here scans every article. The per-article path asks the database's
inverted index (``ArticleTerm`` rows by term, taggit's rows by tag); the batch
path builds the same postings in memory once and reuses them for every article.
"""

import heapq
from collections import defaultdict
from operator import itemgetter

from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When

from articles.models import Article, ArticleTerm, Official, Region, Topic
from articles.recommendations.scoring import TAG_KINDS, CorpusStats, Doc

# The query's heaviest terms that look for candidates (all its terms score them).
QUERY_TERMS = 20
# Candidates kept from the text postings, and per shared tag (the most recent ones).
TEXT_CANDIDATES = 60
TAG_CANDIDATES = 40
# The batch index keeps only each term's strongest postings: a term that is weak
# in an article cannot make it one of that article's best matches.
POSTINGS_PER_TERM = 400

TAG_MODELS = {"official": Official, "region": Region, "topic": Topic}
# Article's relation name for each tag kind.
TAG_RELATIONS = {"official": "officials", "region": "regions", "topic": "topics"}


def tag_through(kind):
    return getattr(Article, TAG_RELATIONS[kind]).through


def load_docs(pks):
    """``Doc``s for the public articles among ``pks`` (others are silently left out)."""
    docs = {
        pk: Doc(pk=pk, published_at=published_at, section_id=section_id)
        for pk, published_at, section_id in Article.objects.published()
        .filter(pk__in=pks)
        .values_list("pk", "published_at", "section_id")
    }
    for article_id, term, weight in ArticleTerm.objects.filter(article_id__in=docs).values_list(
        "article_id", "term", "weight"
    ):
        docs[article_id].vector[term] = weight
    tags = defaultdict(lambda: defaultdict(set))
    for kind in TAG_KINDS:
        rows = tag_through(kind).objects.filter(content_object_id__in=docs)
        for article_id, tag_id in rows.values_list("content_object_id", "tag_id"):
            tags[article_id][kind].add(tag_id)
    for pk, doc in docs.items():
        doc.tags = {kind: frozenset(ids) for kind, ids in tags[pk].items()}
    return docs


def region_neighbours(tree, region_ids):
    """Map each of ``region_ids`` to its parent and children, from (id, parent id) pairs."""
    near = defaultdict(set)
    for pk, parent_id in tree:
        if pk in region_ids and parent_id is not None:
            near[pk].add(parent_id)
        if parent_id in region_ids:
            near[parent_id].add(pk)
    return {pk: frozenset(ids) for pk, ids in near.items()}


def database_stats(query):
    """Corpus facts for the tags ``query`` carries, and their neighbouring regions."""
    stats = CorpusStats(total=Article.objects.published().count())
    if query.section_id is not None:
        stats.tag_counts[("section", query.section_id)] = (
            Article.objects.published().filter(section_id=query.section_id).count()
        )
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


def database_candidates(query, stats):
    """Ids of articles sharing the query's heaviest terms or any of its tags."""
    heaviest = sorted(query.vector.items(), key=itemgetter(1), reverse=True)[:QUERY_TERMS]
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
    for kind in TAG_KINDS:
        ids = set(query.tags.get(kind, ()))
        if kind == "region":
            ids |= {pk for near in stats.region_near.values() for pk in near}
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
        for term, weight in query.vector.items():
            for posting_weight, pk in self.postings.get(term, ()):
                match[pk] += weight * posting_weight
        match.pop(query.pk, None)
        found = {pk for pk, _m in heapq.nlargest(TEXT_CANDIDATES, match.items(), itemgetter(1))}
        keys = [(kind, tag_id) for kind, ids in query.tags.items() for tag_id in ids]
        keys += [("region", pk) for near in stats.region_near.values() for pk in near]
        for key in keys:
            found.update(self.tagged.get(key, ()))
        found.discard(query.pk)
        return [self.docs[pk] for pk in found]
