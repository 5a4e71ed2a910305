from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.caching import remember
from articles.models import Section


def nav_sections():
    """The sections in the menu, in their editorial order; cached until the next purge."""
    return remember("nav-sections", lambda: list(Section.objects.all()))


def site(request):
    """Site identity every template needs (name in the header, title suffix) and the menu.

    The menu is only fetched when a template shows it.
    """
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_tagline": settings.NEWSROOM_SITE_TAGLINE,
        "nav_sections": SimpleLazyObject(nav_sections),
    }
