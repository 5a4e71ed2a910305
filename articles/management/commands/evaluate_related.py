import os

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from articles.recommendations.evaluation import evaluate, load_corpus, scratch_database

COLUMNS = ("method", "P@5", "coverage", "age gap (days)", "ms/article")


class Command(BaseCommand):
    help = (
        "Measure related stories on a labelled JSON Lines corpus, in a scratch database: "
        "precision, coverage, age gap and speed of the engine and of three baselines."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The labelled .jsonl corpus.")

    def handle(self, path, verbosity, **options):
        def progress(iterable, label, total=None):
            return tqdm(iterable, desc=label, total=total, disable=verbosity == 0, leave=False)

        if not os.path.isfile(path):
            raise CommandError(_("Cannot read %(path)s.") % {"path": path})
        with scratch_database():
            self.load(path, verbosity)
            scores = evaluate(path, progress)
        self.stdout.write(self.table(scores))

    def load(self, path, verbosity):
        with open(path, "rb") as lines:
            result = load_corpus(tqdm(lines, desc="import", disable=verbosity == 0))
        self.stderr.write(
            _("%(count)d articles loaded, %(skipped)d lines skipped.")
            % {"count": result.created, "skipped": result.skipped}
        )

    def table(self, scores):
        lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        for item in scores:
            lines.append(
                f"| {item.method} | {item.precision:.3f} | {item.coverage:.3f} "
                f"| {item.age_gap_days:.1f} | {item.ms_per_article:.2f} |"
            )
        return "\n".join(lines)
