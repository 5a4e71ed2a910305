"""Dates the way Indonesian newsrooms write them."""

from django.utils import timezone
from django.utils.formats import date_format


def format_datetime(value):
    """``value`` in the site's time zone, e.g. "Jumat, 14 November 2025 09.30 WITA"."""
    return date_format(timezone.localtime(value), "l, j F Y H.i T")
