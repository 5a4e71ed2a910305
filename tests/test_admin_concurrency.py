"""Two people editing one article: the stale save is refused, names the first, loses nothing."""

import re

import pytest
from django.urls import reverse

from articles import workflow
from articles.roles import EDITOR
from tests.factories import article_form_data, article_in_state, logged_in_client, role_user


@pytest.fixture
def two_editors(db):
    first = role_user(EDITOR, username="dewi", first_name="Dewi", last_name="Lestari")
    second = role_user(EDITOR, username="agus", first_name="Agus", last_name="Salim")
    return logged_in_client(first), logged_in_client(second)


def version_in(page):
    """The version the form was loaded at, as the browser would send it back."""
    return int(re.search(r'name="expected_version" value="(\d+)"', page).group(1))


def test_a_stale_save_is_refused_with_who_and_when_and_the_text_is_kept(two_editors):
    """Dewi saves first; Agus's save, based on the older version, is refused and his text stays."""
    dewi, agus = two_editors
    article = article_in_state("in_review", title="Judul awal dari jurnalis")
    url = reverse("admin:articles_article_change", args=[article.pk])
    dewi_version = version_in(dewi.get(url).content.decode())
    agus_version = version_in(agus.get(url).content.decode())

    saved = dewi.post(
        url, article_form_data(article, title="Judul versi Dewi", expected_version=dewi_version)
    )
    refused = agus.post(
        url,
        article_form_data(
            article,
            title="Judul versi Agus",
            lead="Ringkasan yang ditulis ulang oleh Agus.",
            expected_version=agus_version,
        ),
    )

    assert saved.status_code == 302
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Dewi Lestari mengubah berita ini pada" in page
    assert "WITA" in page
    assert 'value="Judul versi Agus"' in page
    assert "Ringkasan yang ditulis ulang oleh Agus." in page
    article.refresh_from_db()
    assert (article.title, article.version) == ("Judul versi Dewi", 2)


def test_saving_again_after_the_warning_is_a_deliberate_overwrite(two_editors):
    """The refused form carries the new version: Agus, having been warned, may save his text."""
    dewi, agus = two_editors
    article = article_in_state("in_review")
    url = reverse("admin:articles_article_change", args=[article.pk])
    dewi.post(url, article_form_data(article, title="Judul versi Dewi", expected_version=1))
    refused = agus.post(
        url, article_form_data(article, title="Judul versi Agus", expected_version=1)
    )

    agus.post(
        url,
        article_form_data(
            article, title="Judul versi Agus", expected_version=version_in(refused.content.decode())
        ),
    )

    article.refresh_from_db()
    assert (article.title, article.version) == ("Judul versi Agus", 3)
    assert [r.data["title"] for r in article.revisions.all()] == [
        "Judul versi Agus",
        "Judul versi Dewi",
    ]


def test_a_status_change_in_between_does_not_make_a_save_stale(two_editors):
    """Approval changes the state, not the text: an open form can still be saved."""
    dewi, _ = two_editors
    article = article_in_state("in_review")
    url = reverse("admin:articles_article_change", args=[article.pk])
    version = version_in(dewi.get(url).content.decode())
    workflow.apply_transition(article, "approve", role_user(EDITOR, username="redaktur-lain"))

    response = dewi.post(
        url, article_form_data(article, title="Judul baru", expected_version=version)
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.status) == ("Judul baru", "approved")
