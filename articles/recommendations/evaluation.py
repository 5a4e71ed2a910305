"""Measuring related stories against a labelled corpus, next to three baselines.

The corpus is imported with the real importer (labels are not part of the
import format, so the engine never sees them), the engine runs its real batch
path, and every method is scored the same way: precision@k on the queries of
specific categories, coverage, mean age gap and time per article.
"""

import json
import math
import random
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection

from articles.importing import ArticleImporter
from articles.models import Article, RelatedArticle, Section
from articles.recommendations import text
from articles.recommendations.engine import recompute_all, related_count

# "tajuk utama" (headline) is a catch-all, not a topic: such queries are not
# scored. IndoSum's "showbiz" and "hiburan" name the same beat.
UNSPECIFIC_CATEGORIES = {"tajuk utama"}
SAME_CATEGORY = {"showbiz": "hiburan"}


@dataclass
class Score:
    method: str
    precision: float
    coverage: float
    age_gap_days: float
    ms_per_article: float


@contextmanager
def scratch_database():
    """Run the block in a throw-away database, migrated from scratch, then drop it.

    Django's test-database machinery does the work: an in-memory database on
    SQLite, a separate one on PostgreSQL. The site's own data is never touched.
    """
    old_name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite":
        # Not the test suite's database name: the suite may be running meanwhile.
        connection.settings_dict["TEST"]["NAME"] = f"{old_name}_scratch"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def read_categories(path):
    """``external_id`` → category label, merged as the corpus README says."""
    categories = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                data = json.loads(line)
                category = (data.get("labels") or {}).get("category") or ""
                categories[data["external_id"]] = SAME_CATEGORY.get(category, category)
    return categories


def load_corpus(lines):
    """Import the corpus with the real importer, every article in one section.

    The import format has no place for ``labels``, and one section for all
    keeps sections from standing in for them. Returns the ImportResult.
    """
    result = ArticleImporter().run(lines)
    section = Section.objects.create(name="Berita", slug="berita")
    Article.objects.update(section=section)
    return result


def score(method, blocks, corpus, categories, seconds, k):
    """Score ``blocks`` (article id → recommended ids) for ``corpus`` (id → published_at)."""
    hits = scored = full = 0
    gaps = []
    for pk, recommended in blocks.items():
        recommended = recommended[:k]
        full += len(recommended) == k
        gaps.extend(
            abs((corpus[pk] - corpus[other]).total_seconds()) / 86400 for other in recommended
        )
        category = categories.get(pk, "")
        if category and category not in UNSPECIFIC_CATEGORIES:
            scored += 1
            hits += sum(categories.get(other) == category for other in recommended)
    return Score(
        method=method,
        precision=hits / (scored * k) if scored else 0.0,
        coverage=full / len(blocks) if blocks else 0.0,
        age_gap_days=sum(gaps) / len(gaps) if gaps else 0.0,
        ms_per_article=1000 * seconds / len(blocks) if blocks else 0.0,
    )


def engine_blocks(progress):
    """Run the engine's batch path and read back what it stored."""
    started = time.perf_counter()
    recompute_all(progress=progress)
    seconds = time.perf_counter() - started
    blocks = defaultdict(list)
    for article_id, related_id in RelatedArticle.objects.order_by("article", "rank").values_list(
        "article_id", "related_id"
    ):
        blocks[article_id].append(related_id)
    return blocks, seconds


def random_blocks(pks, k, seed=6):
    rng = random.Random(seed)
    started = time.perf_counter()
    blocks = {pk: [other for other in rng.sample(pks, k + 1) if other != pk][:k] for pk in pks}
    return blocks, time.perf_counter() - started


def latest_blocks(corpus, k):
    """The newest stories of the whole site, whatever the article."""
    started = time.perf_counter()
    newest = sorted(corpus, key=lambda pk: corpus[pk], reverse=True)[: k + 1]
    blocks = {pk: [other for other in newest if other != pk][:k] for pk in corpus}
    return blocks, time.perf_counter() - started


def tfidf_blocks(texts, k, progress):
    """Plain TF-IDF cosine over title, lead and body: no stemming, stop words, tags or time.

    The usual strong form, as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``
    computes it: log-scaled term counts, smoothed IDF, unit vectors, every word
    kept, every article compared. (Raw counts score about six points lower on IndoSum.)
    """
    started = time.perf_counter()
    counts = {pk: Counter(text.plain_words(value)) for pk, value in texts.items()}
    frequency = Counter(term for terms in counts.values() for term in terms)
    total = len(counts)
    vectors = {
        pk: text.normalised(
            {
                term: (1 + math.log(n)) * (math.log((1 + total) / (1 + frequency[term])) + 1)
                for term, n in terms.items()
            }
        )
        for pk, terms in counts.items()
    }
    postings = defaultdict(list)
    for pk, vector in vectors.items():
        for term, weight in vector.items():
            postings[term].append((pk, weight))
    blocks = {}
    for pk, vector in progress(vectors.items(), "tf-idf", total):
        match = defaultdict(float)
        for term, weight in vector.items():
            for other, other_weight in postings[term]:
                match[other] += weight * other_weight
        match.pop(pk, None)
        blocks[pk] = sorted(match, key=lambda other: (-match[other], other))[:k]
    return blocks, time.perf_counter() - started


def evaluate(path, progress):
    """Score the engine and the baselines on the corpus already imported from ``path``."""
    k = related_count()
    categories_by_id = read_categories(path)
    rows = Article.objects.published().values_list(
        "pk", "external_id", "published_at", "title", "lead", "body"
    )
    corpus, categories, texts = {}, {}, {}
    for pk, external_id, published_at, title, lead, body in rows:
        corpus[pk] = published_at
        categories[pk] = categories_by_id.get(external_id, "")
        texts[pk] = " ".join([title, lead, text.body_text(body)])
    runs = [
        ("engine", engine_blocks(progress)),
        ("random", random_blocks(list(corpus), k)),
        ("latest", latest_blocks(corpus, k)),
        ("tf-idf", tfidf_blocks(texts, k, progress)),
    ]
    return [
        score(method, blocks, corpus, categories, seconds, k) for method, (blocks, seconds) in runs
    ]
