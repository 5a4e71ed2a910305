"""The editorial workflow: the one place where an article's status changes.

A table of transitions says from which states each one may start, where it
leads and which permission it needs; ``apply_transition`` checks, locks the
row, saves and writes the audit row in one transaction. Admin buttons, admin
actions, views, management commands and tests all come through here.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, ArticleTransition

Status = Article.Status


class TransitionError(Exception):
    """A transition was refused; nothing was changed. ``str()`` is shown to the user."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple
    target: str
    permission: str


TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit",
            _("Submit for review"),
            (Status.DRAFT, Status.CHANGES_REQUESTED),
            Status.IN_REVIEW,
            "articles.change_article",
        ),
        Transition(
            "request_changes",
            _("Send back"),
            (Status.IN_REVIEW,),
            Status.CHANGES_REQUESTED,
            "articles.review_article",
        ),
        Transition(
            "approve",
            _("Approve"),
            (Status.IN_REVIEW,),
            Status.APPROVED,
            "articles.review_article",
        ),
        Transition(
            "schedule",
            _("Schedule"),
            (Status.APPROVED, Status.SCHEDULED),
            Status.SCHEDULED,
            "articles.publish_article",
        ),
        Transition(
            "publish",
            _("Publish now"),
            (Status.APPROVED, Status.SCHEDULED, Status.UNPUBLISHED),
            Status.PUBLISHED,
            "articles.publish_article",
        ),
        Transition(
            "unpublish",
            _("Unpublish"),
            (Status.SCHEDULED, Status.PUBLISHED),
            Status.UNPUBLISHED,
            "articles.publish_article",
        ),
        Transition(
            "retract",
            _("Retract"),
            (Status.PUBLISHED, Status.UNPUBLISHED),
            Status.RETRACTED,
            "articles.retract_article",
        ),
        Transition(
            "archive",
            _("Archive"),
            (Status.PUBLISHED, Status.UNPUBLISHED, Status.RETRACTED),
            Status.ARCHIVED,
            "articles.retract_article",
        ),
    ]
}


def apply_transition(article, name, actor, *, comment="", publish_at=None):
    """Move ``article`` through transition ``name`` on behalf of ``actor``.

    Raises TransitionError (and changes nothing) when the transition is unknown,
    does not start from the article's current state, or the actor lacks the
    permission. Returns the article, refreshed from the locked row.
    """
    try:
        transition = TRANSITIONS[name]
    except KeyError:
        raise TransitionError(_("Unknown action.")) from None
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if locked.status not in transition.sources:
            raise TransitionError(
                _("“%(action)s” is not possible while the article is “%(status)s”.")
                % {"action": transition.label, "status": locked.get_status_display()}
            )
        if not actor.has_perm(transition.permission):
            raise TransitionError(
                _("You may not “%(action)s” this article.") % {"action": transition.label}
            )
        now = timezone.now()
        from_status = locked.status
        if transition.target == Status.SCHEDULED:
            locked.published_at = publish_at
        elif transition.target == Status.PUBLISHED and not locked.published_at:
            locked.published_at = now
        locked.status = transition.target
        locked.status_changed_at = now
        locked.save()
        ArticleTransition.objects.create(
            article=locked,
            name=transition.name,
            from_status=from_status,
            to_status=transition.target,
            actor=actor,
            comment=comment,
            created_at=now,
        )
    return locked
