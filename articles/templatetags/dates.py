"""Dates the Indonesian way in templates: ``{{ article.published_at|tanggal_wita }}``.

Times are shown in the current time zone (settings.TIME_ZONE, Asia/Makassar) with its
abbreviation (WITA, WIB, WIT); day and month names come from Django's ``id`` locale.
"""

from django import template
from django.utils import formats, timezone

from articles.dates import format_datetime

register = template.Library()


@register.filter
def tanggal_wita(value):
    """Day, date, time and zone: "Jumat, 14 November 2025 09.30 WITA"."""
    return format_datetime(value) if value else ""


@register.filter
def tanggal_singkat(value):
    """The short form for listings: "14 Nov 2025 09.30 WITA"."""
    return formats.date_format(timezone.localtime(value), "j M Y H.i T") if value else ""


@register.filter
def iso_datetime(value):
    """Machine-readable local time to the second, for ``<time>``, sitemaps and metadata."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""
