"""What search engines and social networks read: ``{% load seo %}``.

JSON-LD (schema.org) for articles, officials, regions and breadcrumbs, escaped like
Django's ``json_script`` so that no text in it can close the ``<script>`` element.
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from articles import images, taxonomy
from articles.templatetags.dates import iso_datetime

register = template.Library()

SCHEMA = "https://schema.org"
SHARE_IMAGE_WIDTH = 1200
PUBLISHER_LOGO = ("img/logo-publisher.png", 600, 60)
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data):
    """``data`` as a ``<script type="application/ld+json">`` element, safely escaped."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag(takes_context=True)
def share_image_url(context, image):
    """The absolute URL of ``image``'s 1200-pixel rendition (Open Graph, Twitter, JSON-LD)."""
    return context["request"].build_absolute_uri(images.rendition_url(image, SHARE_IMAGE_WIDTH))


def _publisher(request, site_name):
    logo, width, height = PUBLISHER_LOGO
    return {
        "@type": "NewsMediaOrganization",
        "name": site_name,
        "url": request.build_absolute_uri(reverse("articles:home")),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static(logo)),
            "width": width,
            "height": height,
        },
    }


@register.simple_tag(takes_context=True)
def article_json_ld(context, article, reporters, corrections, modified_at):
    """``NewsArticle`` for an article page, with authors, corrections and officials mentioned."""
    request = context["request"]
    url = request.build_absolute_uri(article.get_absolute_url())
    tags = [*article.regions.all(), *article.officials.all(), *article.topics.all()]
    data = {
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.meta_description,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": iso_datetime(article.published_at),
        "dateModified": iso_datetime(modified_at),
        "inLanguage": "id",
        "isAccessibleForFree": True,
        "author": [
            {
                "@type": "Person",
                "name": reporter.get_full_name() or context.get("site_name"),
                "url": request.build_absolute_uri(
                    reverse("articles:author_detail", args=[reporter.pk])
                ),
            }
            for reporter in reporters
        ],
        "publisher": _publisher(request, context.get("site_name")),
        "keywords": [tag.name for tag in tags],
    }
    if article.featured_image:
        data["image"] = [share_image_url(context, article.featured_image)]
    if article.section:
        data["articleSection"] = article.section.name
    if article.word_count:
        data["wordCount"] = article.word_count
    officials = list(article.officials.all())
    if officials:
        # Name and page only: the job held on the publish date would cost the page a query
        # more; the official's own page carries it (see official_json_ld).
        data["mentions"] = [
            {
                "@type": "Person",
                "name": official.name,
                "url": request.build_absolute_uri(official.get_absolute_url()),
            }
            for official in officials
        ]
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": c.text,
                "datePublished": iso_datetime(c.created_at),
            }
            for c in corrections
        ]
    return json_ld(data)


@register.simple_tag(takes_context=True)
def official_json_ld(context, official):
    """``Person`` for an official's page (see ``taxonomy.official_jsonld``)."""
    return json_ld(taxonomy.official_jsonld(official, request=context["request"]))


@register.simple_tag(takes_context=True)
def region_json_ld(context, region):
    """``Place`` for a region's page, inside its parent places (see ``taxonomy.region_jsonld``)."""
    return json_ld(taxonomy.region_jsonld(region, request=context["request"]))


@register.inclusion_tag("includes/_breadcrumbs.html", takes_context=True)
def breadcrumbs(context, *trail):
    """The path from the home page to this one, as a trail and as ``BreadcrumbList``.

    ``trail`` holds objects with ``get_absolute_url`` and, last, possibly a plain
    label for the current page; empty entries (a region without parent) are skipped.
    """
    request = context["request"]
    crumbs = [(_("Home"), reverse("articles:home"))]
    for step in trail:
        if not step:
            continue
        if hasattr(step, "get_absolute_url"):
            crumbs.append((str(step), step.get_absolute_url()))
        else:
            crumbs.append((str(step), request.path))
    data = {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(url),
            }
            for position, (name, url) in enumerate(crumbs, start=1)
        ],
    }
    return {"crumbs": crumbs, "structured_data": json_ld(data)}
