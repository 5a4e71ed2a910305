"""The article form's related-story parts: pins and exclusions to edit, reasons to read."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from articles import workflow
from articles.models import RelatedArticle, RelatedExclusion, RelatedPin
from articles.recommendations.display import reason_text


class SavedArticleInline(admin.TabularInline):
    """A part of a saved article's form: it does not show on the "add" page."""

    fk_name = "article"
    extra = 0

    def get_queryset(self, request):
        # Django checks the view permission here without the article, which
        # would hide every row; the formset itself keeps to the article's rows.
        return self.model._default_manager.select_related("related")

    def has_view_permission(self, request, obj=None):
        return obj is not None and request.user.has_perm("articles.view_article")


class EditorChoiceInline(SavedArticleInline):
    """Whoever may edit the article may choose its related stories."""

    autocomplete_fields = ["related"]

    def has_add_permission(self, request, obj=None):
        return obj is not None and workflow.can_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


class RelatedPinInline(EditorChoiceInline):
    model = RelatedPin
    fields = ["related", "order"]
    verbose_name = _("pinned related story")
    verbose_name_plural = _("“Read also”: pinned stories (shown first, in this order)")


class RelatedExclusionInline(EditorChoiceInline):
    model = RelatedExclusion
    fields = ["related"]
    verbose_name = _("excluded related story")
    verbose_name_plural = _("“Read also”: stories never to show")


class RelatedArticleInline(SavedArticleInline):
    """The stored block with the reasons each story was chosen, for editors to read."""

    model = RelatedArticle
    fields = ["rank", "related", "reasons_text", "score"]
    readonly_fields = fields
    verbose_name_plural = _("“Read also”: chosen stories and why")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("reasons"))
    def reasons_text(self, link):
        return reason_text(link.reasons)


RELATED_INLINES = [RelatedPinInline, RelatedExclusionInline, RelatedArticleInline]
