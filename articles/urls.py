from django.urls import path
from django.views.generic import TemplateView

from articles import feeds, sitemaps, views
from articles.caching import public_page

app_name = "articles"


def static_page(template_name):
    return public_page(TemplateView.as_view(template_name=template_name))


urlpatterns = [
    path("", views.home, name="home"),
    path("rubrik/<slug:slug>/", views.section_detail, name="section_detail"),
    path("berita/<slug:slug>/", views.article_detail, name="article_detail"),
    path("penulis/<int:pk>/", views.author_detail, name="author_detail"),
    path("wilayah/<str:slug>/", views.region_detail, name="region_detail"),
    path("tokoh/<str:slug>/", views.official_detail, name="official_detail"),
    path("topik/<str:slug>/", views.topic_detail, name="topic_detail"),
    path("indeks/", public_page(views.ArchiveIndex.as_view()), name="archive"),
    path("indeks/<int:year>/", public_page(views.ArchiveYear.as_view()), name="archive_year"),
    path(
        "indeks/<int:year>/<int:month>/",
        public_page(views.ArchiveMonth.as_view()),
        name="archive_month",
    ),
    path(
        "indeks/<int:year>/<int:month>/<int:day>/",
        public_page(views.ArchiveDay.as_view()),
        name="archive_day",
    ),
    path("ralat/", views.correction_list, name="correction_list"),
    path("cari/", views.article_search, name="search"),
    path("tentang/", static_page("articles/about.html"), name="about"),
    path(
        "pedoman-media-siber/",
        static_page("articles/cyber_media_guidelines.html"),
        name="guidelines",
    ),
    path("rss/", public_page(feeds.LatestArticlesFeed()), name="feed"),
    path("rss/rubrik/<slug:slug>/", public_page(feeds.SectionFeed()), name="section_feed"),
    path("rss/wilayah/<str:slug>/", public_page(feeds.RegionFeed()), name="region_feed"),
    path("rss/tokoh/<str:slug>/", public_page(feeds.OfficialFeed()), name="official_feed"),
    path("rss/topik/<str:slug>/", public_page(feeds.TopicFeed()), name="topic_feed"),
    path("sitemap.xml", public_page(sitemaps.index), name="sitemap_index"),
    path("sitemap-<slug:section>.xml", public_page(sitemaps.section), name="sitemap_section"),
    path("robots.txt", public_page(views.robots_txt), name="robots_txt"),
    path("statistik/baca/<int:pk>/", views.article_read, name="article_read"),
    path("pratinjau/<int:pk>/", views.article_preview, name="article_preview"),
]
