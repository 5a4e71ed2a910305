import os
import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from articles.recommendations import recompute_all


class Command(BaseCommand):
    help = "Recompute the related stories of every public article (after an import, for instance)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes that share the scoring (default: one per CPU core).",
        )

    def handle(self, verbosity, workers, **options):
        def progress(iterable, label, total=None):
            return tqdm(iterable, desc=label, total=total, disable=verbosity == 0, leave=False)

        started = time.monotonic()
        count = recompute_all(progress=progress, workers=workers)
        if verbosity:
            self.stdout.write(
                _("Related stories recomputed for %(count)d articles in %(seconds).1f s.")
                % {"count": count, "seconds": time.monotonic() - started},
                self.style.SUCCESS,
            )
