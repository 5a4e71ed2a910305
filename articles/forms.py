import json

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from articles import images, taxonomy
from articles.models import Article, Image


class ImageForm(forms.ModelForm):
    """Photo upload: the file is checked by content (articles.images) before anything is stored."""

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit"]
        # A plain file field: clean_file gives clearer errors than Django's ImageField check,
        # which would call a decompression bomb "not an image".
        field_classes = {"file": forms.FileField}
        widgets = {
            "file": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "JPEG, PNG or WebP, at most %(limit)s. Location and camera data are removed on saving."
        ) % {"limit": filesizeformat(settings.NEWSROOM_IMAGE_MAX_BYTES)}

    def clean_file(self):
        file = self.cleaned_data["file"]
        if isinstance(file, UploadedFile):  # Not when the stored file is kept on an edit.
            file = images.clean_upload(file)
        return file


class TagAutocomplete(AutocompleteSelectMultiple):
    """The admin's autocomplete over one tag kind, which also shows tags typed in anew."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, [item for item in value if item.isdigit()], attr)
        options = groups[0][1]
        for text in value:
            if not text.isdigit():
                options.append(self.create_option(name, text, text, True, len(options)))
        return groups


class TagChoiceField(forms.ModelMultipleChoiceField):
    """Tags of one kind: existing ones by id or name, new ones by name when allowed.

    The autocomplete posts the ids of tags picked from the list and the text of
    names typed in. A typed name that matches a tag (ignoring case, accents, titles
    and, for regions and officials, aliases) is that tag. Anything else is a new
    tag, refused here unless ``can_create``: the server decides, not the widget.
    """

    def __init__(self, kind, **kwargs):
        self.kind = kind
        self.can_create = False
        model = taxonomy.TAG_MODELS[kind]
        field = Article._meta.get_field(f"{kind}s")
        super().__init__(
            queryset=model.objects.all(),
            required=False,
            widget=TagAutocomplete(field, admin.site),
            label=capfirst(field.verbose_name),
            **kwargs,
        )

    def clean(self, value):
        model = self.queryset.model
        # A disabled field gets the tags themselves; a form post, ids and typed names.
        tags = [item for item in value or [] if isinstance(item, model)]
        texts = [str(item).strip() for item in value or [] if not isinstance(item, model)]
        ids = [text for text in texts if text.isdigit()]
        known = {str(tag.pk): tag for tag in self.queryset.filter(pk__in=ids)}
        max_length = model._meta.get_field("name").max_length
        unknown = []
        for text in texts:
            # Digits are always an id, never a name: a tag named "2025" cannot be typed in.
            tag = known.get(text) if text.isdigit() else taxonomy.find_tag(self.kind, text)
            if tag is not None:
                tags.append(tag)
            elif text.isdigit():
                raise ValidationError(self.error_messages["invalid_choice"] % {"value": text})
            elif len(text) > max_length:
                raise ValidationError(
                    _("A name may have at most %(max)d characters.") % {"max": max_length}
                )
            elif taxonomy.name_key(text):
                unknown.append(text)
        if unknown and not self.can_create:
            raise ValidationError(
                _("You may not add new names here; pick from the list. Unknown: %(names)s")
                % {"names": ", ".join(unknown)},
                code="create_not_allowed",
            )
        # Taggit creates the named tags when the article's tags are saved.
        return list(dict.fromkeys(tags)) + list(dict.fromkeys(unknown))


class ArticleTagFields(forms.Form):
    """The article form's tag fields: autocomplete, suggestions, creation by permission.

    Mixed into the admin's article ModelForm, which sets ``user`` per request: only
    people holding ``articles.add_<kind>`` may create a tag of that kind from here
    (the editor-in-chief regions, editors officials, everyone topics).
    """

    user = None

    regions = TagChoiceField(
        taxonomy.REGION,
        help_text=_("Tag the most precise place: its city and province pages show the story too."),
    )
    officials = TagChoiceField(
        taxonomy.OFFICIAL, help_text=_("The people the story quotes or is about.")
    )
    topics = TagChoiceField(taxonomy.TOPIC, help_text=_("Themes, such as anggaran or banjir."))

    class Media:
        js = ["admin/js/tag_suggestions.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, TagChoiceField):
                continue
            field.can_create = bool(self.user and self.user.has_perm(f"articles.add_{field.kind}"))
            # select2 lets people type new names only when they may create them.
            field.widget.attrs["data-tags"] = json.dumps(field.can_create)
            if field.kind in taxonomy.SUGGESTED_KINDS:
                field.widget.attrs["data-suggest-url"] = reverse(
                    f"admin:articles_{field.kind}_suggest"
                )
                field.widget.attrs["data-suggest-label"] = _("Suggestions:")

    def _save_m2m(self):
        super()._save_m2m()
        # New names (strings) became tags: the suggestions must learn them.
        if any(
            isinstance(tag, str)
            for kind in taxonomy.SUGGESTED_KINDS
            for tag in self.cleaned_data.get(f"{kind}s", [])
        ):
            taxonomy.tags_changed()
