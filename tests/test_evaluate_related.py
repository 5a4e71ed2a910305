"""Measuring related stories on a labelled corpus (tests/fixtures/related_stories.jsonl)."""

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings

from articles.models import Article, Official, Region, Section, Topic
from articles.recommendations import evaluation

FIXTURE = Path(__file__).parent / "fixtures" / "related_stories.jsonl"


def no_progress(iterable, label, total=None):
    return iterable


@pytest.fixture
def scores(db):
    with FIXTURE.open("rb") as lines:
        evaluation.load_corpus(lines)
    return {item.method: item for item in evaluation.evaluate(FIXTURE, no_progress)}


@pytest.mark.django_db
def test_labels_are_withheld_from_the_engine():
    """The corpus loads as plain articles: one section, no tag made from a label."""
    with FIXTURE.open("rb") as lines:
        result = evaluation.load_corpus(lines)
    assert result.created == 14
    assert Article.objects.published().count() == 14
    assert Section.objects.count() == 1
    assert not Topic.objects.exists() and not Official.objects.exists()
    assert not Region.objects.exists()


def test_engine_beats_the_baselines_on_the_fixture(scores):
    """Stories about the same floods, budget and club find each other better than chance."""
    engine = scores["engine"]
    assert engine.precision > scores["random"].precision
    assert engine.precision > scores["latest"].precision
    assert engine.precision >= scores["tf-idf"].precision
    # Three stories share each scored category: at most 3 of 5 can match.
    assert engine.precision >= 0.5


def test_scoring_counts_specific_categories_only():
    """Catch-all queries are not scored; showbiz and hiburan count as one category."""
    corpus = dict.fromkeys([1, 2, 3, 4], datetime(2025, 11, 1))
    categories = {1: "hiburan", 2: "hiburan", 3: "tajuk utama", 4: "olahraga"}
    blocks = {1: [2, 3], 2: [1, 4], 3: [1, 2], 4: [3, 1]}
    result = evaluation.score("x", blocks, corpus, categories, seconds=0.004, k=2)
    # Queries 1, 2 and 4 are scored: 1 + 1 + 0 hits out of 6 recommendations.
    assert result.precision == pytest.approx(2 / 6)
    assert result.coverage == 1.0
    assert result.ms_per_article == pytest.approx(1.0)


def test_command_prints_the_table_from_a_scratch_database():
    """``evaluate_related FILE`` prints a row per method and leaves the site's data alone."""
    env = {**os.environ, "NEWSROOM_ENV": "test"}
    finished = subprocess.run(
        [sys.executable, "manage.py", "evaluate_related", str(FIXTURE), "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    rows = finished.stdout.strip().splitlines()
    assert rows[0] == "| method | P@5 | coverage | age gap (days) | ms/article |"
    assert [row.split("|")[1].strip() for row in rows[2:]] == [
        "engine",
        "random",
        "latest",
        "tf-idf",
    ]
