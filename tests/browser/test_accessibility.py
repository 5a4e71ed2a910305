"""axe-core, run in Chromium, finds no serious or critical problem on the reader's pages.

The pages are loaded under the real Content Security Policy, which must not
block anything they use either.
"""

import pytest

from tests.browser.conftest import axe_violations
from tests.factories import OfficialFactory, RegionFactory, published_article


@pytest.fixture
def stories():
    region = RegionFactory(name="Balikpapan", slug="balikpapan")
    official = OfficialFactory(name="Rahmad Mas'ud", slug="rahmad-masud")
    articles = [
        published_article(title=f"Pembangunan waduk Teritip tahap {n} dimulai") for n in (1, 2, 3)
    ]
    for article in articles:
        article.regions.add(region)
        article.officials.add(official)
    return articles


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/berita/{slug}/",
        "/cari/?q=waduk",
        "/wilayah/balikpapan/",
        "/tokoh/rahmad-masud/",
    ],
    ids=["home", "article", "search", "region", "official"],
)
def test_reader_pages_pass_axe(visitor, stories, path):
    """No serious or critical axe violation, and no CSP violation in the console."""
    reader = visitor()

    reader.goto(path.format(slug=stories[0].slug))

    assert axe_violations(reader.page) == []
    assert reader.csp_violations() == []
