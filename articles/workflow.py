"""The editorial workflow: the one place where an article's status changes.

A table of transitions says from which states each one may start, where it
leads, which permission it needs and what it asks for (a comment, a time, a
passing checklist). ``apply_transition`` checks, locks the row, saves, writes
exactly one audit row and, after commit, runs the side effects. Admin buttons,
admin actions, views, management commands and tests all come through here.

The states and how they connect (see ``TRANSITIONS`` for the permissions)::

    draft, changes_requested  --submit-->           in_review
    in_review                 --withdraw-->         draft
    in_review, approved       --request_changes-->  changes_requested  (comment required)
    in_review                 --approve-->          approved           (checklist)
    approved                  --schedule-->         scheduled          (future time, checklist)
    scheduled, not yet public --unschedule-->       approved
    approved, scheduled, unpublished --publish-->   published          (checklist)
    scheduled, published      --unpublish-->        unpublished        (reason required)
    unpublished               --reopen-->           draft
    scheduled, published, unpublished, if readers saw it
                              --retract-->          retracted          (reason required, 410)
    draft, changes_requested, unpublished --archive--> archived

A scheduled article becomes public when its time comes, with no background
job: ``Article.objects.published()`` decides by the clock.

Who may do what is decided by permissions only (see ``articles.roles``):
reporters submit and withdraw their own stories, editors review and publish,
the editor-in-chief retracts and archives. Editing rules are in ``can_edit``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import caching, notifications, recommendations
from articles.models import Article, ArticleTransition, Correction

Status = Article.Status

# States in which nobody edits the text any more: the record stays as it was.
FROZEN_STATUSES = (Status.RETRACTED, Status.ARCHIVED)
# States a reporter may still edit their own story in.
REPORTER_EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)
# Past approval the checklist must keep passing, whoever edits the story.
CHECKED_STATUSES = (Status.APPROVED, Status.SCHEDULED, Status.PUBLISHED)


class TransitionError(Exception):
    """A transition was refused; nothing was changed. ``str()`` is shown to the user."""


def _not_yet_public(article, now):
    if article.published_at is not None and article.published_at <= now:
        return _("The article is already public; unpublish it instead.")
    return None


def _has_been_public(article, now):
    if article.published_at is None or article.published_at > now:
        return _("Readers never saw this article; unpublish or archive it instead.")
    return None


@dataclass(frozen=True)
class Transition:
    """One row of the table. ``condition(article, now)`` returns a refusal or None."""

    name: str
    label: str
    sources: tuple
    target: str
    permission: str
    own_articles_only: bool = False
    comment_label: str = ""
    requires_comment: bool = False
    requires_time: bool = False
    requires_checklist: bool = False
    condition: Callable | None = None


TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit",
            _("Submit for review"),
            (Status.DRAFT, Status.CHANGES_REQUESTED),
            Status.IN_REVIEW,
            "articles.change_article",
            own_articles_only=True,
            comment_label=_("Note for the editor"),
        ),
        Transition(
            "withdraw",
            _("Withdraw from review"),
            (Status.IN_REVIEW,),
            Status.DRAFT,
            "articles.change_article",
            own_articles_only=True,
        ),
        Transition(
            "request_changes",
            _("Send back"),
            (Status.IN_REVIEW, Status.APPROVED),
            Status.CHANGES_REQUESTED,
            "articles.review_article",
            comment_label=_("What must change?"),
            requires_comment=True,
        ),
        Transition(
            "approve",
            _("Approve"),
            (Status.IN_REVIEW,),
            Status.APPROVED,
            "articles.review_article",
            requires_checklist=True,
        ),
        Transition(
            "schedule",
            _("Schedule"),
            (Status.APPROVED,),
            Status.SCHEDULED,
            "articles.publish_article",
            requires_time=True,
            requires_checklist=True,
        ),
        Transition(
            "unschedule",
            _("Cancel the schedule"),
            (Status.SCHEDULED,),
            Status.APPROVED,
            "articles.publish_article",
            condition=_not_yet_public,
        ),
        Transition(
            "publish",
            _("Publish now"),
            (Status.APPROVED, Status.SCHEDULED, Status.UNPUBLISHED),
            Status.PUBLISHED,
            "articles.publish_article",
            requires_checklist=True,
        ),
        Transition(
            "unpublish",
            _("Unpublish"),
            (Status.SCHEDULED, Status.PUBLISHED),
            Status.UNPUBLISHED,
            "articles.publish_article",
            comment_label=_("Reason"),
            requires_comment=True,
        ),
        Transition(
            "reopen",
            _("Reopen as a draft"),
            (Status.UNPUBLISHED,),
            Status.DRAFT,
            "articles.review_article",
        ),
        Transition(
            "retract",
            _("Retract"),
            (Status.SCHEDULED, Status.PUBLISHED, Status.UNPUBLISHED),
            Status.RETRACTED,
            "articles.retract_article",
            comment_label=_("Reason for the retraction (shown to readers)"),
            requires_comment=True,
            condition=_has_been_public,
        ),
        Transition(
            "archive",
            _("Archive"),
            (Status.DRAFT, Status.CHANGES_REQUESTED, Status.UNPUBLISHED),
            Status.ARCHIVED,
            "articles.retract_article",
        ),
    ]
}


# The usual way from a new draft to each state, in order: demo data and tests walk it.
PATHS_FROM_DRAFT = {
    Status.DRAFT: [],
    Status.IN_REVIEW: ["submit"],
    Status.CHANGES_REQUESTED: ["submit", "request_changes"],
    Status.APPROVED: ["submit", "approve"],
    Status.SCHEDULED: ["submit", "approve", "schedule"],
    Status.PUBLISHED: ["submit", "approve", "publish"],
    Status.UNPUBLISHED: ["submit", "approve", "publish", "unpublish"],
    Status.RETRACTED: ["submit", "approve", "publish", "retract"],
    Status.ARCHIVED: ["submit", "approve", "publish", "unpublish", "archive"],
}


# Who may see and edit what --------------------------------------------------


def _is_staff(user):
    return user.is_active and user.is_staff


def _sees_every_article(user):
    return user.has_perm("articles.edit_any_article") or user.has_perm("articles.review_article")


def is_owner(user, article):
    """Whether ``user`` wrote ``article``: its creator or one of its bylined reporters."""
    if article.created_by_id == user.pk:
        return True
    return article.pk is not None and article.reporters.filter(pk=user.pk).exists()


def visible_articles(user, queryset=None):
    """The articles ``user`` may see in the editorial desk.

    Editors see everything; reporters see their own stories and whatever is
    public. The same rule as ``can_view``, as a query (no DISTINCT, so the rows
    can also be locked).
    """
    queryset = Article.objects.all() if queryset is None else queryset
    if not (_is_staff(user) and user.has_perm("articles.view_article")):
        return queryset.none()
    if _sees_every_article(user):
        return queryset
    return queryset.owned_by(user) | queryset.published()


def can_view(user, article):
    """Whether ``user`` may see ``article`` in the editorial desk and its preview."""
    if not (_is_staff(user) and user.has_perm("articles.view_article")):
        return False
    return _sees_every_article(user) or article.is_public or is_owner(user, article)


def can_edit(user, article):
    """Whether ``user`` may change the text and metadata of ``article``.

    Nobody edits a retracted or archived article: it stays on record as it was.
    Editors (``edit_any_article``) edit any other article, including published
    ones, to fix a mistake (a visible change also deserves a correction note).
    Reporters edit only their own stories, and only while these are drafts or
    sent back to them: once submitted, a story is the editor's until it returns.
    """
    if article.status in FROZEN_STATUSES:
        return False
    if not (_is_staff(user) and user.has_perm("articles.change_article")):
        return False
    if user.has_perm("articles.edit_any_article"):
        return True
    return article.status in REPORTER_EDITABLE_STATUSES and is_owner(user, article)


def can_delete(user, article):
    """Whether ``user`` may delete ``article``: only stories readers never saw.

    A story that was ever public is part of the record; it is unpublished,
    retracted or archived instead.
    """
    if not (_is_staff(user) and user.has_perm("articles.delete_article")):
        return False
    if not (_sees_every_article(user) or is_owner(user, article)):
        return False
    return not article.transitions.filter(to_status__in=Article.PUBLIC_STATUSES).exists()


def can_comment(user, article):
    """Whether ``user`` may write in the internal comment thread of ``article``."""
    return can_view(user, article) and user.has_perm("articles.add_editorialcomment")


# The pre-publish checklist --------------------------------------------------


@dataclass(frozen=True)
class ChecklistFailure:
    """One unmet item of the pre-publish checklist: a stable ``code`` and a message."""

    code: str
    message: str


def checklist_failures(article, user=None, *, regions=None):
    """What stops ``article`` from being approved or published, each failure named.

    Checks the lead, a featured image with alt text and credit, at least one
    region, a section and the sensitive-content questions (Dewan Pers: does the
    story identify a child, or a victim of sexual violence?). A "yes" to either
    needs someone with ``approve_sensitive_article``: given ``user``, that is
    checked too. ``regions`` replaces the article's saved regions, for a form
    checking what it is about to save.
    """
    failures = []

    def fail(code, message):
        failures.append(ChecklistFailure(code, message))

    if not article.lead.strip():
        fail("lead", _("The lead is missing."))
    image = article.featured_image
    if image is None:
        fail("featured_image", _("A featured image is missing."))
    else:
        if not image.alt_text.strip():
            fail("image_alt_text", _("The featured image has no alt text."))
        if not image.credit.strip():
            fail("image_credit", _("The featured image has no credit."))
    has_region = bool(regions) if regions is not None else article.regions.exists()
    if not has_region:
        fail("region", _("At least one region is needed."))
    if article.section_id is None:
        fail("section", _("A section is needed."))
    answers = (article.identifies_child, article.identifies_sexual_violence_victim)
    if None in answers:
        fail("sensitive_questions", _("The sensitive-content questions are not answered."))
    elif (
        True in answers
        and user is not None
        and not user.has_perm("articles.approve_sensitive_article")
    ):
        fail(
            "sensitive_approval",
            _(
                "The story may identify a child or a victim of sexual violence: "
                "only the editor-in-chief may approve it."
            ),
        )
    return failures


def edit_checklist_failures(article, user=None, *, regions=None):
    """Checklist failures that stop saving an edit: only past approval, when readers are near.

    Pass ``user`` when the edit changes a sensitive-content answer, so that a
    new "yes" needs the editor-in-chief like an approval does.
    """
    if article.status not in CHECKED_STATUSES:
        return []
    return checklist_failures(article, user, regions=regions)


# Applying transitions -------------------------------------------------------


def _refusal(article, transition, actor, now):
    """Why ``actor`` may not start ``transition`` on ``article`` now, or None.

    Covers the state, the permission, ownership and the transition's own
    condition; not what the actor types in, nor the checklist.
    """
    if article.status not in transition.sources:
        return _("“%(action)s” is not possible while the article is “%(status)s”.") % {
            "action": transition.label,
            "status": article.get_status_display(),
        }
    if not (_is_staff(actor) and actor.has_perm(transition.permission)):
        return _("You may not “%(action)s” this article.") % {"action": transition.label}
    if (
        transition.own_articles_only
        and not actor.has_perm("articles.edit_any_article")
        and not is_owner(actor, article)
    ):
        return _("You may only “%(action)s” your own articles.") % {"action": transition.label}
    if transition.condition is not None:
        return transition.condition(article, now)
    return None


def _input_refusal(transition, comment, publish_at, now):
    if transition.requires_comment and not comment:
        return _("“%(action)s” needs a comment: %(prompt)s") % {
            "action": transition.label,
            "prompt": transition.comment_label,
        }
    if transition.requires_time and (publish_at is None or publish_at <= now):
        return _("Choose a publish time in the future.")
    return None


def _checklist_refusal(article, transition, actor):
    if not transition.requires_checklist:
        return None
    failures = checklist_failures(article, actor)
    if not failures:
        return None
    return _("The pre-publish checklist is not complete: %(failures)s") % {
        "failures": " ".join(str(failure.message) for failure in failures)
    }


def available_transitions(article, user):
    """The transitions ``user`` may start on ``article`` now, in table order.

    What the user still has to provide (a comment, a time, a passing
    checklist) is checked when the transition is applied.
    """
    now = timezone.now()
    return [t for t in TRANSITIONS.values() if _refusal(article, t, user, now) is None]


def _move_publish_time(article, transition, publish_at, now):
    """Keep ``published_at`` meaning "when readers first could see it"."""
    planned = article.published_at is not None and article.published_at > now
    if transition.name == "schedule":
        article.published_at = publish_at
    elif transition.name == "publish" and (article.published_at is None or planned):
        article.published_at = now
    elif transition.name in ("unschedule", "unpublish") and planned:
        # A time still in the future was only a plan; readers never saw the story.
        article.published_at = None


def apply_transition(article, name, actor, *, comment="", publish_at=None):
    """Move ``article`` through transition ``name`` on behalf of ``actor``.

    Refused (TransitionError, with a message for the user, and nothing
    changed) when the transition is unknown, does not start from the article's
    current state, the actor lacks the permission or does not own the story
    where that matters, a required comment or future ``publish_at`` is
    missing, or the pre-publish checklist fails. Otherwise saves the new state
    and exactly one ArticleTransition row in one transaction, on the locked
    row, and schedules the side effects for after commit. Returns the article,
    refreshed from the locked row.
    """
    try:
        transition = TRANSITIONS[name]
    except KeyError:
        raise TransitionError(_("Unknown action.")) from None
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        now = timezone.now()
        refusal = (
            _refusal(locked, transition, actor, now)
            or _input_refusal(transition, comment, publish_at, now)
            or _checklist_refusal(locked, transition, actor)
        )
        if refusal:
            raise TransitionError(refusal)
        from_status = locked.status
        _move_publish_time(locked, transition, publish_at, now)
        if transition.target == Status.RETRACTED:
            locked.retraction_reason = comment
        locked.status = transition.target
        locked.status_changed_at = now
        # Only the workflow's own fields: an editor's concurrent text save is not overwritten.
        locked.save(
            update_fields=["status", "status_changed_at", "published_at", "retraction_reason"]
        )
        record = ArticleTransition.objects.create(
            article=locked,
            name=transition.name,
            from_status=from_status,
            to_status=transition.target,
            actor=actor,
            comment=comment,
            created_at=now,
        )
        transaction.on_commit(lambda: _after_commit(locked, record))
    return locked


def add_correction(article, actor, text, kind=Correction.Kind.CORRECTION):
    """Add a correction (``ralat``) or update note to a public article.

    Needs ``add_correction``; the article must be public now. The note gets its
    own time and the article's modified time moves to it (feeds, sitemaps and
    structured data show the change). Raises TransitionError when refused.
    """
    text = (text or "").strip()
    if not (_is_staff(actor) and actor.has_perm("articles.add_correction")):
        raise TransitionError(_("You may not add corrections."))
    if kind not in Correction.Kind.values:
        raise TransitionError(_("Unknown kind of correction."))
    if not text:
        raise TransitionError(_("Write the text of the correction."))
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if not locked.is_public:
            raise TransitionError(_("Corrections can only be added to a published article."))
        now = timezone.now()
        correction = Correction.objects.create(
            article=locked, kind=kind, text=text, created_by=actor, created_at=now
        )
        locked.updated_at = now
        Article.objects.filter(pk=locked.pk).update(updated_at=now)
        transaction.on_commit(lambda: _after_commit(locked))
    return correction


def content_changed(article):
    """Call after saving an edit of ``article``'s content (admin save, restore).

    Readers see the change only if the article is public; then the cached
    pages and related stories are refreshed once the edit is committed.
    """
    if article.is_public:
        transaction.on_commit(lambda: _after_commit(article, edited=True))


def _after_commit(article, transition=None, *, edited=False):
    """Side effects of a committed change to ``article``, never inside the transaction.

    ``transition`` is the audit row when the status changed; ``edited`` says
    the content changed; neither for a correction. The one hook point for
    cache purges, related-story refreshes and notifications.
    """
    caching.purge_public_pages()
    if transition is not None or edited:
        recommendations.refresh_after_change(article)
    if transition is not None:
        notifications.notify_transition(article, transition)


# Reading the audit trail ----------------------------------------------------


def time_in_states(article, transitions, now=None):
    """How long ``article`` has spent in each state, from its audit rows.

    ``transitions`` are the article's ArticleTransition rows, oldest first.
    Returns ``(status, timedelta)`` pairs in the order the states were first
    reached; the current state counts up to ``now``.
    """
    now = now or timezone.now()
    totals = {}
    status = transitions[0].from_status if transitions else article.status
    since = article.created_at
    for row in transitions:
        totals[status] = totals.get(status, timedelta()) + max(row.created_at - since, timedelta())
        status, since = row.to_status, row.created_at
    totals[status] = totals.get(status, timedelta()) + max(now - since, timedelta())
    return [(Status(status), duration) for status, duration in totals.items()]


def publish_imported(article_ids, actor=None):
    """Publish freshly imported drafts in bulk: the import's one door into "published".

    ``import_articles`` brings in thousands of stories that were already public
    elsewhere, so taking each through ``apply_transition`` (a lock, a save and an
    audit row per article) would be far too slow. Instead the drafts among
    ``article_ids`` are marked published with a single UPDATE and each gets one
    "import" audit row; ``actor`` may be None for a command-line import. Articles
    in any other state are left alone, so a re-import never revives a story an
    editor has unpublished or retracted. Every article must already have its
    ``published_at`` (the database refuses a public article without one).
    Returns the number of articles published.
    """
    with transaction.atomic():
        drafts = Article.objects.select_for_update().filter(pk__in=article_ids, status=Status.DRAFT)
        pks = list(drafts.values_list("pk", flat=True))
        now = timezone.now()
        Article.objects.filter(pk__in=pks).update(status=Status.PUBLISHED, status_changed_at=now)
        ArticleTransition.objects.bulk_create(
            ArticleTransition(
                article_id=pk,
                name="import",
                from_status=Status.DRAFT,
                to_status=Status.PUBLISHED,
                actor=actor,
                created_at=now,
            )
            for pk in pks
        )
        transaction.on_commit(caching.purge_public_pages)
    return len(pks)
