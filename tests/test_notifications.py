"""E-mail notifications sent by the workflow, after commit, in Indonesian."""

import pytest
from django.core import mail
from django.utils import translation

from articles import workflow
from articles.models import Article
from articles.roles import EDITOR, EDITOR_IN_CHIEF, REPORTER
from tests.factories import article_in_state, role_user


@pytest.fixture
def reporter(db):
    return role_user(REPORTER, username="rina", first_name="Rina", last_name="Wati")


@pytest.fixture
def editor(db):
    return role_user(EDITOR, username="budi", first_name="Budi", last_name="Santoso")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs the after-commit callbacks of what happens inside, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def reporters_draft(reporter, **kwargs):
    article = article_in_state("draft", created_by=reporter, **kwargs)
    article.reporters.add(reporter)
    return article


def test_submitting_mails_the_assigned_editor_after_commit(reporter, editor, committed):
    """The assigned editor hears of the submission, once the transaction has committed."""
    role_user(EDITOR, username="redaktur-lain")
    article = reporters_draft(reporter, editor=editor, title="Banjir rendam Gunung Samarinda")

    with committed():
        workflow.apply_transition(article, "submit", reporter, comment="Mohon dicek angkanya.")
        assert mail.outbox == []

    [message] = mail.outbox
    assert message.to == [editor.email]
    assert message.subject == "Menunggu review: Banjir rendam Gunung Samarinda"
    assert message.body.startswith("Halo Budi Santoso,")
    assert "Rina Wati mengajukan berita untuk Anda tinjau:" in message.body
    assert "Catatan: Mohon dicek angkanya." in message.body
    assert f"http://127.0.0.1:8000/admin/articles/article/{article.pk}/change/" in message.body


def test_without_an_assigned_editor_every_editor_hears(reporter, editor, committed):
    """No assignee: everyone who may review gets the mail; reporters do not."""
    chief = role_user(EDITOR_IN_CHIEF, username="pemred")
    role_user(REPORTER, username="jurnalis-lain")
    article = reporters_draft(reporter)

    with committed():
        workflow.apply_transition(article, "submit", reporter)

    # The factory's superuser ("pemred-uji") may review too, so it is told as well.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [editor.email, chief.email, "pemred-uji@newsroom.test"]
    )


@pytest.mark.parametrize(
    ("state", "name", "subject", "line"),
    [
        pytest.param(
            "in_review",
            "request_changes",
            "Perlu revisi: ",
            "Yang harus diperbaiki: Tambahkan data BPS.",
            id="sent-back",
        ),
        pytest.param(
            "in_review", "approve", "Disetujui: ", "menyetujui berita Anda", id="approved"
        ),
        pytest.param("approved", "publish", "Terbit: ", "Baca di situs: http://", id="published"),
    ],
)
def test_reporters_hear_what_happened_to_their_story(
    reporter, editor, committed, state, name, subject, line
):
    """Send-back (with the comment), approval and publication are mailed to the reporters."""
    article = article_in_state(state, created_by=reporter)
    article.reporters.add(reporter)

    with committed():
        workflow.apply_transition(article, name, editor, comment="Tambahkan data BPS.")

    [message] = mail.outbox
    assert message.to == [reporter.email]
    assert message.subject == subject + article.title
    assert line in message.body


def test_the_actor_is_not_mailed_about_their_own_action(editor, committed):
    """An editor publishing their own story gets no mail about it."""
    article = article_in_state("approved", created_by=editor)

    with committed():
        workflow.apply_transition(article, "publish", editor)

    assert mail.outbox == []


def test_a_refused_transition_sends_nothing(reporter, committed):
    """Nothing happened, so nobody is told anything."""
    article = article_in_state("in_review", created_by=reporter)

    with committed(), pytest.raises(workflow.TransitionError):
        workflow.apply_transition(article, "approve", reporter)

    assert mail.outbox == []


def test_mails_are_plain_text_in_indonesian_whatever_the_senders_language(
    reporter, editor, committed
):
    """An editor using the admin in English still sends Indonesian mail; titles are not escaped."""
    article = article_in_state("in_review", created_by=reporter, title="Jalan & jembatan rusak")
    article.reporters.add(reporter)

    with translation.override("en"), committed():
        workflow.apply_transition(article, "approve", editor)

    [message] = mail.outbox
    assert message.subject == "Disetujui: Jalan & jembatan rusak"
    assert "&amp;" not in message.body
    assert Article.objects.get(pk=article.pk).status == Article.Status.APPROVED
