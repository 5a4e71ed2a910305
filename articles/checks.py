from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_production_mode(app_configs, **kwargs):
    """A deployment checked with --deploy must run in production mode."""
    if settings.NEWSROOM_ENV == "production":
        return []
    return [
        checks.Warning(
            f"NEWSROOM_ENV is {settings.NEWSROOM_ENV!r}: the development secret and relaxed "
            "cookies are in use.",
            hint="Set NEWSROOM_ENV=production with SECRET_KEY and ALLOWED_HOSTS when deploying.",
            id="newsroom.W001",
        )
    ]
