from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("rubrik/<slug:slug>/", views.section_detail, name="section_detail"),
    path("berita/<slug:slug>/", views.article_detail, name="article_detail"),
    path("wilayah/<slug:slug>/", views.region_detail, name="region_detail"),
    path("tokoh/<slug:slug>/", views.official_detail, name="official_detail"),
    path("topik/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("pratinjau/<int:pk>/", views.article_preview, name="article_preview"),
]
