"""The public site: thin views over ``Article.objects.published()``.

Every public page is wrapped in ``caching.public_page`` (anonymous visitors get it
from the cache, staff always see it fresh) and prepares everything its template
shows with ``select_related``/``prefetch_related``, so a page makes the same small
number of queries however many articles, tags or authors there are.
"""

import sys
from datetime import date, timedelta

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.core.paginator import InvalidPage, Paginator
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Exists, Max, Min, OuterRef, Prefetch
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
)
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.utils import timezone, translation
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.generic.dates import (
    ArchiveIndexView,
    DayArchiveView,
    MonthArchiveView,
    YearArchiveView,
)

from articles import pageviews, recommendations, search, taxonomy, workflow
from articles.caching import public_page
from articles.context_processors import nav_sections
from articles.models import Article, Correction, Official, Region, Section, TaggedRegion, Topic

PAGE_SIZE = 12
LATEST_COUNT = 10
SECTION_BLOCK_SIZE = 4
MOST_READ_COUNT = 5
REGION_SHORTCUTS = 12
# Saving a story while publishing it is not an update readers need to hear about.
SHOWN_AS_UPDATED_AFTER = timedelta(minutes=5)


def _page_number(request):
    """``?halaman=N`` as a number; anything else is a 404, so each page has one URL."""
    try:
        number = int(request.GET.get("halaman") or 1)
    except ValueError:
        raise Http404 from None
    if number < 1:
        raise Http404
    return number


class Page:
    """One page of a listing, found without counting the whole listing.

    Counting every public story of a large section or region is the slowest query
    a listing would make; readers only need the next and previous pages.
    """

    def __init__(self, items, number, has_next):
        self.object_list = items
        self.number = number
        self.has_next = has_next
        self.has_previous = number > 1
        self.has_other_pages = has_next or self.has_previous
        self.next_page_number = number + 1
        self.previous_page_number = number - 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def paginate(request, queryset, per_page=PAGE_SIZE):
    """The page of ``queryset`` named by ``?halaman=N``; a page past the end is a 404."""
    number = _page_number(request)
    start = (number - 1) * per_page
    items = list(queryset[start : start + per_page + 1])
    if number > 1 and not items:
        raise Http404
    return Page(items[:per_page], number, has_next=len(items) > per_page)


def paginate_counted(request, queryset, per_page=PAGE_SIZE):
    """Like ``paginate``, with the total (``page.paginator.count``) for pages that show it."""
    try:
        return Paginator(queryset, per_page).page(_page_number(request))
    except InvalidPage:
        raise Http404 from None


# Columns no listing shows: the body and, on PostgreSQL, the sizeable search vector.
UNLISTED_FIELDS = ("body", "search_vector")


def cards(queryset):
    """Articles as listing cards show them: section and photo, no further query per card."""
    return queryset.select_related("section", "featured_image").defer(*UNLISTED_FIELDS)


def article_page(queryset):
    """Everything the article page shows, in a fixed number of queries."""
    return (
        queryset.select_related(
            "section", "featured_image", "editor", "reply_to", "reply_to__section"
        )
        .defer("search_vector", "reply_to__body", "reply_to__search_vector")
        .prefetch_related(
            "reporters",
            "regions",
            "officials",
            "topics",
            "corrections",
            Prefetch(
                "replies",
                queryset=Article.objects.published().defer(*UNLISTED_FIELDS),
                to_attr="public_replies",
            ),
        )
    )


def region_articles(region):
    """Public articles about ``region`` or a place inside it (district → city → province)."""
    tagged = TaggedRegion.objects.filter(tag__in=region.descendants_and_self())
    return Article.objects.published().filter(pk__in=tagged.values("content_object"))


@require_safe
def health(request):
    """A trivial view doing one query: load balancers and the benchmark baseline use it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@require_safe
@public_page
def home(request):
    """Headline, latest stories, a block per section, most read and region shortcuts."""
    latest = list(cards(Article.objects.published())[: LATEST_COUNT + 1])
    section_blocks = [
        (section, stories)
        for section in nav_sections()
        if (
            stories := list(
                cards(Article.objects.published().filter(section=section))[:SECTION_BLOCK_SIZE]
            )
        )
    ]
    return render(
        request,
        "articles/home.html",
        {
            "headline": latest[0] if latest else None,
            "latest": latest[1:],
            "section_blocks": section_blocks,
            "most_read_day": pageviews.most_read(days=1, limit=MOST_READ_COUNT),
            "most_read_week": pageviews.most_read(days=7, limit=MOST_READ_COUNT),
            "region_shortcuts": region_shortcuts(),
            "is_home": True,
        },
    )


def region_shortcuts():
    """Cities and regencies that have public stories (their own or their districts')."""
    # Driven from the tag rows (indexed by region), each checked against its article by
    # primary key: joining from the articles side scans them all for every region.
    is_public = Exists(Article.objects.published().filter(pk=OuterRef("content_object")))
    public_tags = TaggedRegion.objects.filter(is_public)
    own = Exists(public_tags.filter(tag=OuterRef("pk")))
    districts = Exists(public_tags.filter(tag__parent=OuterRef("pk")))
    return list(
        Region.objects.filter(kind__in=[Region.Kind.CITY, Region.Kind.REGENCY])
        .filter(own | districts)
        .order_by("name")[:REGION_SHORTCUTS]
    )


@require_safe
@public_page
def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    articles = cards(Article.objects.published().filter(section=section))
    return render(
        request,
        "articles/section_detail.html",
        {"section": section, "page_obj": paginate(request, articles)},
    )


@require_safe
@public_page
def author_detail(request, pk):
    """A reporter's page: who they are and their stories. Only bylined reporters have one."""
    author = get_object_or_404(get_user_model(), pk=pk, is_active=True)
    page = paginate(request, cards(Article.objects.published().filter(reporters=author)))
    if not page.object_list:
        raise Http404
    return render(request, "articles/author_detail.html", {"author": author, "page_obj": page})


def _render_article(request, article):
    reply_to = article.reply_to if article.reply_to and article.reply_to.is_public else None
    corrections = list(article.corrections.all())
    modified_at = max([article.updated_at] + [c.created_at for c in corrections])
    response = render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "reporters": list(article.reporters.all()),
            "corrections": corrections,
            "modified_at": modified_at,
            "show_modified": bool(article.published_at)
            and modified_at - article.published_at > SHOWN_AS_UPDATED_AFTER,
            "reply_to": reply_to,
            "replies": article.public_replies,
            "related_articles": recommendations.related_articles_for(article),
        },
    )
    response["Last-Modified"] = http_date(modified_at.timestamp())
    return response


@require_safe
@public_page
def article_detail(request, slug):
    """A published story; a retracted one answers 410 with the reason, anything else 404."""
    article = article_page(Article.objects.published()).filter(slug=slug).first()
    if article is not None:
        return _render_article(request, article)
    retracted = Article.objects.filter(slug=slug, status=Article.Status.RETRACTED).first()
    if retracted is None:
        raise Http404
    return render(request, "articles/article_retracted.html", {"article": retracted}, status=410)


@require_safe
@staff_member_required
def article_preview(request, pk):
    article = get_object_or_404(article_page(Article.objects.all()), pk=pk)
    if not workflow.can_view(request.user, article):
        raise Http404  # Staff, but not allowed to see this story (another reporter's draft).
    response = _render_article(request, article)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@csrf_exempt
@require_POST
def article_read(request, pk):
    """The beacon the article page sends once read: counts a view, keeps nothing about the reader.

    Exempt from CSRF because it changes nothing that belongs to anyone.
    """
    pageviews.record_view(pk)
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


def _merged_or_404(model, slug):
    """A merged tag's old address answers 301 to the tag it went into; anything else 404."""
    moved_to = taxonomy.find_redirect(model._meta.model_name, slug)
    if moved_to is None:
        raise Http404
    return HttpResponsePermanentRedirect(moved_to)


def _tag_page(request, tag, articles, template, extra=None):
    page = paginate(request, cards(articles))
    return render(request, template, {"tag": tag, "page_obj": page, **(extra or {})})


@require_safe
@public_page
def region_detail(request, slug):
    """A place's stories, its districts' included, and the places inside it."""
    region = Region.objects.select_related("parent__parent").filter(slug=slug).first()
    if region is None:
        return _merged_or_404(Region, slug)
    children = list(region.children.order_by("name"))
    return _tag_page(
        request,
        region,
        region_articles(region),
        "articles/region_detail.html",
        {"children": children},
    )


@require_safe
@public_page
def official_detail(request, slug):
    """An official: photo, current position and its history, and the stories about them."""
    officials = Official.objects.select_related("photo", "region").prefetch_related("positions")
    official = officials.filter(slug=slug).first()
    if official is None:
        return _merged_or_404(Official, slug)
    return _tag_page(
        request,
        official,
        Article.objects.published().filter(officials=official),
        "articles/official_detail.html",
        {"position": official.current_position(), "positions": official.positions.all()},
    )


@require_safe
@public_page
def topic_detail(request, slug):
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None:
        return _merged_or_404(Topic, slug)
    articles = Article.objects.published().filter(topics=topic)
    return _tag_page(request, topic, articles, "articles/topic_detail.html")


@require_safe
@public_page
def correction_list(request):
    """Every correction and update on public stories, newest first (Pedoman Media Siber)."""
    public = Article.objects.published().filter(pk=OuterRef("article_id"))
    corrections = (
        Correction.objects.filter(Exists(public))
        # Fetched by id after the page is chosen: joined, SQLite would scan every article.
        .prefetch_related(Prefetch("article", queryset=cards(Article.objects.all())))
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "articles/correction_list.html",
        {"page_obj": paginate(request, corrections, per_page=20)},
    )


@require_safe
@public_page(query_params=("q", "halaman"))
def article_search(request):
    """Search results for ``?q=``, best first, with the matches highlighted."""
    query = search.clean_query(request.GET.get("q", ""))
    page = paginate_counted(request, search.search_articles(query))
    results = [(article, *search.highlighted(article, query)) for article in page]
    return render(
        request,
        "articles/article_search.html",
        {"query": query, "page_obj": page, "results": results},
    )


class ArchiveMixin:
    """The index by date ("Indeks"): public articles of a year, month or day, paginated."""

    date_field = "published_at"
    month_format = "%m"
    paginate_by = PAGE_SIZE
    page_kwarg = "halaman"
    allow_empty = True
    template_name = "articles/article_archive.html"
    http_method_names = ["get", "head"]

    def get_queryset(self):
        return cards(Article.objects.published())

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        """The years (or a year's months) from the first story to the last.

        Django lists the periods that have stories by truncating the date of every
        story, a scan of 100,000 rows on the index page; two index lookups suffice.
        A month's days, few stories, are still listed exactly.
        """
        period = date_type or self.get_date_list_period()
        if period == "day":
            return super().get_date_list(queryset, date_type, ordering)
        bounds = queryset.aggregate(first=Min("published_at"), last=Max("published_at"))
        if bounds["first"] is None:
            return []
        first, last = (timezone.localdate(bounds[end]) for end in ("first", "last"))
        if period == "year":
            periods = [date(year, 1, 1) for year in range(first.year, last.year + 1)]
        else:
            periods = [date(first.year, month, 1) for month in range(first.month, last.month + 1)]
        return periods[::-1] if ordering == "DESC" else periods


class ArchiveIndex(ArchiveMixin, ArchiveIndexView):
    date_list_period = "year"


class ArchiveYear(ArchiveMixin, YearArchiveView):
    make_object_list = True
    allow_empty = False


class ArchiveMonth(ArchiveMixin, MonthArchiveView):
    allow_empty = False


class ArchiveDay(ArchiveMixin, DayArchiveView):
    allow_empty = False


@require_safe
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")


def page_not_found(request, exception):
    """The 404 page in the site's design and language, whatever the browser prefers."""
    with translation.override(settings.LANGUAGE_CODE):
        return render(request, "404.html", status=404)


def server_error(request):
    """The 500 page: rendered without the request or the database, which may be what failed.

    When the database cannot be reached (restarting, overloaded) it is a 503 asking
    clients to retry soon: the next request reconnects by itself.
    """
    unavailable = isinstance(sys.exception(), (OperationalError, InterfaceError))
    context = {"site_name": settings.NEWSROOM_SITE_NAME, "unavailable": unavailable}
    with translation.override(settings.LANGUAGE_CODE):
        content = loader.get_template("500.html").render(context)
    if unavailable:
        return HttpResponse(content, status=503, headers={"Retry-After": "30"})
    return HttpResponseServerError(content)
