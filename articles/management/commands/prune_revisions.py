from django.core.management.base import BaseCommand, CommandError

from articles.revisions import prune_revisions


class Command(BaseCommand):
    help = (
        "Delete old article revisions, keeping each article's newest ones; "
        "the latest revision of an article is never deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep", type=int, default=20, help="Revisions to keep per article (default 20)."
        )
        parser.add_argument(
            "--older-than",
            type=int,
            default=90,
            metavar="DAYS",
            help="Only delete revisions older than this many days (default 90).",
        )

    def handle(self, *args, keep, older_than, **options):
        if keep < 1:
            raise CommandError("--keep must be at least 1: the latest revision always stays.")
        if older_than < 0:
            raise CommandError("--older-than cannot be negative.")
        deleted = prune_revisions(keep, older_than)
        self.stdout.write(f"Deleted {deleted} old revisions.")
