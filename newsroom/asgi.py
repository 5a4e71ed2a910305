"""ASGI entry point."""

import os
import sys

from django.core.asgi import get_asgi_application

from newsroom.env import ConfigurationError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

try:
    application = get_asgi_application()
except ConfigurationError as error:
    sys.exit(f"Configuration error: {error}")
