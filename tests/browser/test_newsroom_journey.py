"""A story's whole life, click for click in Chromium: write, review, schedule, read, correct.

A journalist writes in the rich-text editor, adds a photo through the admin's
popup, accepts tag suggestions and submits; an editor sends it back with a
comment; the journalist fixes it and resubmits; the editor approves and
schedules it a few seconds ahead. When the time comes a reader finds it on the
home page, reads it with its "Baca juga" block and follows a region link; the
editor's correction then reaches the reader. Two editors saving the same story
at once: the second is refused and keeps what they typed.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from articles.models import Article
from articles.roles import EDITOR, REPORTER
from tests.factories import (
    OfficialFactory,
    RegionFactory,
    SectionFactory,
    article_in_state,
    jpeg_bytes,
    published_article,
    role_user,
)

Status = Article.Status
TITLE = "Wali Kota Rahmad Mas'ud resmikan Jembatan Manggar Baru"
OFFICIAL = "Rahmad Mas'ud"
EARLIER_TITLES = ("Jembatan Manggar lama ditutup sementara", "Warga Manggar menanti jembatan baru")


@pytest.fixture
def newsroom():
    """The desk (a journalist and an editor) and two stories already out about Balikpapan."""
    section = SectionFactory(name="Pemerintahan", slug="pemerintahan")
    region = RegionFactory(name="Balikpapan", slug="balikpapan")
    official = OfficialFactory(name=OFFICIAL, slug="rahmad-masud", position="Wali Kota Balikpapan")
    for title in EARLIER_TITLES:
        earlier = published_article(title=title, section=section)
        earlier.regions.add(region)
        earlier.officials.add(official)
    return {
        "journalist": role_user(REPORTER, username="rina", first_name="Rina", last_name="Wati"),
        "editor": role_user(EDITOR, username="budi", first_name="Budi", last_name="Santoso"),
    }


def choose_autocomplete(page, field, text):
    """Pick ``text`` in one of the admin's select2 autocompletes, as a person does."""
    page.click(f".field-{field} .select2-selection")
    page.keyboard.type(text)
    page.click(f".select2-results__option:has-text('{text}')")


def submit_transition(page, name, **fields):
    """Fill a workflow action's fields and press its button on the change page."""
    for field, value in fields.items():
        page.fill(f"#id_{name}-{field}", value)
    with page.expect_navigation():
        page.click(f"button[name=transition][value={name}]")


def assert_status(page, article, status):
    """The story is in ``status`` in the database, and the page says so in Indonesian."""
    article.refresh_from_db()
    assert article.status == status
    with translation.override("id"):
        assert page.inner_text(".workflow-status strong") == str(status.label)


def test_a_story_from_the_first_word_to_the_correction(visitor, newsroom, tmp_path):
    journalist = visitor()
    journalist.log_in("rina")
    page = journalist.page
    journalist.goto("/admin/articles/article/add/")

    page.fill("#id_title", TITLE)
    page.fill("#id_lead", "Jembatan baru di Manggar dibuka untuk umum pada Sabtu pagi.")
    editor_box = page.locator(".field-body [contenteditable=true]")
    editor_box.click()
    page.keyboard.type(f"Wali Kota {OFFICIAL} meresmikan jembatan di Balikpapan Timur.")
    page.keyboard.press("Enter")
    page.keyboard.type("Warga menyambut dengan antusias.")
    choose_autocomplete(page, "section", "Pemerintahan")

    photo = tmp_path / "jembatan.jpg"
    photo.write_bytes(jpeg_bytes(width=1200, height=800))
    with page.expect_popup() as opened:
        page.click("#add_id_featured_image")
    popup = opened.value
    popup.set_input_files("#id_file", photo)
    popup.fill("#id_alt_text", "Jembatan Manggar Baru dilihat dari tepi sungai")
    popup.fill("#id_caption", "Jembatan Manggar Baru, Sabtu pagi.")
    popup.fill("#id_credit", "Newsroom/Rina")
    popup.click("input[name=_save]")
    popup.wait_for_event("close")
    assert "Jembatan Manggar Baru" in page.inner_text(".field-featured_image")

    # The suggestions come from the title and the body typed above.
    page.click(".field-regions .tag-suggestion:has-text('Balikpapan')")
    page.click(f'.field-officials .tag-suggestion:has-text("{OFFICIAL}")')
    assert "Balikpapan" in page.inner_text(".field-regions .select2-selection")
    assert OFFICIAL in page.inner_text(".field-officials .select2-selection")
    page.select_option("#id_identifies_child", "false")
    page.select_option("#id_identifies_sexual_violence_victim", "false")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    article = Article.objects.get(title=TITLE)
    assert "Warga menyambut dengan antusias." in article.body
    assert [r.name for r in article.regions.all()] == ["Balikpapan"]
    change = f"/admin/articles/article/{article.pk}/change/"
    submit_transition(page, "submit")
    assert_status(page, article, Status.IN_REVIEW)

    editor = visitor()
    editor.log_in("budi")
    editor.goto(change)
    submit_transition(editor.page, "request_changes", comment="Tambahkan kutipan warga.")
    assert_status(editor.page, article, Status.CHANGES_REQUESTED)

    journalist.goto(change)
    assert "Tambahkan kutipan warga." in page.inner_text("#content")
    editor_box = page.locator(".field-body [contenteditable=true]")
    editor_box.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("“Kami senang sekali,” kata Siti, warga Manggar.")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    submit_transition(page, "submit", comment="Kutipan sudah ditambahkan.")
    assert_status(page, article, Status.IN_REVIEW)

    editor.goto(change)
    submit_transition(editor.page, "approve")
    assert_status(editor.page, article, Status.APPROVED)
    due = timezone.localtime(timezone.now() + timedelta(seconds=6)).replace(microsecond=0)
    # The field shows minutes; a person would pick a minute ahead, the test cannot wait that.
    editor.page.eval_on_selector("#id_schedule-publish_at", "input => { input.step = 1; }")
    editor.page.fill("#id_schedule-publish_at", due.strftime("%Y-%m-%dT%H:%M:%S"))
    submit_transition(editor.page, "schedule")
    assert_status(editor.page, article, Status.SCHEDULED)

    reader = visitor()
    reader.goto("/")
    assert TITLE not in reader.page.inner_text("main")
    time.sleep(max(0, (due - timezone.now()).total_seconds()) + 1)
    reader.goto("/")
    reader.page.click(f'main a:has-text("{TITLE}")')
    reader.page.wait_for_url(f"**/berita/{article.slug}/")
    assert "Kami senang sekali" in reader.page.inner_text("article")
    related = reader.page.locator("section.related")
    assert related.locator("h2").text_content() == "Baca juga"
    assert any(title in related.inner_text() for title in EARLIER_TITLES)
    reader.page.click("a[href='/wilayah/balikpapan/']")
    reader.page.wait_for_url("**/wilayah/balikpapan/")
    assert "Balikpapan" in reader.page.inner_text("h1")
    assert TITLE in reader.page.inner_text("main")

    editor.goto(change)
    editor.page.fill("#correction-text", "Jembatan diresmikan Sabtu, bukan Jumat.")
    with editor.page.expect_navigation():
        editor.page.click("form[action$='/correction/'] button[type=submit]")
    reader.goto(f"/berita/{article.slug}/")
    # Browsers may keep a page for a minute (Cache-Control max-age); a reload asks the server.
    reader.page.reload()
    assert "Jembatan diresmikan Sabtu, bukan Jumat." in reader.page.inner_text("main")
    for person in (journalist, editor, reader):
        assert person.csp_violations() == []


def test_the_second_of_two_editors_saving_at_once_is_refused_and_keeps_the_text(visitor, newsroom):
    article = article_in_state("in_review", title="Harga elpiji 3 kg naik di Balikpapan")
    role_user(EDITOR, username="dewi")
    change = f"/admin/articles/article/{article.pk}/change/"
    first, second = visitor(), visitor()
    first.log_in("budi")
    second.log_in("dewi")
    first.goto(change)
    second.goto(change)

    first.page.fill("#id_title", "Harga elpiji 3 kg naik jadi Rp22.000 di Balikpapan")
    with first.page.expect_navigation():
        first.page.click("input[name=_continue]")
    second.page.fill("#id_lead", "Pangkalan menaikkan harga sejak Senin pagi.")
    with second.page.expect_navigation():
        second.page.click("input[name=_continue]")

    refusal = second.page.inner_text("#content")
    assert "mengubah berita ini" in refusal and "setelah Anda membukanya" in refusal
    assert second.page.input_value("#id_lead") == "Pangkalan menaikkan harga sejak Senin pagi."
    article.refresh_from_db()
    assert article.title == "Harga elpiji 3 kg naik jadi Rp22.000 di Balikpapan"
    assert article.lead != "Pangkalan menaikkan harga sejak Senin pagi."
