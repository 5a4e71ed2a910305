"""The demo newsroom (articles/demo.py and the load_demo command)."""

import datetime
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from articles.demo import PASSWORD, fill_in_days, read_content
from articles.models import (
    Article,
    ArticleTransition,
    Correction,
    Image,
    Official,
    Region,
    Section,
    Topic,
)

CONTENT = read_content()


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for this module (it takes seconds) and rolled back after it."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")),
        transaction.atomic(),
    ):
        output = StringIO()
        call_command("load_demo", stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db):
    return demo_output


def demo_article(key):
    return Article.objects.get(external_id=f"demo-{key}")


def history(article):
    return [
        (transition.name, transition.actor.username)
        for transition in article.transitions.select_related("actor")
    ]


def counts():
    models = [Article, ArticleTransition, Correction, Image, Official, Region, Section, Topic]
    return {
        "users": get_user_model().objects.count(),
        **{model.__name__: model.objects.count() for model in models},
    }


def test_demo_is_a_whole_newsroom(demo):
    """At least 40 stories across at least 6 sections and several places and officials."""
    assert Article.objects.count() >= 40
    assert Article.objects.values("section").distinct().count() >= 6
    assert Region.objects.filter(tagged_items__isnull=False).distinct().count() >= 5
    assert Official.objects.filter(tagged_items__isnull=False).distinct().count() >= 5
    assert Official.objects.get(name="Hasanuddin Rivai").position == "Wali Kota Balikpapan"


def test_every_workflow_state_is_present(demo):
    """The desk shows a story in each state the workflow has."""
    assert set(Article.objects.values_list("status", flat=True)) == set(Article.Status.values)


def test_loading_twice_creates_no_duplicates(demo):
    """A second run adds nothing, says so, and prints the logins again."""
    before = counts()
    output = StringIO()

    call_command("load_demo", stdout=output)

    assert counts() == before
    assert "sudah dimuat" in output.getvalue()
    assert "rinamaharani" in output.getvalue()


def test_logins_are_printed_and_work(demo):
    """Each demo login is printed with its password and lets that person in with their role."""
    table = demo.split("\n\n")[-1]
    for person in CONTENT["staff"]:
        assert re.search(rf"\b{person['username']}\s+{PASSWORD}", table)
    assert re.search(rf"\badmin\s+{PASSWORD}", table)

    users = get_user_model().objects.in_bulk(
        ["rinamaharani", "hendrasaputra", "gustiardiansyah", "admin"], field_name="username"
    )
    assert all(user.is_active and user.check_password(PASSWORD) for user in users.values())
    assert users["rinamaharani"].has_perm("articles.change_article")
    assert not users["rinamaharani"].has_perm("articles.review_article")
    assert users["hendrasaputra"].has_perm("articles.publish_article")
    assert not users["hendrasaputra"].has_perm("articles.retract_article")
    assert users["gustiardiansyah"].has_perm("articles.retract_article")
    assert users["admin"].is_superuser


def test_published_stories_are_public_and_the_scheduled_one_is_not(demo):
    """Published demo stories pass the public query; the scheduled one waits for tomorrow."""
    public = set(Article.objects.published())
    published = set(Article.objects.filter(status=Article.Status.PUBLISHED))
    scheduled = Article.objects.get(status=Article.Status.SCHEDULED)

    assert published <= public
    assert scheduled not in public
    assert scheduled.published_at > timezone.now()


def test_history_is_written_by_the_people_whose_job_it_is(demo):
    """Reporters submit, editors approve and publish, the editor-in-chief retracts."""
    assert history(demo_article("apbd-balikpapan-2027-disahkan")) == [
        ("submit", "rinamaharani"),
        ("approve", "hendrasaputra"),
        ("publish", "hendrasaputra"),
    ]
    retracted = demo_article("oknum-asn-diduga-jaringan-sabu")
    assert history(retracted)[-1] == ("retract", "gustiardiansyah")
    assert retracted.retraction_reason.startswith("Redaksi Newsroom mencabut berita ini.")
    sent_back = demo_article("smp-negeri-baru-samarinda-seberang")
    request = sent_back.transitions.get(name="request_changes")
    assert request.actor.username == "lestarihandayani"
    assert request.comment.startswith("Angka Rp 21 miliar perlu dicek ulang")


def test_story_that_may_identify_a_child_is_decided_by_the_chief(demo):
    """A sensitive story is approved and published by the editor-in-chief."""
    article = demo_article("balita-meninggal-dbd-tenggarong")

    assert article.identifies_child is True
    assert history(article)[1:] == [
        ("approve", "gustiardiansyah"),
        ("publish", "gustiardiansyah"),
    ]


def test_back_dated_stories_keep_their_date(demo):
    """A story written 52 days ago was published that day, at a working hour (WITA)."""
    published_at = timezone.localtime(demo_article("kolam-retensi-sepinggan-dimulai").published_at)

    assert published_at.date() == timezone.localdate() - datetime.timedelta(days=52)
    assert 7 <= published_at.hour <= 20


def test_only_corrected_stories_read_as_updated(demo):
    """Back-dated stories are not "Diperbarui" today; the corrected one is."""
    published = Article.objects.published()
    corrected = published.filter(corrections__isnull=False)
    untouched = published.filter(corrections__isnull=True, reply_to__isnull=True)

    assert untouched.exists()
    assert all(article.updated_at <= article.published_at for article in untouched)
    assert all(article.updated_at > article.published_at for article in corrected)


def test_dates_in_the_text_are_written_indonesian_style(demo):
    """The "{d:N}" markers become dates like "Rabu (07/10/2026)"; none is left over."""
    bodies = " ".join(Article.objects.values_list("body", flat=True))

    assert "{d:" not in bodies
    assert re.search(r"(Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu) \(\d\d/\d\d/\d{4}\)", bodies)


def test_fill_in_days_counts_back_from_the_story_day():
    """{d:0} is the story's day, {d:1} the day before, {d:-5} five days later."""
    text = fill_in_days("{d:0}, {d:1}, {d:-5}", datetime.date(2025, 11, 14))

    assert text == "Jumat (14/11/2025), Kamis (13/11/2025), Rabu (19/11/2025)"


def test_correction_and_right_of_reply(demo):
    """One story carries a correction; a right of reply is published and linked to it."""
    corrected = demo_article("kolam-retensi-sepinggan-dimulai")
    answered = demo_article("kolam-retensi-sepinggan-terlambat")
    reply = answered.replies.get()

    assert corrected.corrections.get().text.startswith("Ralat:")
    assert reply.reply_to == answered
    assert {reply, answered} <= set(Article.objects.published())
    assert reply.published_at > answered.published_at


def test_an_overdue_story_waits_for_its_assigned_editor(demo):
    """One story in review is past its deadline, with an editor assigned."""
    overdue = Article.objects.filter(
        status=Article.Status.IN_REVIEW, deadline__lt=timezone.now()
    ).get()

    assert overdue.editor.username == "lestarihandayani"


def test_pictures_are_generated_and_processed(demo):
    """Every story has a 1600×900 picture with alt text, credit and renditions."""
    for article in Article.objects.select_related("featured_image"):
        image = article.featured_image
        assert (image.width, image.height) == (1600, 900)
        assert image.alt_text
        assert image.credit.startswith("Newsroom/")
        assert image.renditions


def test_demo_is_refused_in_production(settings, db):
    """The demo's passwords are public: the command refuses to run in production."""
    settings.PRODUCTION = True
    before = counts()

    with pytest.raises(CommandError, match="produksi"):
        call_command("load_demo", stdout=StringIO())

    assert counts() == before
