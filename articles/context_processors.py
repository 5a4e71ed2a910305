from django.conf import settings


def site(request):
    """Site identity every template needs (name in the header, title suffix)."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_tagline": settings.NEWSROOM_SITE_TAGLINE,
    }
