import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from taggit.models import Tag

from articles import dashboard, images, revisions, taxonomy, workflow
from articles.forms import ArticleTagFields, ImageForm
from articles.models import (
    Article,
    ArticleRevision,
    Correction,
    EditorialComment,
    Image,
    Official,
    OfficialPosition,
    Region,
    Section,
    Topic,
)
from articles.recommendations.admin import RELATED_INLINES

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
    list_display = ["thumbnail", "__str__", "credit", "width", "height", "uploaded_by"]
    list_select_related = ["uploaded_by"]
    search_fields = ["caption", "credit", "alt_text"]
    fieldsets = [
        (None, {"fields": ["file", "thumbnail", "alt_text", "caption", "credit"]}),
        (_("Details"), {"fields": [("width", "height"), "uploaded_by", "created_at"]}),
    ]
    readonly_fields = ["thumbnail", "width", "height", "uploaded_by", "created_at"]

    @admin.display(description=_("preview"))
    def thumbnail(self, image):
        if not image.file:
            return self.get_empty_value_display()
        smallest = images.rendition(image, 0)  # Nothing is narrower than 0: the smallest.
        return format_html(
            '<img src="{}" alt="{}" width="96" height="{}" loading="lazy">',
            smallest["url"],
            image.alt_text,
            round(96 * smallest["height"] / max(smallest["width"], 1)),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        # Here and not in Image.save(): saving a model has no side effects (house style).
        images.process_image(obj)


# Articles are tagged with the three kinds below; taggit's generic Tag is never used.
admin.site.unregister(Tag)


class TagUsageFilter(admin.SimpleListFilter):
    title = _("usage")
    parameter_name = "usage"

    def lookups(self, request, model_admin):
        return [("unused", _("Not on any article")), ("used", _("On articles"))]

    def queryset(self, request, queryset):
        if self.value() == "unused":
            return queryset.filter(article_count=0)
        if self.value() == "used":
            return queryset.filter(article_count__gt=0)
        return queryset


class TagAdmin(admin.ModelAdmin):
    """Shared by the three tag kinds: usage counts, stable slugs, merging, suggestions."""

    list_display = ["name", "slug", "article_count"]
    list_filter = [TagUsageFilter]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_selected"]
    # Whether the article form asks this kind for suggestions (articles.taxonomy).
    suggests = False

    def get_queryset(self, request):
        # Meta.ordering does not apply to grouped queries; the autocomplete pages need one.
        return (
            super()
            .get_queryset(request)
            .annotate(article_count=Count("tagged_items"))
            .order_by(*self.opts.ordering)
        )

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, tag):
        return tag.article_count

    # A slug is an address readers and search engines keep: renaming never changes it.
    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, "slug"] if obj else readonly

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else super().get_prepopulated_fields(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        taxonomy.tags_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        taxonomy.tags_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        taxonomy.tags_changed()

    def has_merge_permission(self, request):
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(description=_("Merge selected tags"), permissions=["merge"])
    def merge_selected(self, request, queryset):
        """Ask which tag to keep, then merge the others into it (articles.taxonomy)."""
        tags = list(queryset.order_by("-article_count", "pk"))
        if len(tags) < 2:
            self.message_user(request, _("Select at least two tags to merge."), messages.ERROR)
            return None
        target = next((tag for tag in tags if str(tag.pk) == request.POST.get("target")), None)
        if target is None:
            return TemplateResponse(
                request,
                "admin/articles/tag_merge.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "title": _("Merge %(name)s") % {"name": self.opts.verbose_name_plural},
                    "tags": tags,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        moved = 0
        try:
            for source in tags:
                if source != target:
                    moved += taxonomy.merge_tags(source, target)
        except taxonomy.TaxonomyError as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        self.message_user(
            request,
            _("Merged into “%(name)s”: %(count)d article tags moved; the old pages redirect there.")
            % {"name": target.name, "count": moved},
            messages.SUCCESS,
        )
        return None

    def get_urls(self):
        if not self.suggests:
            return super().get_urls()
        view = self.admin_site.admin_view(require_POST(self.suggest_view))
        name = f"{self.opts.app_label}_{self.opts.model_name}_suggest"
        return [path("suggest/", view, name=name), *super().get_urls()]

    def suggest_view(self, request):
        """The tags of this kind named in a draft's posted title, lead and body (JSON).

        Answers in the format of Django's autocomplete, for static/admin/js/tag_suggestions.js.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        entries = taxonomy.suggest_tags(
            *(request.POST.get(field, "") for field in ("title", "lead", "body"))
        )
        kind = self.opts.model_name
        return JsonResponse(
            {"results": [{"id": e.pk, "text": e.name} for e in entries if e.kind == kind]}
        )


@admin.register(Region)
class RegionAdmin(TagAdmin):
    list_display = ["name", "kind", "code", "parent", "article_count"]
    list_filter = ["kind", TagUsageFilter]
    list_select_related = ["parent"]
    search_fields = ["name", "official_name", "code", "aliases"]
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "official_name", "kind", "code", "parent", "aliases", "description"]
    suggests = True


class OfficialPositionInline(admin.TabularInline):
    model = OfficialPosition
    fields = ["title", "institution", "region", "start", "end"]
    autocomplete_fields = ["region"]
    extra = 0


@admin.register(Official)
class OfficialAdmin(TagAdmin):
    list_display = ["name", "position", "institution", "region", "article_count"]
    list_select_related = ["region"]
    search_fields = ["name", "aliases", "position"]
    autocomplete_fields = ["region", "photo"]
    inlines = [OfficialPositionInline]
    suggests = True


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


class ArticleAdminForm(ArticleTagFields, forms.ModelForm):
    """The article form: remembers the version it was loaded at and re-checks the rules on save.

    ``user`` is set per request by ``ArticleAdmin.get_form``.
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    COUNTED_FIELDS = ("title", "lead", "seo_title", "seo_description")
    CHECKLIST_FIELDS = (
        "lead",
        "featured_image",
        "section",
        "identifies_child",
        "identifies_sexual_violence_victim",
    )
    SENSITIVE_FIELDS = ("identifies_child", "identifies_sexual_violence_victim")

    class Meta:
        model = Article
        # ArticleAdmin's fieldsets decide what is shown; this is what may ever be edited.
        fields = [
            *revisions.TEXT_FIELDS,
            *revisions.LABEL_FIELDS,
            "slug",
            "featured_image",
            "section",
            "regions",
            "officials",
            "topics",
            "reporters",
            "editor",
            "deadline",
            "identifies_child",
            "identifies_sexual_violence_victim",
            "reply_to",
            "inline_related",
        ]

    class Media:
        js = ["admin/js/character_counter.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.COUNTED_FIELDS:
            if name in self.fields:
                self.fields[name].widget.attrs["data-character-counter"] = ""
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version
            self.fields["expected_version"].required = True

    def clean_editor(self):
        editor = self.cleaned_data.get("editor")
        if editor is not None and not editor.has_perm("articles.review_article"):
            raise ValidationError(
                _("%(name)s cannot review articles.")
                % {"name": editor.get_full_name() or editor.username}
            )
        return editor

    def clean_reply_to(self):
        reply_to = self.cleaned_data.get("reply_to")
        if reply_to is None or reply_to.pk == self.instance.reply_to_id:
            return reply_to
        if reply_to.pk == self.instance.pk:
            raise ValidationError(_("An article cannot be a right of reply to itself."))
        if not reply_to.is_public:
            raise ValidationError(_("A right of reply answers a published article."))
        return reply_to

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        try:
            locked = revisions.lock_for_edit(self.instance, cleaned_data.get("expected_version"))
        except revisions.EditConflict as conflict:
            # The typed text stays in the form; saving again is then a deliberate overwrite.
            self.data = self.data.copy()
            self.data[self.add_prefix("expected_version")] = conflict.article.version
            raise ValidationError(conflict.message) from None
        if not workflow.can_edit(self.user, locked):
            raise ValidationError(_("You may no longer edit this article."))
        self.locked_version = locked.version
        candidate = copy.copy(locked)
        for name in self.CHECKLIST_FIELDS:
            if name in cleaned_data:
                setattr(candidate, name, cleaned_data[name])
        # Changing an answer to "yes" needs the editor-in-chief; keeping one does not.
        answers_changed = any(
            getattr(candidate, name) != getattr(locked, name) for name in self.SENSITIVE_FIELDS
        )
        failures = workflow.edit_checklist_failures(
            candidate,
            self.user if answers_changed else None,
            regions=cleaned_data.get("regions") if "regions" in self.fields else None,
        )
        for failure in failures:
            self.add_error(None, failure.message)
        return cleaned_data


class TransitionForm(forms.Form):
    """What a transition asks for. Whether it is enough is decided by ``apply_transition``."""

    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    publish_at = forms.DateTimeField(
        label=_("Publish time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, transition, *args, **kwargs):
        kwargs.setdefault("prefix", transition.name)
        super().__init__(*args, **kwargs)
        comment = self.fields["comment"]
        comment.label = transition.comment_label or _("Comment (optional)")
        if transition.requires_comment:
            comment.widget.attrs["required"] = True
        if transition.requires_time:
            self.fields["publish_at"].widget.attrs["required"] = True
        else:
            del self.fields["publish_at"]
        self.transition = transition

    def apply(self, article, user):
        """Apply the transition with what was typed; raises TransitionError when refused."""
        return workflow.apply_transition(
            article,
            self.transition.name,
            user,
            comment=self.cleaned_data.get("comment", ""),
            publish_at=self.cleaned_data.get("publish_at"),
        )


def _read_only_name(field):
    return "rendered_body" if field == "body" else field


def _transition_action(transition):
    def action(modeladmin, request, queryset):
        return modeladmin.bulk_transition(request, queryset, transition)

    action.__name__ = f"transition_{transition.name}"
    return action


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = RELATED_INLINES
    list_display = [
        "title",
        "status",
        "section",
        "byline",
        "editor",
        "deadline",
        "published_at",
        "updated_at",
    ]
    list_filter = [MineFilter, "status", "section", "reporters", "editor"]
    list_select_related = ["section", "editor"]
    search_fields = ["title", "lead"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["section", "reporters", "editor", "featured_image", "reply_to"]
    # The workflow's fields change only through its transitions.
    readonly_fields = [
        "status",
        "published_at",
        "preview_link",
        "right_of_reply_links",
        "word_count",
        "reading_time",
        "created_at",
        "updated_at",
    ]
    # Only people who review assign the editor and set the deadline.
    review_fields = ["editor", "deadline"]
    fieldsets = [
        (None, {"fields": ["kicker", "title", "slug", "lead", "dateline", "body"]}),
        (_("Photo"), {"fields": ["featured_image"]}),
        (_("Classification"), {"fields": ["section", "regions", "officials", "topics"]}),
        (_("Byline and review"), {"fields": ["reporters", "editor", "deadline"]}),
        (
            _("Labels readers see"),
            {"fields": ["is_sponsored", "is_unverified", "is_ai_assisted"]},
        ),
        (
            _("Sensitive content (Dewan Pers)"),
            {
                "fields": ["identifies_child", "identifies_sexual_violence_victim"],
                "description": _(
                    "Answer both before review. A “yes” needs the editor-in-chief's approval."
                ),
            },
        ),
        (_("Right of reply"), {"fields": ["reply_to", "right_of_reply_links"]}),
        (_("Related stories"), {"fields": ["inline_related"]}),
        (
            _("Publication"),
            {"fields": ["status", "published_at", "preview_link", "word_count", "reading_time"]},
        ),
        (
            _("Search engines"),
            {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]},
        ),
    ]

    # Who sees and changes what: the rules live in articles.workflow.

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("reporters")
        return workflow.visible_articles(request.user, queryset)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or workflow.can_view(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or workflow.can_delete(request.user, obj))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or workflow.can_edit(request.user, obj):
            return fieldsets
        # Read-only, the body is shown as readers see it rather than as escaped HTML.
        return [
            (name, {**options, "fields": [_read_only_name(f) for f in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not workflow.can_edit(request.user, obj):
            return flatten_fieldsets(self.get_fieldsets(request, obj))
        fields = list(self.readonly_fields)
        if not request.user.has_perm("articles.review_article"):
            fields += self.review_fields
        if obj is not None and obj.published_at is not None:
            fields.append("slug")  # Its URL is out in the world: it must not break.
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        if "slug" in self.get_readonly_fields(request, obj):
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting in bulk would skip the per-article rule of can_delete.
        actions.pop("delete_selected", None)
        for transition in workflow.TRANSITIONS.values():
            if request.user.has_perm(transition.permission):
                action = _transition_action(transition)
                actions[action.__name__] = (action, action.__name__, transition.label)
        return actions

    # Saving: optimistic locking, byline default and a revision per save.

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.save()
            return
        obj.version = form.locked_version + 1
        columns = [f.name for f in Article._meta.concrete_fields if f.name in form.cleaned_data]
        # Only what the form edits: a transition saved meanwhile keeps its status.
        obj.save(update_fields=[*columns, "version", "slug", "updated_at"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        if not change and not article.reporters.exists():
            article.reporters.add(request.user)
        revisions.record_revision(article, request.user)
        workflow.content_changed(article)

    def view_on_site(self, article):
        # The public URL of a story readers cannot see is a 404: the preview is linked instead.
        return article.get_absolute_url() if article.is_public else None

    # Read-only displays.

    @admin.display(description=_("reporters"))
    def byline(self, article):
        return ", ".join(r.get_full_name() or r.username for r in article.reporters.all())

    @admin.display(description=_("body"))
    def rendered_body(self, article):
        # Safe: the body is cleaned by an allow-list sanitiser every time it is saved.
        return mark_safe(article.body)

    @admin.display(description=_("preview"))
    def preview_link(self, article):
        if article.pk is None:
            return self.get_empty_value_display()
        url = reverse("articles:article_preview", kwargs={"pk": article.pk})
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("Preview"))

    @admin.display(description=_("links"))
    def right_of_reply_links(self, article):
        links = []
        if article.reply_to_id:
            links.append(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("This is a right of reply to"),
                    reverse("admin:articles_article_change", args=[article.reply_to_id]),
                    article.reply_to,
                )
            )
        for reply in article.replies.all() if article.pk else []:
            links.append(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Right of reply:"),
                    reverse("admin:articles_article_change", args=[reply.pk]),
                    reply,
                )
            )
        return format_html_join(mark_safe("<br>"), "{}", ((link,) for link in links)) or (
            self.get_empty_value_display()
        )

    # The change page: workflow buttons, checklist, history, comments, corrections.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.editorial_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def editorial_context(self, request, article):
        """What the change page shows around the form, for ``request.user``."""
        user = request.user
        now = timezone.now()
        history = list(article.transitions.select_related("actor"))
        return {
            "workflow_forms": [
                TransitionForm(transition)
                for transition in workflow.available_transitions(article, user)
            ],
            "checklist_failures": workflow.checklist_failures(article, user),
            "history": history,
            "time_in_states": [
                (status.label, timesince(now - duration, now))
                for status, duration in workflow.time_in_states(article, history, now)
            ],
            "editorial_comments": article.comments.select_related("author"),
            "can_comment": workflow.can_comment(user, article),
            "corrections": article.corrections.select_related("created_by"),
            "can_add_correction": user.has_perm("articles.add_correction") and article.is_public,
            "correction_kinds": Correction.Kind.choices,
            "latest_revision": revisions.latest_revision(article),
            "is_overdue": (
                article.deadline is not None
                and article.deadline < now
                and article.status in dashboard.UNFINISHED_STATUSES
            ),
        }

    def get_urls(self):
        def view(function, post_only=False):
            return self.admin_site.admin_view(require_POST(function) if post_only else function)

        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("dashboard/", view(self.dashboard_view), name=f"{name}_dashboard"),
            path(
                "<path:object_id>/transition/<slug:transition>/",
                view(self.transition_view, post_only=True),
                name=f"{name}_transition",
            ),
            path(
                "<path:object_id>/comment/",
                view(self.comment_view, post_only=True),
                name=f"{name}_comment",
            ),
            path(
                "<path:object_id>/correction/",
                view(self.correction_view, post_only=True),
                name=f"{name}_correction",
            ),
            path(
                "<path:object_id>/revisions/", view(self.revisions_view), name=f"{name}_revisions"
            ),
            path(
                "<path:object_id>/revisions/compare/",
                view(self.revision_compare_view),
                name=f"{name}_revision_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                view(self.revision_restore_view, post_only=True),
                name=f"{name}_revision_restore",
            ),
            *super().get_urls(),
        ]

    def _visible_article(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_view_permission(request, article):
            raise Http404
        return article

    def _change_page(self, article, anchor=""):
        return redirect(reverse("admin:articles_article_change", args=[article.pk]) + anchor)

    def transition_view(self, request, object_id, transition):
        """POST: one workflow button; ``apply_transition`` decides."""
        article = self._visible_article(request, object_id)
        if transition not in workflow.TRANSITIONS:
            raise Http404
        form = TransitionForm(workflow.TRANSITIONS[transition], request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for e in form.errors.values()))
            return self._change_page(article)
        try:
            article = form.apply(article, request.user)
        except workflow.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("“%(title)s” is now “%(status)s”.")
                % {"title": article, "status": article.get_status_display()},
            )
        return self._change_page(article)

    def bulk_transition(self, request, queryset, transition):
        """An admin action: each article through ``apply_transition``, refusals reported."""
        applying = "apply" in request.POST
        if (transition.requires_comment or transition.requires_time) and not applying:
            return self._bulk_transition_page(request, queryset, TransitionForm(transition))
        form = TransitionForm(transition, request.POST if applying else {})
        if not form.is_valid():
            return self._bulk_transition_page(request, queryset, form)
        done = 0
        for article in queryset:
            try:
                form.apply(article, request.user)
            except workflow.TransitionError as error:
                messages.warning(request, f"“{article}”: {error}")
            else:
                done += 1
        if done:
            messages.success(
                request,
                ngettext(
                    "%(action)s: %(count)d article.",
                    "%(action)s: %(count)d articles.",
                    done,
                )
                % {"action": transition.label, "count": done},
            )
        return None

    def _bulk_transition_page(self, request, queryset, form):
        """The page between choosing a bulk action and applying it, asking for its input."""
        return TemplateResponse(
            request,
            "admin/articles/article/bulk_transition.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": form.transition.label,
                "form": form,
                "articles": queryset,
                "action_name": f"transition_{form.transition.name}",
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def comment_view(self, request, object_id):
        """POST: a note in the article's internal comment thread."""
        article = self._visible_article(request, object_id)
        if not workflow.can_comment(request.user, article):
            raise PermissionDenied
        text = request.POST.get("text", "").strip()
        if text:
            EditorialComment.objects.create(article=article, author=request.user, text=text)
        return self._change_page(article, "#editorial-comments")

    def correction_view(self, request, object_id):
        """POST: a correction or update note, through ``workflow.add_correction``."""
        article = self._visible_article(request, object_id)
        try:
            workflow.add_correction(
                article, request.user, request.POST.get("text", ""), request.POST.get("kind", "")
            )
        except workflow.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The correction is published with the article."))
        return self._change_page(article, "#corrections")

    def revisions_view(self, request, object_id):
        """The article's revisions, newest first, to compare or restore."""
        article = self._visible_article(request, object_id)
        return TemplateResponse(
            request,
            "admin/articles/article/revisions.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": article,
                "title": _("Revisions of “%(title)s”") % {"title": article},
                "revisions": article.revisions.select_related("created_by"),
                "can_restore": workflow.can_edit(request.user, article),
            },
        )

    def revision_compare_view(self, request, object_id):
        """A readable diff between two revisions (``?from=<id>&to=<id>``)."""
        article = self._visible_article(request, object_id)
        try:
            old = article.revisions.get(pk=request.GET.get("from"))
            new = article.revisions.get(pk=request.GET.get("to"))
        except (ArticleRevision.DoesNotExist, ValueError):
            raise Http404 from None
        return TemplateResponse(
            request,
            "admin/articles/article/revision_compare.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": article,
                "title": _("Changes in “%(title)s”") % {"title": article},
                "old": old,
                "new": new,
                "changes": revisions.diff_revisions(old, new),
            },
        )

    def revision_restore_view(self, request, object_id, revision_id):
        """POST: restore one revision, which becomes a new revision."""
        article = self._visible_article(request, object_id)
        revision = get_object_or_404(article.revisions, pk=revision_id)
        try:
            revisions.restore_revision(revision, request.user)
        except revisions.RevisionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Version %(version)d is restored.") % {"version": revision.version}
            )
        return self._change_page(article)

    def dashboard_view(self, request):
        """The editorial dashboard: queues, deadlines, schedule, the user's own stories."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/articles/dashboard.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Editorial dashboard"),
                "lists": dashboard.editorial_dashboard(request.user),
                "can_review": request.user.has_perm("articles.review_article"),
            },
        )
