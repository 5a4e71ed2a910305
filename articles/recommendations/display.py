"""Showing related stories: reasons for staff, the inline link for readers."""

import re

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

# The inline link goes after this many paragraphs, as Indonesian portals place it.
INLINE_AFTER_PARAGRAPHS = 2
_PARAGRAPH_END = re.compile(r"</p\s*>", re.IGNORECASE)


def reason_text(reasons):
    """Stored reasons as one line for editors: "Sama-sama menyebut X · Y · topik Z · teks mirip"."""
    officials = [r["name"] for r in reasons if r["kind"] == "official"]
    parts = [_("Both mention %(names)s") % {"names": ", ".join(officials)}] if officials else []
    for reason in reasons:
        kind = reason["kind"]
        if kind == "region":
            parts.append(reason["name"])
        elif kind == "region_near":
            parts.append(_("near %(place)s") % {"place": reason["name"]})
        elif kind == "topic":
            parts.append(_("topic %(name)s") % {"name": reason["name"]})
        elif kind == "section":
            parts.append(_("same section"))
        elif kind == "text":
            parts.append(_("similar text"))
        elif kind == "follow_up":
            parts.append(_("follow-up"))
        elif kind == "pinned":
            parts.append(_("pinned by an editor"))
    return " · ".join(parts)


def insert_inline_related(body_html, article, related):
    """``body_html`` with a "Read also" link to ``related`` after its second paragraph.

    Left as it was when the site (``NEWSROOM_INLINE_RELATED``) or the article
    turned the link off, when there is no related story, or when the body is too
    short for the link to sit between paragraphs. The body is the model's
    sanitised HTML; the link's title is escaped.
    """
    if not (settings.NEWSROOM_INLINE_RELATED and article.inline_related):
        return mark_safe(body_html)
    ends = list(_PARAGRAPH_END.finditer(body_html))
    if related is None or len(ends) <= INLINE_AFTER_PARAGRAPHS:
        return mark_safe(body_html)
    cut = ends[INLINE_AFTER_PARAGRAPHS - 1].end()
    link = format_html(
        '<p class="inline-related"><strong>{}</strong> <a href="{}">{}</a></p>',
        _("Read also:"),
        related.get_absolute_url(),
        related.title,
    )
    return mark_safe(body_html[:cut] + link + body_html[cut:])
