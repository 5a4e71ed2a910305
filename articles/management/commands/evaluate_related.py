from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from articles.importing import ArticleImporter
from articles.models import Article, Section
from articles.recommendations.evaluation import evaluate

COLUMNS = ("method", "P@5", "coverage", "age gap (days)", "ms/article")


class Command(BaseCommand):
    help = gettext_lazy(
        "Measure related stories on a labelled JSON Lines corpus, in a scratch database: "
        "precision, coverage, age gap and speed of the engine and of three baselines."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=gettext_lazy("The labelled .jsonl corpus."))

    def handle(self, path, verbosity, **options):
        def progress(iterable, label, total=None):
            return tqdm(iterable, desc=label, total=total, disable=verbosity == 0, leave=False)

        # A throw-away database with its own migrations, so the site's data is never touched.
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            self.load(path, verbosity)
            scores = evaluate(path, progress)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        self.stdout.write(self.table(scores))

    def load(self, path, verbosity):
        try:
            with open(path, "rb") as lines:
                result = ArticleImporter().run(tqdm(lines, desc="import", disable=verbosity == 0))
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from error
        # Every article in one section: sections must not stand in for the labels.
        section = Section.objects.create(name="Berita", slug="berita")
        Article.objects.update(section=section)
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
