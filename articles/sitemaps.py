"""``sitemap.xml``: an index of article, section, region, official and topic sitemaps,
plus a Google News sitemap of the last 48 hours.

Only public articles are listed, and only the pages that show some; ``lastmod`` is
the articles' modified time (a correction moves it).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from articles.models import (
    Article,
    Official,
    Region,
    Section,
    TaggedOfficial,
    TaggedRegion,
    TaggedTopic,
    Topic,
)

NEWS_WINDOW = timedelta(hours=48)
# Google News reads at most this many URLs from a news sitemap.
NEWS_LIMIT = 1000


class ArticleSitemap(Sitemap):
    limit = 10000

    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("-published_at")

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        # Django's default would load every item to find the newest.
        return self.items().aggregate(newest=Max("updated_at"))["newest"]


class NewsSitemap(ArticleSitemap):
    """Articles published in the last 48 hours, for Google News."""

    limit = NEWS_LIMIT
    language = "id"

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .only("slug", "title", "published_at", "updated_at")
            .order_by("-published_at")
        )

    def publication_name(self):
        return settings.NEWSROOM_SITE_NAME


def _latest_change(tagged):
    """The modified time of the newest public article among the ``tagged`` rows."""
    newest = tagged.filter(content_object__in=Article.objects.published()).order_by(
        "-content_object__updated_at"
    )
    return Subquery(newest.values("content_object__updated_at")[:1])


class _WithArticlesSitemap(Sitemap):
    """Pages of things that have public articles, dated by their newest one."""

    def lastmod(self, item):
        return item.latest_change

    def items(self):
        return self.queryset().filter(latest_change__isnull=False).order_by("pk")


class SectionSitemap(_WithArticlesSitemap):
    def queryset(self):
        newest = Article.objects.published().filter(section=OuterRef("pk")).order_by("-updated_at")
        return Section.objects.annotate(latest_change=Subquery(newest.values("updated_at")[:1]))


class RegionSitemap(_WithArticlesSitemap):
    def queryset(self):
        # A region's page also shows its districts' stories (see views.region_articles).
        inside = Q(tag=OuterRef("pk")) | Q(tag__parent=OuterRef("pk"))
        inside |= Q(tag__parent__parent=OuterRef("pk"))
        return Region.objects.annotate(
            latest_change=_latest_change(TaggedRegion.objects.filter(inside))
        )


class OfficialSitemap(_WithArticlesSitemap):
    def queryset(self):
        tagged = TaggedOfficial.objects.filter(tag=OuterRef("pk"))
        return Official.objects.annotate(latest_change=_latest_change(tagged))


class TopicSitemap(_WithArticlesSitemap):
    def queryset(self):
        tagged = TaggedTopic.objects.filter(tag=OuterRef("pk"))
        return Topic.objects.annotate(latest_change=_latest_change(tagged))


SITEMAPS = {
    "berita": ArticleSitemap,
    "berita-terkini": NewsSitemap,
    "rubrik": SectionSitemap,
    "wilayah": RegionSitemap,
    "tokoh": OfficialSitemap,
    "topik": TopicSitemap,
}
TEMPLATES = {"berita-terkini": "sitemaps/news.xml"}


def index(request):
    """``sitemap.xml``: the list of sitemaps, each with its newest change."""
    return sitemap_views.index(
        request,
        SITEMAPS,
        template_name="sitemaps/index.xml",
        sitemap_url_name="articles:sitemap_section",
    )


def section(request, section):
    """One sitemap of the index (``sitemap-berita.xml``, ``sitemap-berita-terkini.xml``...)."""
    if section not in SITEMAPS:
        raise Http404
    return sitemap_views.sitemap(
        request,
        {section: SITEMAPS[section]},
        section=section,
        template_name=TEMPLATES.get(section, "sitemaps/sitemap.xml"),
    )
