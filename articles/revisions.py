"""Revisions: what readers saw at each save, readable diffs, restore and pruning.

Every save of an article in the editorial desk stores an ArticleRevision
holding a snapshot of everything a reader sees (text, photo, section, byline,
tags, labels), not only the text. The article's ``version`` counts saves:
an edit states the version it started from and ``lock_for_edit`` refuses it
when someone saved in between, naming who and when.
"""

import re
from datetime import timedelta
from difflib import SequenceMatcher
from html import unescape

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from articles import workflow
from articles.dates import format_datetime
from articles.models import (
    Article,
    ArticleRevision,
    Image,
    Official,
    Region,
    Section,
    Topic,
)

TEXT_FIELDS = ["kicker", "title", "lead", "dateline", "body", "seo_title", "seo_description"]
LABEL_FIELDS = ["is_sponsored", "is_unverified", "is_ai_assisted"]
TAG_FIELDS = {"regions": Region, "officials": Official, "topics": Topic}
# Restoring writes exactly these columns (plus the version): never the workflow's.
RESTORED_COLUMNS = [*TEXT_FIELDS, *LABEL_FIELDS, "section", "featured_image", "editor"]
# The order fields appear in a diff: the order a reader meets them.
DIFF_ORDER = [
    "kicker",
    "title",
    "lead",
    "dateline",
    "body",
    "featured_image",
    "section",
    "reporters",
    "editor",
    "regions",
    "officials",
    "topics",
    *LABEL_FIELDS,
    "seo_title",
    "seo_description",
]


class EditConflict(Exception):
    """Someone saved the article after the editor loaded it; the edit was not saved."""

    def __init__(self, article, revision):
        self.article = article
        self.revision = revision
        super().__init__(str(self.message))

    @property
    def message(self):
        if self.revision is None or self.revision.created_by is None:
            return _("Someone else changed this article after you opened it.")
        author = self.revision.created_by
        return _(
            "%(name)s changed this article on %(time)s, after you opened it. Your text is "
            "kept below: compare it with their version in the revisions, then save again "
            "to replace it."
        ) % {
            "name": author.get_full_name() or author.username,
            "time": format_datetime(self.revision.created_at),
        }


class RevisionError(Exception):
    """A restore was refused; nothing changed. ``str()`` is shown to the user."""


def _person(user):
    return None if user is None else {"id": user.pk, "name": user.get_full_name() or user.username}


def snapshot(article):
    """Everything a reader sees of ``article``, as plain JSON-ready data."""
    image = article.featured_image
    data = {name: getattr(article, name) for name in [*TEXT_FIELDS, *LABEL_FIELDS]}
    section = article.section
    data["section"] = None if section is None else {"id": section.pk, "name": section.name}
    data["featured_image"] = (
        None
        if image is None
        else {
            "id": image.pk,
            "caption": image.caption,
            "credit": image.credit,
            "alt_text": image.alt_text,
        }
    )
    data["reporters"] = [_person(user) for user in article.reporters.order_by("pk")]
    data["editor"] = _person(article.editor)
    for name in TAG_FIELDS:
        data[name] = [
            {"id": tag.pk, "name": tag.name} for tag in getattr(article, name).order_by("name")
        ]
    return data


def record_revision(article, user):
    """Store a revision of ``article`` as it is now (tags included), by ``user``."""
    return ArticleRevision.objects.create(
        article=article, version=article.version, data=snapshot(article), created_by=user
    )


def latest_revision(article):
    """The newest revision of ``article``, or None."""
    return article.revisions.select_related("created_by").first()


def lock_for_edit(article, expected_version=None):
    """Lock ``article``'s row for an edit and return it fresh from the database.

    Call inside a transaction. Raises EditConflict when ``expected_version``
    (the version the editor's form was built from) is no longer current.
    """
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if expected_version is not None and locked.version != expected_version:
        raise EditConflict(locked, latest_revision(locked))
    return locked


# Diffs ----------------------------------------------------------------------


def _html_to_text(html):
    text = re.sub(r"(?i)<br\s*/?>", "\n", html)
    text = re.sub(r"(?i)</(p|h[1-6]|li|blockquote)>", "\n\n", text)
    text = unescape(strip_tags(text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _readable(name, value):
    """One snapshot value as the text a diff compares."""
    if name == "body":
        return _html_to_text(value or "")
    if name in LABEL_FIELDS:
        return str(_("Yes") if value else _("No"))
    if name == "featured_image":
        if not value:
            return ""
        return f"#{value['id']} {value['caption']} ({value['credit']})".strip()
    if isinstance(value, dict):
        return value["name"]
    if isinstance(value, list):
        return ", ".join(item["name"] for item in value)
    return value or ""


def _word_diff(old, new):
    """HTML marking words removed (<del>) and added (<ins>); every piece escaped."""
    old_words = re.findall(r"\s+|\S+", old)
    new_words = re.findall(r"\s+|\S+", new)
    parts = []
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape("".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", "".join(old_words[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", "".join(new_words[j1:j2])))
    # Safe: every part was escaped above.
    return mark_safe("".join(parts))


def _label(name):
    return Article._meta.get_field(name).verbose_name


def diff_revisions(old, new):
    """The fields that differ between two revisions, as ``(label, html)`` pairs.

    The HTML is a word diff of what readers see (the body as plain text), with
    everything escaped: a script in a title shows as text.
    """
    changes = []
    for name in DIFF_ORDER:
        before = _readable(name, old.data.get(name))
        after = _readable(name, new.data.get(name))
        if before != after:
            changes.append((_label(name), _word_diff(before, after)))
    return changes


# Restore and prune ----------------------------------------------------------


def _existing(model, reference):
    if not reference:
        return None
    return model.objects.filter(pk=reference["id"]).first()


def restore_revision(revision, user):
    """Make ``revision``'s content the article's content again, as a new revision.

    Goes through the same rules as an edit: ``user`` must be allowed to edit
    the article now, and past approval the checklist must still pass. Things
    deleted since (a photo, a tag) are left out. Raises RevisionError when
    refused. Returns the new revision.
    """
    with transaction.atomic():
        article = lock_for_edit(revision.article)
        if not workflow.can_edit(user, article):
            raise RevisionError(_("You may not edit this article."))
        data = revision.data
        for name in [*TEXT_FIELDS, *LABEL_FIELDS]:
            setattr(article, name, data[name])
        article.section = _existing(Section, data["section"])
        article.featured_image = _existing(Image, data["featured_image"])
        article.editor = _existing(get_user_model(), data["editor"])
        tags = {
            name: list(model.objects.filter(pk__in=[tag["id"] for tag in data[name]]))
            for name, model in TAG_FIELDS.items()
        }
        # The sensitive-content answers are not part of a revision: they stay as approved.
        failures = workflow.edit_checklist_failures(article, regions=tags["regions"])
        if failures:
            raise RevisionError(" ".join(str(failure.message) for failure in failures))
        article.version += 1
        article.save(update_fields=[*RESTORED_COLUMNS, "version", "updated_at"])
        reporter_ids = [person["id"] for person in data["reporters"]]
        article.reporters.set(get_user_model().objects.filter(pk__in=reporter_ids))
        for name, values in tags.items():
            getattr(article, name).set(values)
        workflow.content_changed(article)
        return record_revision(article, user)


def prune_revisions(keep, older_than_days, now=None):
    """Delete old revisions, keeping each article's ``keep`` newest and never its latest.

    Only revisions older than ``older_than_days`` days are candidates. Returns
    how many were deleted.
    """
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    keep = max(keep, 1)
    old = ArticleRevision.objects.filter(created_at__lt=cutoff)
    deleted = 0
    for article_id in list(old.order_by().values_list("article_id", flat=True).distinct()):
        kept = list(
            ArticleRevision.objects.filter(article_id=article_id).values_list("pk", flat=True)[
                :keep
            ]
        )
        deleted += old.filter(article_id=article_id).exclude(pk__in=kept).delete()[0]
    return deleted
