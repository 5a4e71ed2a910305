import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from articles.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo newsroom (staff, sections, regions, officials and stories in every "
        "workflow state) and print the demo logins. Running it again adds only what is missing."
    )

    def handle(self, **options):
        if settings.PRODUCTION:
            raise CommandError(
                _("The demo logins have public passwords: the demo is not loaded in production.")
            )
        started = time.monotonic()
        result = load_demo()
        if result.created:
            self.stdout.write(
                _("Demo newsroom loaded: %(count)d stories added in %(seconds)s s.")
                % {
                    "count": result.created,
                    "seconds": number_format(time.monotonic() - started, 1),
                },
                self.style.SUCCESS,
            )
        else:
            self.stdout.write(
                _("The demo newsroom is already loaded (%(count)d stories); nothing was added.")
                % {"count": result.existing}
            )
        self.write_logins(result.logins)

    def write_logins(self, logins):
        """The logins as a table: role, username, password."""
        rows = [
            (_("Role"), _("Username"), _("Password")),
            *((login.role, login.username, login.password) for login in logins),
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        self.stdout.write("")
        self.stdout.write(_("Demo logins (reset on every load):"))
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            )
