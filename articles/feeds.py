"""RSS 2.0 feeds: the latest stories, and per section, region, official and topic.

Each item carries its authors, categories (section and tags), publication date,
a permanent guid and the featured photo (as an enclosure and Media RSS).
"""

from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from articles import images
from articles.models import Article, Official, Region, Section, Topic
from articles.views import region_articles

ITEM_COUNT = 30
IMAGE_WIDTH = 1200
MEDIA_RSS = "http://search.yahoo.com/mrss/"


class MediaRssFeed(Rss201rev2Feed):
    """RSS 2.0 with the channel's logo and each item's photo as ``media:content``."""

    content_type = "application/rss+xml; charset=utf-8"

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:media": MEDIA_RSS}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        handler.startElement("image", {})
        handler.addQuickElement("url", urljoin(self.feed["link"], self.feed["logo"]))
        handler.addQuickElement("title", self.feed["title"])
        handler.addQuickElement("link", self.feed["link"])
        handler.endElement("image")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        photo = item["photo"]
        if photo is None:
            return
        url = urljoin(item["link"], photo["url"])
        # The size of a rendition is not known without touching storage; 0 is the
        # RSS Best Practices value for "unknown".
        handler.addQuickElement("enclosure", "", {"url": url, "length": "0", "type": "image/jpeg"})
        handler.startElement(
            "media:content",
            {
                "url": url,
                "medium": "image",
                "type": "image/jpeg",
                "width": str(photo["width"]),
                "height": str(photo["height"]),
            },
        )
        if photo["caption"]:
            handler.addQuickElement("media:description", photo["caption"])
        if photo["credit"]:
            handler.addQuickElement("media:credit", photo["credit"])
        handler.endElement("media:content")


class LatestArticlesFeed(Feed):
    """The newest public stories of the whole site."""

    feed_type = MediaRssFeed
    language = "id"

    def title(self, obj=None):
        return settings.NEWSROOM_SITE_NAME

    def description(self, obj=None):
        return settings.NEWSROOM_SITE_TAGLINE

    def link(self, obj=None):
        return reverse("articles:home")

    def feed_extra_kwargs(self, obj):
        return {"logo": static("img/logo-publisher.png")}

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        return (
            self.articles(obj)
            .select_related("section", "featured_image")
            .defer("body", "search_vector")
            .prefetch_related("reporters", "regions", "officials", "topics")[:ITEM_COUNT]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # RSS readers render the description as HTML; the lead is plain text.
        return escape(item.lead)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return ", ".join(reporter.get_full_name() for reporter in item.reporters.all()) or None

    def item_categories(self, item):
        names = [item.section.name] if item.section else []
        tags = [*item.regions.all(), *item.officials.all(), *item.topics.all()]
        return names + [tag.name for tag in tags]

    def item_guid_is_permalink(self, item):
        return True

    def item_extra_kwargs(self, item):
        image = item.featured_image
        if image is None:
            return {"photo": None}
        chosen = images.rendition(image, IMAGE_WIDTH)
        return {"photo": {**chosen, "caption": image.caption, "credit": image.credit}}


class _TagFeed(LatestArticlesFeed):
    model = None

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def title(self, obj=None):
        return f"{obj.name} – {settings.NEWSROOM_SITE_NAME}"

    def description(self, obj=None):
        return _("The latest stories about %(name)s.") % {"name": escape(obj.name)}

    def link(self, obj=None):
        return obj.get_absolute_url()


class SectionFeed(_TagFeed):
    model = Section

    def articles(self, obj):
        return Article.objects.published().filter(section=obj)


class RegionFeed(_TagFeed):
    model = Region

    def articles(self, obj):
        return region_articles(obj)


class OfficialFeed(_TagFeed):
    model = Official

    def articles(self, obj):
        return Article.objects.published().filter(officials=obj)


class TopicFeed(_TagFeed):
    model = Topic

    def articles(self, obj):
        return Article.objects.published().filter(topics=obj)
