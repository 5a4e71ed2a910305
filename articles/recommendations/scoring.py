"""Scoring and choosing related stories: pure functions over in-memory documents.

Both the per-article path (candidates from database queries) and the batch
path (candidates from an in-memory index) hand their candidates to
``recommend``, so a story is ranked by the same rules whichever path runs.
"""

import heapq
import math
from dataclasses import dataclass, field
from datetime import datetime

from articles.recommendations.text import cosine, normalised

# Strength of a shared tag before rarity: the same official or place says more
# than the same broad theme; a neighbouring region (parent or child) is weaker.
TAG_WEIGHTS = {"official": 1.0, "region": 0.6, "region_near": 0.25, "topic": 0.5, "section": 0.15}
TAG_KINDS = ("official", "region", "topic")
EMPTY = frozenset()
# How much shared tags may add to the text cosine (a cosine is at most 1).
TAG_BOOST = 0.6
# Below this relevance a candidate is noise, not a related story.
MIN_RELEVANCE = 0.03
# Freshness: relevance is divided by (1 + gap / FRESHNESS_DAYS), so a story a
# year away needs twice the relevance of one from the same day, one of three years four times.
FRESHNESS_DAYS = 365
# A story published after the one being read (a follow-up) counts as closer in time.
FOLLOW_UP_DISCOUNT = 0.5
# Two candidates whose texts are this similar tell the same story: keep the better one.
NEAR_DUPLICATE = 0.8
# Rarity from which a shared tag explains a match (and finds candidates): on
# 100,000 articles, a tag on fewer than about 5,600 of them. Commoner tags still
# add a little to the score.
INFORMATIVE_RARITY = 0.25
# Near-duplicates are weeded out among this many candidates per place in the block.
FINALISTS_PER_PLACE = 3
# Pseudo-relevance feedback: the query's text is widened by the words of its
# nearest candidates (together twice as heavy as the query itself), so that a
# story matches the subject, not only the exact words. On IndoSum it adds about
# one point of precision@5 (0.4 and 1.0 on the corpus's two halves).
FEEDBACK_NEIGHBOURS = 20
FEEDBACK_WEIGHT = 2.0


@dataclass
class Doc:
    """What the engine knows of one public article."""

    pk: int
    published_at: datetime
    section_id: int | None = None
    vector: dict = field(default_factory=dict)
    tags: dict = field(default_factory=dict)  # kind -> frozenset of tag ids


@dataclass
class CorpusStats:
    """Corpus-wide facts that weight a match: article count, tag frequencies and names."""

    total: int
    tag_counts: dict = field(default_factory=dict)  # (kind, id) -> articles tagged
    tag_names: dict = field(default_factory=dict)  # (kind, id) -> name
    region_near: dict = field(default_factory=dict)  # region id -> parent and children ids

    def rarity(self, key):
        """1 for a tag on one article only, near 0 for a tag on every article of many."""
        total = max(self.total, 1)
        count = min(max(self.tag_counts.get(key, 1), 1), total)
        return math.log((total + 1) / count) / math.log(total + 1)


@dataclass(frozen=True)
class Recommendation:
    article_id: int
    score: float
    reasons: list


def _shared_tags(query, candidate, stats):
    """(weight, reason) pairs for the tags both articles carry; weight 0 is no reason."""
    shared = []
    for kind in TAG_KINDS:
        for tag_id in sorted(query.tags.get(kind, EMPTY) & candidate.tags.get(kind, EMPTY)):
            shared.append((kind, kind, tag_id))
    query_regions = query.tags.get("region", EMPTY)
    # Regions near the query's own: a region it carries itself is an exact match.
    near = set().union(*(stats.region_near.get(pk, ()) for pk in query_regions)) - query_regions
    for near_id in sorted(near & candidate.tags.get("region", EMPTY)):
        shared.append(("region_near", "region", near_id))
    if query.section_id is not None and query.section_id == candidate.section_id:
        shared.append(("section", "section", query.section_id))
    found = []
    for reason_kind, kind, tag_id in shared:
        rarity = stats.rarity((kind, tag_id))
        reason = {"kind": reason_kind}
        if kind != "section":
            reason["name"] = stats.tag_names.get((kind, tag_id), "")
        found.append(
            (TAG_WEIGHTS[reason_kind] * rarity, reason if rarity >= INFORMATIVE_RARITY else None)
        )
    return found


def freshness(query, candidate):
    """1 for a story of the same day, less the further apart in time the two are."""
    gap_days = (candidate.published_at - query.published_at).total_seconds() / 86400
    if gap_days > 0:
        gap_days *= FOLLOW_UP_DISCOUNT
    return 1 / (1 + abs(gap_days) / FRESHNESS_DAYS)


def expanded_vector(query, candidates):
    """The query's vector plus the mean vector of its textually nearest candidates, unit length."""
    similarity = {candidate.pk: cosine(query.vector, candidate.vector) for candidate in candidates}
    nearest = heapq.nlargest(
        FEEDBACK_NEIGHBOURS,
        (candidate for candidate in candidates if similarity[candidate.pk] > 0),
        key=lambda candidate: (similarity[candidate.pk], candidate.pk),
    )
    expanded = dict(query.vector)
    share = FEEDBACK_WEIGHT / FEEDBACK_NEIGHBOURS
    for candidate in nearest:
        for term, weight in candidate.vector.items():
            expanded[term] = expanded.get(term, 0.0) + share * weight
    return normalised(expanded)


def score(query, candidate, stats, *, query_vector=None):
    """The candidate's score for ``query`` and the reasons behind it, or (0, []) if unrelated.

    ``query_vector`` stands in for the query's own vector (see ``expanded_vector``).
    """
    text = cosine(query.vector if query_vector is None else query_vector, candidate.vector)
    shared = _shared_tags(query, candidate, stats)
    tag_score = 1 - math.exp(-sum(weight for weight, _reason in shared))
    relevance = text + TAG_BOOST * tag_score
    if relevance < MIN_RELEVANCE:
        return 0.0, []
    reasons = [reason for _weight, reason in shared if reason]
    if text >= MIN_RELEVANCE:
        reasons.append({"kind": "text", "similarity": round(text, 2)})
    if candidate.published_at > query.published_at:
        reasons.append({"kind": "follow_up"})
    return relevance * freshness(query, candidate), reasons


def recommend(query, candidates, stats, *, count, excluded=frozenset()):
    """The ``count`` best of ``candidates`` for ``query``, best first.

    Never the query itself nor an ``excluded`` id. The block is filled from the
    best ``count * FINALISTS_PER_PLACE`` candidates, skipping any that
    near-duplicates one already chosen.
    """
    candidates = [c for c in candidates if c.pk != query.pk and c.pk not in excluded]
    query_vector = expanded_vector(query, candidates)
    scored = []
    for candidate in candidates:
        value, reasons = score(query, candidate, stats, query_vector=query_vector)
        if value > 0:
            scored.append((value, candidate, reasons))
    scored.sort(key=lambda item: (-item[0], -item[1].published_at.timestamp(), item[1].pk))
    chosen = []
    for value, candidate, reasons in scored[: count * FINALISTS_PER_PLACE]:
        if len(chosen) == count:
            break
        if any(cosine(candidate.vector, other.vector) > NEAR_DUPLICATE for other, _r in chosen):
            continue
        chosen.append((candidate, Recommendation(candidate.pk, round(value, 4), reasons)))
    return [recommendation for _candidate, recommendation in chosen]
