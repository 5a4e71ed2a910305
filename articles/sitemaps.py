"""``sitemap.xml``: an index of article, section, region, official and topic sitemaps,
plus a Google News sitemap of the last 48 hours.

Only public articles are listed, and only the pages that show some; an article's
``lastmod`` is its modified time (a correction moves it).
"""

from datetime import timedelta
from functools import reduce
from operator import or_

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Exists, Max, OuterRef, Subquery
from django.http import Http404
from django.utils import timezone

from articles.models import Article, Official, Region, Section, Topic

NEWS_WINDOW = timedelta(hours=48)
# Google News reads at most this many URLs from a news sitemap.
NEWS_LIMIT = 1000


class ArticleSitemap(Sitemap):
    limit = 5000

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

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .only("slug", "title", "published_at", "updated_at")
            .order_by("-published_at")
        )


class SectionSitemap(Sitemap):
    """Section pages, dated by their newest story: a listing changes when a story is added."""

    def items(self):
        newest = Article.objects.published().filter(section=OuterRef("pk"))
        latest = Subquery(newest.order_by("-published_at").values("published_at")[:1])
        return (
            Section.objects.annotate(latest_story=latest)
            .filter(latest_story__isnull=False)
            .order_by("order", "pk")
        )

    def lastmod(self, section):
        return section.latest_story


class _TagSitemap(Sitemap):
    """The pages of regions, officials or topics that have public stories.

    Undated: the newest story of each of thousands of tags would cost a scan of
    the articles per tag at 100,000 articles, while crawlers reach these pages
    through the dated article sitemaps anyway.
    """

    model = None
    # The ways an article can be about the tag (a region also through its districts).
    lookups = ()

    def items(self):
        public = Article.objects.published()
        about = [Exists(public.filter(**{lookup: OuterRef("pk")})) for lookup in self.lookups]
        return self.model.objects.filter(reduce(or_, about)).order_by("pk")


class RegionSitemap(_TagSitemap):
    model = Region
    lookups = ("regions", "regions__parent", "regions__parent__parent")


class OfficialSitemap(_TagSitemap):
    model = Official
    lookups = ("officials",)


class TopicSitemap(_TagSitemap):
    model = Topic
    lookups = ("topics",)


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
