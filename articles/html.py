"""HTML handling for article bodies: one allow-list, used on every save.

The admin editor only produces these elements, but bodies also arrive from
imports and crafted requests, so the model cleans whatever it is given.
"""

import html
import re

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "u",
    "s",
    "sub",
    "sup",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "hr",
    "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)
_BLANK_LINE = re.compile(r"\n\s*\n")
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+(?:[-']\w+)*", re.UNICODE)


def sanitize_html(value):
    """Return ``value`` with everything outside the allow-list removed."""
    return _cleaner.clean(value or "").strip()


def looks_like_html(value):
    return bool(_TAG.search(value or ""))


def paragraphs_to_html(text):
    """Turn plain text with blank-line paragraphs into escaped ``<p>`` elements."""
    paragraphs = [part.strip() for part in _BLANK_LINE.split(text or "") if part.strip()]
    return "".join(
        "<p>{}</p>".format(html.escape(part).replace("\n", "<br>")) for part in paragraphs
    )


def plain_text(value):
    """The readable text of an HTML fragment, entities decoded."""
    return html.unescape(nh3.clean(value or "", tags=set())).strip()


def count_words(value):
    return len(_WORD.findall(plain_text(value)))
