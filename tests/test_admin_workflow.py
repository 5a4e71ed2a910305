"""The article admin enforces the workflow on the server: buttons, bulk actions, views, preview."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Article, ArticleTransition, EditorialComment
from articles.roles import EDITOR, EDITOR_IN_CHIEF, REPORTER
from tests.factories import (
    article_form_data,
    article_in_state,
    logged_in_client,
    publishable_article,
    role_user,
)


@pytest.fixture
def reporter(db):
    return role_user(REPORTER, username="jurnalis", first_name="Rina", last_name="Wati")


@pytest.fixture
def other_reporter(db):
    return role_user(REPORTER, username="jurnalis-lain")


@pytest.fixture
def editor(db):
    return role_user(EDITOR, username="redaktur", first_name="Budi", last_name="Santoso")


@pytest.fixture
def chief(db):
    return role_user(EDITOR_IN_CHIEF, username="pemred")


def owned(state, reporter, **kwargs):
    article = article_in_state(state, created_by=reporter, **kwargs)
    article.reporters.add(reporter)
    return article


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def transition_url(article, name):
    return reverse("admin:articles_article_transition", args=[article.pk, name])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def snapshot(article):
    """Everything a refused request must leave alone."""
    return (
        Article.objects.values().get(pk=article.pk),
        ArticleTransition.objects.filter(article=article).count(),
    )


# Lists and pages -------------------------------------------------------------


def test_reporters_list_their_own_stories_and_public_ones_only(reporter, other_reporter):
    """A reporter's list holds their drafts and published stories, not colleagues' drafts."""
    mine = owned("draft", reporter, title="Draf milik saya sendiri")
    theirs = owned("draft", other_reporter, title="Draf milik rekan lain")
    public = article_in_state("published", title="Berita yang sudah terbit")

    response = logged_in_client(reporter).get(reverse("admin:articles_article_changelist"))

    listed = set(response.context["cl"].result_list)
    assert {mine, public} <= listed
    assert theirs not in listed


def test_another_reporters_draft_cannot_be_opened(reporter, other_reporter):
    """Guessing the admin URL of a colleague's draft does not show it."""
    theirs = owned("draft", other_reporter, title="Draf rahasia rekan")

    response = logged_in_client(reporter).get(change_url(theirs))

    assert response.status_code == 302
    assert "Draf rahasia rekan" not in response.content.decode()


def test_a_reporter_saves_their_draft_and_a_revision_is_kept(reporter):
    """Saving one's own draft changes it, counts a new version and stores a revision."""
    article = owned("draft", reporter)

    response = logged_in_client(reporter).post(
        change_url(article), article_form_data(article, title="Judul yang sudah diperbaiki")
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Judul yang sudah diperbaiki"
    assert article.version == 2
    assert article.revisions.get().data["title"] == "Judul yang sudah diperbaiki"


def test_a_new_article_is_bylined_to_its_writer(reporter):
    """A reporter creating a story is its creator and, by default, its byline."""
    response = logged_in_client(reporter).post(
        reverse("admin:articles_article_add"),
        {
            "title": "Warga Balikpapan Barat gotong royong bersihkan saluran",
            "slug": "",
            "lead": "Warga membersihkan saluran air menjelang musim hujan.",
            "body": "<p>Kegiatan dimulai pukul 07.00 WITA.</p>",
            "identifies_child": "false",
            "identifies_sexual_violence_victim": "false",
            "_save": "Simpan",
        },
    )

    assert response.status_code == 302
    article = Article.objects.get(title__startswith="Warga Balikpapan Barat")
    assert article.status == Article.Status.DRAFT
    assert article.created_by == reporter
    assert list(article.reporters.all()) == [reporter]
    assert article.revisions.count() == 1


def test_a_crafted_save_of_a_submitted_story_is_refused(reporter):
    """Once submitted, the story is the editor's: a reporter's POST to the form is forbidden."""
    article = owned("in_review", reporter)
    before = snapshot(article)

    response = logged_in_client(reporter).post(
        change_url(article), article_form_data(article, title="Diam-diam diubah")
    )

    assert response.status_code == 403
    assert snapshot(article) == before


def test_a_retracted_article_is_read_only_even_for_the_chief(chief):
    """Nobody edits the record: the form of a retracted story has no editable fields."""
    article = article_in_state("retracted")

    response = logged_in_client(chief).get(change_url(article))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="title"' not in page
    assert "<p>Rapat koordinasi digelar di balai kota.</p>" in page  # Shown as readers see it.
    assert (
        logged_in_client(chief).post(change_url(article), article_form_data(article)).status_code
        == 403
    )


def test_the_slug_is_read_only_once_published(editor):
    """A published story's URL is out in the world; the form no longer offers to change it."""
    article = article_in_state("published")

    response = logged_in_client(editor).get(change_url(article))

    assert 'name="slug"' not in response.content.decode()
    assert 'name="title"' in response.content.decode()


def test_reporters_cannot_assign_the_editor_or_the_deadline(reporter, editor):
    """The assigned editor and deadline are for the desk to set; a reporter's POST is ignored."""
    article = owned("draft", reporter)

    logged_in_client(reporter).post(
        change_url(article),
        article_form_data(article, editor=reporter.pk, deadline_0="2030-01-01", deadline_1="10:00"),
    )

    article.refresh_from_db()
    assert (article.editor, article.deadline) == (None, None)


def test_only_someone_who_reviews_can_be_the_assigned_editor(editor, reporter):
    """Assigning a reporter as the editor is refused with a message naming them."""
    article = owned("draft", reporter)

    response = logged_in_client(editor).post(
        change_url(article), article_form_data(article, editor=reporter.pk)
    )

    assert response.status_code == 200
    assert "Rina Wati tidak dapat meninjau berita." in response.content.decode()


def test_editing_a_published_story_keeps_the_checklist(editor):
    """Past approval an edit may not break the checklist: removing the lead is refused."""
    article = article_in_state("published")

    response = logged_in_client(editor).post(
        change_url(article), article_form_data(article, lead="")
    )

    assert response.status_code == 200
    assert "Ringkasan (lead) belum diisi." in response.content.decode()
    article.refresh_from_db()
    assert article.lead


# The change page around the form ---------------------------------------------


def test_workflow_buttons_are_only_what_the_user_may_do_now(reporter, editor):
    """Reporters get "submit" on their draft; editors get "approve" on a story in review."""
    draft = owned("draft", reporter)
    in_review = owned("in_review", reporter)

    reporter_page = logged_in_client(reporter).get(change_url(draft)).content.decode()
    editor_page = logged_in_client(editor).get(change_url(in_review)).content.decode()

    assert transition_url(draft, "submit") in reporter_page
    assert transition_url(draft, "approve") not in reporter_page
    assert transition_url(in_review, "approve") in editor_page
    assert transition_url(in_review, "publish") not in editor_page


def test_the_change_page_names_each_checklist_failure(editor):
    """The checklist lists what is missing, in Indonesian."""
    article = article_in_state("draft")
    Article.objects.filter(pk=article.pk).update(lead="", section=None)

    page = logged_in_client(editor).get(change_url(article)).content.decode()

    assert "Ringkasan (lead) belum diisi." in page
    assert "Rubrik belum dipilih." in page


def test_the_change_page_shows_history_and_time_in_each_state(editor):
    """Every status change is listed with who made it and the comment; time per state is shown."""
    article = article_in_state("changes_requested")

    page = logged_in_client(editor).get(change_url(article)).content.decode()

    assert "Catatan uji dari redaksi." in page
    assert "Lama di setiap status" in page
    assert page.count("<td>Menunggu review</td>") == 2


def test_the_internal_comment_thread(reporter, editor, other_reporter):
    """Editor and reporter talk on the story's page; a colleague cannot post there."""
    article = owned("in_review", reporter)
    url = reverse("admin:articles_article_comment", args=[article.pk])

    logged_in_client(editor).post(url, {"text": "Tolong konfirmasi angka anggarannya."})
    refused = logged_in_client(other_reporter).post(url, {"text": "Saya ikut komentar."})

    assert refused.status_code == 404
    assert list(EditorialComment.objects.values_list("text", flat=True)) == [
        "Tolong konfirmasi angka anggarannya."
    ]
    page = logged_in_client(reporter).get(change_url(article)).content.decode()
    assert "Tolong konfirmasi angka anggarannya." in page


# The transition view -----------------------------------------------------------


def test_a_workflow_button_applies_its_transition(editor, reporter):
    """Clicking "send back" with a comment sends the story back and records the comment."""
    article = owned("in_review", reporter)

    response = logged_in_client(editor).post(
        transition_url(article, "request_changes"),
        {"request_changes-comment": "Tambahkan tanggapan dari DPRD."},
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.CHANGES_REQUESTED
    assert article.transitions.last().comment == "Tambahkan tanggapan dari DPRD."


def test_scheduling_from_the_button_reads_the_time_in_wita(editor):
    """The datetime field is local Balikpapan time (WITA, UTC+8)."""
    article = article_in_state("approved")

    logged_in_client(editor).post(
        transition_url(article, "schedule"), {"schedule-publish_at": "2099-01-02T07:30"}
    )

    article.refresh_from_db()
    assert article.status == Article.Status.SCHEDULED
    assert article.published_at.isoformat() == "2099-01-01T23:30:00+00:00"


@pytest.mark.parametrize(
    ("role", "state", "name", "data"),
    [
        pytest.param("reporter", "in_review", "approve", {}, id="reporter-approves-own-story"),
        pytest.param("reporter", "draft", "publish", {}, id="reporter-publishes-own-draft"),
        pytest.param(
            "editor", "published", "retract", {"retract-comment": "x"}, id="editor-retracts"
        ),
        pytest.param("editor", "in_review", "request_changes", {}, id="send-back-without-comment"),
        pytest.param(
            "editor",
            "approved",
            "schedule",
            {"schedule-publish_at": "2001-01-01T10:00"},
            id="schedule-in-the-past",
        ),
        pytest.param("editor", "draft", "approve", {}, id="approve-a-draft"),
        pytest.param("editor", "in_review", "teleport", {}, id="unknown-transition"),
    ],
)
def test_crafted_transition_posts_are_refused(request, reporter, role, state, name, data):
    """A POST the workflow refuses changes nothing, whatever the page offered."""
    article = owned(state, reporter)
    before = snapshot(article)

    response = logged_in_client(request.getfixturevalue(role)).post(
        transition_url(article, name), data
    )

    assert response.status_code in (302, 404)
    assert snapshot(article) == before


def test_a_refused_transition_is_explained(reporter):
    """The refusal reaches the user as a message in Indonesian."""
    article = owned("in_review", reporter)

    response = logged_in_client(reporter).post(transition_url(article, "approve"))

    assert messages_of(response) == ["Anda tidak boleh melakukan “Setujui” pada berita ini."]


def test_transitions_on_an_invisible_article_are_not_found(reporter, other_reporter):
    """A reporter cannot even reach another reporter's draft through the transition URL."""
    theirs = owned("draft", other_reporter)
    before = snapshot(theirs)

    response = logged_in_client(reporter).post(transition_url(theirs, "submit"))

    assert response.status_code == 404
    assert snapshot(theirs) == before


def test_the_transition_view_is_post_only(editor):
    """A GET (a link, a prefetch) never changes a story's state."""
    article = article_in_state("in_review")

    response = logged_in_client(editor).get(transition_url(article, "approve"))

    assert response.status_code == 405
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW


# Bulk actions -------------------------------------------------------------------


def bulk(client, action, articles, **extra):
    return client.post(
        reverse("admin:articles_article_changelist"),
        {"action": action, "_selected_action": [a.pk for a in articles], **extra},
    )


def test_a_bulk_action_applies_to_each_and_reports_refusals(editor):
    """Bulk approval approves what passes and names each story it refused, changing it not."""
    ready = article_in_state("in_review", title="Siap disetujui")
    incomplete = article_in_state("in_review", title="Belum lengkap")
    Article.objects.filter(pk=incomplete.pk).update(lead="")
    before = snapshot(incomplete)

    response = bulk(logged_in_client(editor), "transition_approve", [ready, incomplete])

    assert Article.objects.get(pk=ready.pk).status == Article.Status.APPROVED
    assert snapshot(incomplete) == before
    notes = messages_of(response)
    assert any(note.startswith("“Belum lengkap”: Daftar periksa") for note in notes)
    assert "Setujui: 1 berita." in notes


def test_a_bulk_action_asks_for_the_comment_it_needs(editor):
    """Sending back in bulk first asks what must change, then applies it to each story."""
    articles = [article_in_state("in_review"), article_in_state("in_review")]
    client = logged_in_client(editor)

    page = bulk(client, "transition_request_changes", articles)
    assert page.status_code == 200
    assert "Apa yang harus diperbaiki?" in page.content.decode()
    assert all(a.transitions.count() == 1 for a in articles)

    bulk(
        client,
        "transition_request_changes",
        articles,
        apply="1",
        **{"request_changes-comment": "Lengkapi kutipan narasumber."},
    )
    for article in articles:
        article.refresh_from_db()
        assert article.status == Article.Status.CHANGES_REQUESTED


@pytest.mark.parametrize("action", ["transition_approve", "transition_publish", "delete_selected"])
def test_a_crafted_bulk_action_is_refused(reporter, action):
    """Actions a reporter is not offered do nothing when posted anyway."""
    article = owned("in_review", reporter)
    before = snapshot(article)

    bulk(logged_in_client(reporter), action, [article])

    assert snapshot(article) == before


def test_bulk_delete_is_not_offered(chief):
    """Deleting happens one story at a time, where the rule for each is checked."""
    draft = article_in_state("draft")

    bulk(logged_in_client(chief), "delete_selected", [draft], post="yes")

    assert Article.objects.filter(pk=draft.pk).exists()


def test_only_stories_readers_never_saw_can_be_deleted(chief):
    """The chief deletes a draft; a published story's delete page is forbidden."""
    draft, published = article_in_state("draft"), article_in_state("published")
    client = logged_in_client(chief)

    client.post(reverse("admin:articles_article_delete", args=[draft.pk]), {"post": "yes"})
    refused = client.post(
        reverse("admin:articles_article_delete", args=[published.pk]), {"post": "yes"}
    )

    assert not Article.objects.filter(pk=draft.pk).exists()
    assert refused.status_code == 403
    assert Article.objects.filter(pk=published.pk).exists()


# Preview ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        pytest.param("reporter", 200, id="own-draft"),
        pytest.param("other_reporter", 404, id="another-reporters-draft"),
        pytest.param("editor", 200, id="editor"),
    ],
)
def test_preview_shows_a_draft_only_to_who_may_see_it(request, reporter, role, expected):
    """The public rendering of a draft is for its reporter and the desk, never a colleague."""
    draft = owned("draft", reporter)

    response = logged_in_client(request.getfixturevalue(role)).get(
        reverse("articles:article_preview", kwargs={"pk": draft.pk})
    )

    assert response.status_code == expected


def test_preview_is_not_for_the_public(client, db):
    """An anonymous visitor is sent to the login page, not shown the draft."""
    draft = publishable_article()

    response = client.get(reverse("articles:article_preview", kwargs={"pk": draft.pk}))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_editing_a_published_story_refreshes_the_public_page(
    editor, client, django_capture_on_commit_callbacks
):
    """Readers see an editor's fix at once: the cached page is dropped after the save commits."""
    article = article_in_state("published", title="Judul lama di situs")
    url = article.get_absolute_url()
    assert "Judul lama di situs" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        logged_in_client(editor).post(
            change_url(article), article_form_data(article, title="Judul baru di situs")
        )

    assert "Judul baru di situs" in client.get(url).content.decode()
