"""Corrections after publication and the right of reply (Pedoman Pemberitaan Media Siber)."""

import pytest
from django.urls import reverse

from articles import workflow
from articles.models import Article, Correction
from articles.roles import EDITOR, REPORTER
from tests.factories import (
    article_form_data,
    article_in_state,
    logged_in_client,
    role_user,
)


@pytest.fixture
def editor(db):
    return role_user(EDITOR, username="redaktur")


def test_an_editor_corrects_a_published_article(editor):
    """The correction keeps its own time and kind, and moves the article's modified time."""
    article = article_in_state("published")
    modified_before = article.updated_at

    correction = workflow.add_correction(
        article, editor, "Nama kelurahan yang benar adalah Klandasan Ilir.", "correction"
    )

    article.refresh_from_db()
    assert correction.kind == Correction.Kind.CORRECTION
    assert correction.created_by == editor
    assert article.updated_at == correction.created_at
    assert article.updated_at > modified_before
    assert list(article.corrections.all()) == [correction]


def test_an_update_note_is_its_own_kind(editor):
    """An update (new information) is told apart from a correction (a mistake)."""
    article = article_in_state("published")

    note = workflow.add_correction(article, editor, "Korban bertambah menjadi tiga.", "update")

    assert note.get_kind_display() == "Pembaruan"


@pytest.mark.parametrize("state", ["draft", "approved", "scheduled", "unpublished", "retracted"])
def test_corrections_are_only_for_public_articles(editor, state):
    """A story readers cannot see now is edited, not corrected in public."""
    article = article_in_state(state)

    with pytest.raises(workflow.TransitionError, match="sudah terbit"):
        workflow.add_correction(article, editor, "Ralat.", "correction")

    assert not Correction.objects.exists()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param("  ", "correction", id="no-text"),
        pytest.param("Ralat.", "gossip", id="bad-kind"),
    ],
)
def test_a_correction_needs_text_and_a_known_kind(editor, text, kind):
    """Empty text or an unknown kind is refused and nothing is stored."""
    with pytest.raises(workflow.TransitionError):
        workflow.add_correction(article_in_state("published"), editor, text, kind)

    assert not Correction.objects.exists()


def test_reporters_cannot_add_corrections(db):
    """Corrections are the desk's decision: a reporter is refused."""
    with pytest.raises(workflow.TransitionError, match="tidak boleh"):
        workflow.add_correction(
            article_in_state("published"), role_user(REPORTER), "Ralat.", "correction"
        )

    assert not Correction.objects.exists()


def test_a_correction_from_the_admin_page(editor):
    """The form on the article page adds the correction, which the page then lists."""
    article = article_in_state("published")
    client = logged_in_client(editor)

    client.post(
        reverse("admin:articles_article_correction", args=[article.pk]),
        {"kind": "correction", "text": "Angka anggaran yang benar Rp 12 miliar."},
    )

    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    assert "Angka anggaran yang benar Rp 12 miliar." in page.decode()
    assert article.corrections.count() == 1


def test_a_crafted_correction_post_by_a_reporter_is_refused(db):
    """The correction view goes through the same rule: a reporter's POST adds nothing."""
    article = article_in_state("published")

    logged_in_client(role_user(REPORTER)).post(
        reverse("admin:articles_article_correction", args=[article.pk]),
        {"kind": "correction", "text": "Ralat palsu."},
    )

    assert not Correction.objects.exists()


# Right of reply (hak jawab) ------------------------------------------------------


def test_a_right_of_reply_is_linked_both_ways_in_the_admin(editor):
    """Setting "right of reply to" on a story links it from the answered article and back."""
    original = article_in_state("published", title="Proyek drainase dinilai molor")
    reply = article_in_state("draft", title="Hak jawab kontraktor proyek drainase")
    client = logged_in_client(editor)

    response = client.post(
        reverse("admin:articles_article_change", args=[reply.pk]),
        article_form_data(reply, reply_to=original.pk),
    )

    assert response.status_code == 302
    assert list(original.replies.all()) == [reply]
    original_page = client.get(reverse("admin:articles_article_change", args=[original.pk]))
    reply_page = client.get(reverse("admin:articles_article_change", args=[reply.pk]))
    assert (
        reverse("admin:articles_article_change", args=[reply.pk]) in original_page.content.decode()
    )
    assert "Ini adalah hak jawab atas" in reply_page.content.decode()
    assert (
        reverse("admin:articles_article_change", args=[original.pk]) in reply_page.content.decode()
    )


@pytest.mark.parametrize("target", ["draft", "self"])
def test_a_right_of_reply_answers_a_published_article(editor, target):
    """A reply to an unpublished story, or to itself, is refused by the form."""
    reply = article_in_state("draft")
    answered = reply if target == "self" else article_in_state("draft")

    response = logged_in_client(editor).post(
        reverse("admin:articles_article_change", args=[reply.pk]),
        article_form_data(reply, reply_to=answered.pk),
    )

    assert response.status_code == 200
    assert Article.objects.get(pk=reply.pk).reply_to is None
