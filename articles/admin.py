from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.forms import ImageForm
from articles.models import Article, Image, Official, Region, Section, Topic

admin.site.site_header = _("Newsroom editorial desk")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Editorial desk")


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "caption", "credit", "width", "height", "created_at"]
    search_fields = ["caption", "credit", "alt_text"]
    readonly_fields = ["width", "height", "uploaded_by", "created_at"]

    @admin.display(description=_("preview"))
    def thumbnail(self, image):
        return format_html(
            '<img src="{}" alt="{}" width="96" loading="lazy">', image.file.url, image.alt_text
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("tagged_items"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, tag):
        return tag.article_count


@admin.register(Region)
class RegionAdmin(TagAdmin):
    list_display = ["name", "kind", "code", "parent", "article_count"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


@admin.register(Official)
class OfficialAdmin(TagAdmin):
    list_display = ["name", "position", "institution", "article_count"]
    search_fields = ["name", "aliases", "position"]
    autocomplete_fields = ["region", "photo"]


@admin.register(Topic)
class TopicAdmin(TagAdmin):
    pass


class MineFilter(admin.SimpleListFilter):
    title = _("mine")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", _("My articles"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.owned_by(request.user)
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "section", "byline", "published_at", "updated_at"]
    list_filter = [MineFilter, "status", "section", "reporters"]
    list_select_related = ["section"]
    search_fields = ["title", "lead"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["section", "reporters", "editor", "featured_image", "reply_to"]
    readonly_fields = ["status", "word_count", "reading_time", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["kicker", "title", "slug", "lead", "dateline", "body"]}),
        (_("Photo"), {"fields": ["featured_image"]}),
        (_("Classification"), {"fields": ["section", "regions", "officials", "topics"]}),
        (_("Byline"), {"fields": ["reporters", "editor"]}),
        (
            _("Publication"),
            {"fields": ["status", "published_at", "word_count", "reading_time"]},
        ),
        (
            _("Search engines"),
            {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("reporters")

    @admin.display(description=_("reporters"))
    def byline(self, article):
        return ", ".join(r.get_full_name() or r.username for r in article.reporters.all())

    @admin.display(description=_("preview"))
    def preview_link(self, article):
        url = reverse("articles:article_preview", kwargs={"pk": article.pk})
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("Preview"))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
