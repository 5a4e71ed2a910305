"""Dates as Indonesian readers expect them: day and month names, 24-hour time, zone."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from articles.templatetags.dates import tanggal_singkat, tanggal_wita

# Friday 14 November 2025, 01.30 UTC = 09.30 in Balikpapan.
MOMENT = datetime(2025, 11, 14, 1, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def test_full_date_is_written_the_indonesian_way_in_wita():
    """The article page's date: day name, date, 24-hour time with a dot, and WITA."""
    assert tanggal_wita(MOMENT) == "Jumat, 14 November 2025 09.30 WITA"


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Jakarta", "Jumat, 14 November 2025 08.30 WIB"),
        ("Asia/Makassar", "Jumat, 14 November 2025 09.30 WITA"),
        ("Asia/Jayapura", "Jumat, 14 November 2025 10.30 WIT"),
    ],
    ids=["wib", "wita", "wit"],
)
def test_the_time_follows_the_current_time_zone(zone, expected):
    """A newsroom in another part of Indonesia shows its own zone and abbreviation."""
    with timezone.override(zone):
        assert tanggal_wita(MOMENT) == expected


def test_month_names_are_indonesian():
    """August is "Agustus", and the short form abbreviates it "Agu"."""
    august = datetime(2025, 8, 17, 2, 0, tzinfo=UTC)

    assert tanggal_wita(august) == "Minggu, 17 Agustus 2025 10.00 WITA"
    assert tanggal_singkat(august) == "17 Agu 2025 10.00 WITA"


def test_the_filter_is_usable_in_templates_and_empty_for_no_date():
    """Templates load it with {% load dates %}; an article without a time shows nothing."""
    template = Template("{% load dates %}[{{ when|tanggal_wita }}][{{ none|tanggal_wita }}]")

    rendered = template.render(Context({"when": MOMENT, "none": None}))

    assert rendered == "[Jumat, 14 November 2025 09.30 WITA][]"
