"""Template tags for the public pages: ``{% load news %}``."""

from django import template
from django.utils.html import format_html
from django.utils.http import urlencode

from articles.recommendations.display import insert_inline_related

register = template.Library()

# The query parameters a listing's URL keeps from one page to the next.
KEPT_PARAMS = ("q",)


@register.simple_tag(takes_context=True)
def article_body(context, article, related_articles=()):
    """The body as readers see it: the bold dateline "BALIKPAPAN, Newsroom –" opening its
    first paragraph, and the inline "Baca juga" link to the first related story."""
    body = article.body  # Sanitised on every save (articles.html), so safe to show.
    if article.dateline:
        dateline = format_html(
            "<strong>{}, {} –</strong>", article.dateline.upper(), context.get("site_name", "")
        )
        body = f"<p>{dateline} {body[3:]}" if body.startswith("<p>") else f"<p>{dateline}</p>{body}"
    first_related = related_articles[0] if related_articles else None
    return insert_inline_related(body, article, first_related)


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The stable URL of page ``number`` of the current listing (page 1 has no parameter)."""
    request = context["request"]
    params = {name: request.GET[name] for name in KEPT_PARAMS if request.GET.get(name)}
    if number > 1:
        params["halaman"] = number
    return f"{request.path}?{urlencode(params)}" if params else request.path


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's one address for search engines: path and page number, nothing else."""
    request = context["request"]
    page = context.get("page_obj")
    path = request.path
    if page and page.number > 1:
        path += f"?halaman={page.number}"
    return request.build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """``path`` (a URL on this site) with the scheme and host of the current request."""
    return context["request"].build_absolute_uri(path)
