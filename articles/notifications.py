"""E-mails the editorial workflow sends: who hears about which transition.

``articles.workflow`` calls ``notify_transition`` after the transition is
committed; nothing here runs from signals. Mails go through Django's e-mail
framework (console backend by default, SMTP when EMAIL_HOST is set) and are
written in the site's language whatever language the sender's admin uses.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from articles.dates import format_datetime

logger = logging.getLogger(__name__)

REVIEWERS = "reviewers"
REPORTERS = "reporters"

# Transition name -> (mail template, who hears about it).
EVENTS = {
    "submit": ("submitted", REVIEWERS),
    "request_changes": ("changes_requested", REPORTERS),
    "approve": ("approved", REPORTERS),
    "schedule": ("scheduled", REPORTERS),
    "publish": ("published", REPORTERS),
}


def reviewers_for(article):
    """The editor assigned to ``article``, or every active editor when there is none."""
    editor = article.editor
    if editor is not None and editor.is_active and editor.has_perm("articles.review_article"):
        return [editor]
    return list(get_user_model().objects.with_perm("articles.review_article").filter(is_staff=True))


def reporters_for(article):
    """The people who wrote ``article``: its creator and its bylined reporters."""
    people = {user.pk: user for user in article.reporters.all()}
    if article.created_by is not None:
        people.setdefault(article.created_by.pk, article.created_by)
    return [user for user in people.values() if user.is_active]


def _absolute(path):
    return settings.NEWSROOM_SITE_URL + path


def _message(template, article, transition, recipient):
    context = {
        "article": article,
        "transition": transition,
        "recipient_name": recipient.get_full_name() or recipient.username,
        "actor_name": (
            transition.actor.get_full_name() or transition.actor.username
            if transition.actor
            else ""
        ),
        "publish_time": format_datetime(article.published_at) if article.published_at else "",
        "deadline": format_datetime(article.deadline) if article.deadline else "",
        "admin_url": _absolute(reverse("admin:articles_article_change", args=[article.pk])),
        "public_url": _absolute(article.get_absolute_url()),
    }
    subject = render_to_string(f"notifications/{template}_subject.txt", context)
    body = render_to_string(f"notifications/{template}.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[recipient.email])


def notify_transition(article, transition):
    """Mail the people who must act on, or know about, ``transition`` of ``article``.

    On submit: the assigned editor (or all editors). On send-back, approval,
    scheduling and publication: the article's reporters. The person who made
    the transition is never mailed about it. A failing mail server is logged,
    not raised: the transition already happened. Returns the messages sent.
    """
    try:
        template, audience = EVENTS[transition.name]
    except KeyError:
        return []
    recipients = reviewers_for(article) if audience == REVIEWERS else reporters_for(article)
    recipients = [user for user in recipients if user.email and user.pk != transition.actor_id]
    if not recipients:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        messages = [_message(template, article, transition, user) for user in recipients]
    try:
        get_connection().send_messages(messages)
    except OSError:
        logger.exception("Could not send the %s notification for article %s", template, article.pk)
    return messages
