from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from articles.models import Article, Official, Region, Section, Topic

PAGE_SIZE = 12


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("halaman"))


@require_safe
def health(request):
    """A trivial view doing one query: load balancers and the benchmark baseline use it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def home(request):
    latest = Article.objects.published().for_listing()[:13]
    return render(request, "articles/home.html", {"headline": latest[:1], "latest": latest[1:]})


@require_safe
def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    articles = Article.objects.published().filter(section=section).for_listing()
    return render(
        request,
        "articles/section_detail.html",
        {"section": section, "page_obj": _page(request, articles)},
    )


def _render_article(request, article):
    return render(request, "articles/article_detail.html", {"article": article})


@require_safe
def article_detail(request, slug):
    article = get_object_or_404(Article.objects.published().for_listing(), slug=slug)
    return _render_article(request, article)


@require_safe
@staff_member_required
def article_preview(request, pk):
    article = get_object_or_404(Article.objects.for_listing(), pk=pk)
    response = _render_article(request, article)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _tag_page(request, model, slug, template):
    tag = get_object_or_404(model, slug=slug)
    articles = Article.objects.published().filter(**{f"{model._meta.model_name}s": tag})
    return render(
        request, template, {"tag": tag, "page_obj": _page(request, articles.for_listing())}
    )


@require_safe
def region_detail(request, slug):
    return _tag_page(request, Region, slug, "articles/region_detail.html")


@require_safe
def official_detail(request, slug):
    return _tag_page(request, Official, slug, "articles/official_detail.html")


@require_safe
def topic_detail(request, slug):
    return _tag_page(request, Topic, slug, "articles/topic_detail.html")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
