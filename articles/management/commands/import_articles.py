import argparse
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from articles.importing import DEFAULT_BATCH_SIZE, ArticleImporter, BatchError

# Bounded so that one batch's lookups stay within the database's query parameter limits.
MAX_BATCH_SIZE = 2000


def batch_size(value):
    size = int(value)
    if not 1 <= size <= MAX_BATCH_SIZE:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_BATCH_SIZE}")
    return size


class Command(BaseCommand):
    help = (
        "Import articles from a JSON Lines file (one article per line) and publish them. "
        "A line with a known external_id updates that article; bad lines are reported and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .jsonl file to import.")
        parser.add_argument(
            "--batch-size",
            type=batch_size,
            default=DEFAULT_BATCH_SIZE,
            help="Lines written per transaction (default %(default)s).",
        )

    def handle(self, path, batch_size, verbosity, **options):
        started = time.monotonic()
        importer = ArticleImporter(
            batch_size=batch_size,
            on_error=self.report_error,
            on_batch=self.report_progress if verbosity > 0 else None,
        )
        try:
            with open(path, "rb") as lines:
                result = importer.run(lines)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from error
        except BatchError as error:
            raise CommandError(
                _(
                    "The database refused lines %(first)d to %(last)d (%(error)s). "
                    "The lines before them were imported."
                )
                % {"first": error.first_line, "last": error.last_line, "error": error}
            ) from error
        self.stdout.write(
            _(
                "Import finished in %(seconds)s s: %(created)d created, %(updated)d updated, "
                "%(skipped)d skipped."
            )
            % {
                "seconds": number_format(time.monotonic() - started, 1),
                "created": result.created,
                "updated": result.updated,
                "skipped": result.skipped,
            },
            self.style.SUCCESS if not result.skipped else self.style.WARNING,
        )

    def report_error(self, line, reason):
        self.stderr.write(_("Line %(line)d skipped: %(reason)s") % {"line": line, "reason": reason})

    def report_progress(self, result):
        self.stderr.write(
            _("Line %(line)d: %(created)d created, %(updated)d updated, %(skipped)d skipped")
            % {
                "line": result.lines,
                "created": result.created,
                "updated": result.updated,
                "skipped": result.skipped,
            },
            self.style.HTTP_INFO,
        )
