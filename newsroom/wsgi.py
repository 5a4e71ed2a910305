"""WSGI entry point, used by gunicorn."""

import os
import sys

from django.core.wsgi import get_wsgi_application

from newsroom.env import ConfigurationError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

try:
    application = get_wsgi_application()
except ConfigurationError as error:
    sys.exit(f"Configuration error: {error}")
