import json
import os
import random
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tqdm import tqdm

from articles.importing import ArticleImporter
from articles.models import Article
from articles.recommendations import engine
from articles.recommendations.evaluation import scratch_database
from bench.make_articles import synthetic_articles


def varied(rows, seed=6):
    """Synthetic articles whose bodies differ: paragraphs dropped and one borrowed.

    Exact copies of the corpus would all be near-duplicates of one another,
    which is not what a newsroom's archive looks like.
    """
    rng = random.Random(seed)
    borrowed = []
    for row in rows:
        paragraphs = row["body"].split("\n\n")
        borrowed.append(rng.choice(paragraphs))
        kept = [p for p in paragraphs if rng.random() > 0.3] or paragraphs[:1]
        kept.insert(rng.randint(0, len(kept)), rng.choice(borrowed))
        yield {**row, "body": "\n\n".join(kept)}


def milliseconds(call, items):
    """Median and 95th percentile of ``call(item)``, in wall-clock and CPU milliseconds."""
    wall, cpu = [], []
    for item in items:
        started, started_cpu = time.perf_counter(), time.process_time()
        call(item)
        wall.append(1000 * (time.perf_counter() - started))
        cpu.append(1000 * (time.process_time() - started_cpu))
    return statistics.median(wall), statistics.quantiles(wall, n=20)[-1], statistics.median(cpu)


class Timer:
    """Wall-clock and CPU seconds of a block: CPU time shows the cost on a busy machine."""

    def __enter__(self):
        self.started, self.started_cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc_info):
        self.wall = time.perf_counter() - self.started
        self.cpu = time.process_time() - self.started_cpu


class Command(BaseCommand):
    help = (
        "Benchmark related stories on N synthetic articles in a scratch database "
        "(or, with --in-place, on this site's own articles): the batch recompute, "
        "one article's recommendations and the page's read."
    )

    def add_arguments(self, parser):
        parser.add_argument("corpus", nargs="?", help="A .jsonl corpus giving the text.")
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--sample", type=int, default=200)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="Measure on the configured database's articles (recomputing their blocks).",
        )

    def handle(self, corpus, articles, sample, workers, in_place, verbosity, **options):
        def progress(iterable, label, total=None):
            return tqdm(iterable, desc=label, total=total, disable=verbosity == 0, leave=False)

        if in_place:
            self.measure(sample, workers, progress)
            return
        if not corpus:
            raise CommandError("Give a corpus, or --in-place to use this site's articles.")
        json_rows = (
            json.dumps(row, ensure_ascii=False)
            for row in varied(synthetic_articles(corpus, articles))
        )
        with scratch_database():
            with Timer() as timer:
                ArticleImporter(batch_size=1000).run(progress(json_rows, "import", articles))
            self.report("import", timer)
            self.measure(sample, workers, progress)

    def measure(self, sample, workers, progress):
        with Timer() as timer:
            count = engine.recompute_all(progress=progress, workers=workers)
        self.report(f"recompute_related ({count} articles, {workers} workers)", timer)
        pks = list(Article.objects.published().values_list("pk", flat=True))
        chosen = random.Random(6).sample(pks, min(sample, len(pks)))
        median, p95, cpu = milliseconds(engine.compute, chosen)
        self.stdout.write(
            f"one article's recommendations: median {median:.1f} ms "
            f"(CPU {cpu:.1f} ms), 95th percentile {p95:.1f} ms"
        )
        median, p95, cpu = milliseconds(engine.refresh_article, chosen[:50])
        self.stdout.write(
            f"refresh after publish (article and neighbours): median {median:.1f} ms "
            f"(CPU {cpu:.1f} ms)"
        )
        article = Article.objects.get(pk=chosen[0])
        with CaptureQueriesContext(connection) as queries:
            engine.related_articles_for(article)
        self.stdout.write(f"page read of the stored block: {len(queries)} query")

    def report(self, label, timer):
        self.stdout.write(f"{label}: {timer.wall:.1f} s (CPU {timer.cpu:.1f} s)")
