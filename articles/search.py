"""Searching the published articles ("Cari").

On PostgreSQL: full text with the built-in ``indonesian`` configuration (stemming and
stop words), over ``Article.search_vector`` (title weighs more than lead, lead more
than body) with its GIN index, so it stays fast at 100,000 articles; results are
ranked and highlighted by the database. Elsewhere (SQLite in development): every word
must appear in the title, lead or body, title matches first, highlighted in Python.

Whatever a visitor types is only ever a parameter, never SQL; it is cleaned of control
characters (PostgreSQL refuses NUL) and shortened first, so odd queries give a normal,
possibly empty, result page.
"""

import html
import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connections
from django.db.models import Case, F, Func, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import SEARCH_CONFIG, Article

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
SNIPPET_CHARS = 220
# Highlight markers from Unicode's private use area: they cannot clash with article text.
MARK_START, MARK_STOP = "\ue000", "\ue001"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ue000\ue001]")
_TERM = re.compile(r"\w+", re.UNICODE)
_TAG = r"<[^>]+>"


def clean_query(text):
    """The query as searched: control characters removed, spaces collapsed, length capped."""
    text = _CONTROL.sub(" ", text or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def search_articles(text):
    """Published articles matching ``text``, best first, each with a ``headline`` snippet.

    ``text`` must come through ``clean_query``. The headline holds the markers
    ``MARK_START``/``MARK_STOP`` around matches; ``render_headline`` makes it HTML.
    """
    articles = Article.objects.published().for_listing().defer("search_vector")
    if not text:
        return articles.none()
    if connections[articles.db].vendor == "postgresql":
        return _full_text(articles, text)
    return _substring(articles, text)


def _full_text(articles, text):
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    readable_body = _RegexpReplace(F("body"), Value(_TAG), Value(" "), Value("g"))
    return (
        articles.filter(search_vector=query)
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            title_headline=SearchHeadline(
                "title",
                query,
                config=SEARCH_CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                highlight_all=True,
            ),
            headline=SearchHeadline(
                Concat(F("lead"), Value(" "), readable_body, output_field=TextField()),
                query,
                config=SEARCH_CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=40,
                min_words=20,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-published_at", "-pk")
    )


class _RegexpReplace(Func):
    """PostgreSQL's regexp_replace(): the body's text without its tags, for the headline."""

    function = "regexp_replace"
    output_field = TextField()


def _substring(articles, text):
    terms = list(dict.fromkeys(term.lower() for term in _TERM.findall(text)))[:MAX_TERMS]
    if not terms:
        return articles.none()
    for term in terms:
        articles = articles.filter(
            Q(title__icontains=term) | Q(lead__icontains=term) | Q(body__icontains=term)
        )
    in_title = Q()
    for term in terms:
        in_title &= Q(title__icontains=term)
    return articles.annotate(
        rank=Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField()),
        title_headline=Value(""),
        headline=Value(""),
    ).order_by("-rank", "-published_at", "-pk")


def _mark(text, terms):
    if not terms:
        return text
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    return pattern.sub(lambda match: f"{MARK_START}{match.group(0)}{MARK_STOP}", text)


def snippet(article, text):
    """A short excerpt of the lead or body around the first matching word, with markers.

    Used where the database gives no headline (the substring fallback).
    """
    body = html.unescape(re.sub(_TAG, " ", article.body))
    readable = " ".join(f"{article.lead} {body}".split())
    terms = [term.lower() for term in _TERM.findall(text)][:MAX_TERMS]
    lowered = readable.lower()
    hits = [lowered.find(term) for term in terms if term in lowered]
    start = max(0, min(hits) - SNIPPET_CHARS // 3) if hits else 0
    excerpt = _mark(readable[start : start + SNIPPET_CHARS], terms)
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_CHARS < len(readable) else ""
    return f"{prefix}{excerpt}{suffix}"


def _as_html(marked):
    # The body's entities (&amp;) reach PostgreSQL's headline undecoded.
    text = escape(html.unescape(marked))
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))


def highlighted(article, text):
    """The article's title and search snippet as safe HTML, matches in ``<mark>``."""
    terms = [term.lower() for term in _TERM.findall(text)][:MAX_TERMS]
    title = article.title_headline or _mark(article.title, terms)
    return _as_html(title), _as_html(article.headline or snippet(article, text))
