"""What each role and an anonymous visitor must not be able to do, and hostile input.

Every refused attempt is checked for its effect (nothing changed in the database),
not only for its status code. Payloads go in through the models and the admin as a
user would put them, and come out on every public page, feed and admin page.
"""

import base64
import hashlib
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.models import Article, ArticleTransition, EditorialComment, Image
from articles.roles import EDITOR, EDITOR_IN_CHIEF, REPORTER
from tests.factories import (
    ImageFactory,
    OfficialFactory,
    RegionFactory,
    SectionFactory,
    TopicFactory,
    UserFactory,
    article_form_data,
    article_in_state,
    logged_in_client,
    published_article,
    role_user,
    uploaded_jpeg,
)
from tests.test_images import noisy_jpeg_bytes, picture_bytes, png_bomb
from tests.test_settings import STRONG_SECRET, manage

pytestmark = pytest.mark.django_db

PROJECT_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def reporter():
    return role_user(REPORTER, username="jurnalis")


@pytest.fixture
def users(reporter):
    """Every kind of visitor, by name: the anonymous one is None."""
    return {
        "anonymous": None,
        "not-staff": UserFactory(username="pembaca", is_staff=False),
        "staff-without-role": UserFactory(username="staf"),
        "reporter": reporter,
        "other-reporter": role_user(REPORTER, username="jurnalis-lain"),
        "editor": role_user(EDITOR, username="redaktur"),
        "chief": role_user(EDITOR_IN_CHIEF, username="pemred"),
    }


def client_for(user):
    return Client() if user is None else logged_in_client(user)


def snapshot(article):
    """Everything a refused request must leave alone."""
    return (
        Article.objects.values().get(pk=article.pk),
        ArticleTransition.objects.filter(article=article).count(),
    )


def owned_draft(reporter, state="in_review"):
    article = article_in_state(state, created_by=reporter)
    article.reporters.add(reporter)
    return article


# Who may publish ------------------------------------------------------------------

NOT_PUBLISHERS = ["anonymous", "not-staff", "staff-without-role", "reporter", "other-reporter"]


@pytest.mark.parametrize("who", NOT_PUBLISHERS)
def test_a_crafted_transition_post_cannot_publish(users, reporter, who):
    """Approve and publish POSTed straight to the transition URL change nothing."""
    article = owned_draft(reporter, "approved")
    before = snapshot(article)
    client = client_for(users[who])

    for name in ("approve", "publish", "schedule"):
        url = reverse("admin:articles_article_transition", args=[article.pk, name])
        response = client.post(url, {"schedule-publish_at": "2030-01-01T10:00"})
        assert response.status_code in (302, 403, 404)

    assert snapshot(article) == before


@pytest.mark.parametrize("who", NOT_PUBLISHERS)
def test_a_bulk_publish_action_cannot_publish(users, reporter, who):
    """The publish action posted to the changelist by someone not offered it does nothing."""
    article = owned_draft(reporter, "approved")
    before = snapshot(article)

    client_for(users[who]).post(
        reverse("admin:articles_article_changelist"),
        {"action": "transition_publish", "_selected_action": [article.pk], "apply": "1"},
    )

    assert snapshot(article) == before


@pytest.mark.parametrize("who", ["reporter", "editor"])
def test_the_change_form_ignores_a_posted_status(users, reporter, who):
    """A ``status`` or ``published_at`` field added to the form's POST is not a way around."""
    article = owned_draft(reporter, "draft")
    data = article_form_data(article, status="published", published_at="2020-01-01 10:00")

    logged_in_client(users[who]).post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert not ArticleTransition.objects.filter(article=article).exists()


def test_a_reporter_cannot_open_or_change_another_reporters_draft(users, reporter):
    """Not in the list, not at its URL, not through a crafted save."""
    theirs = owned_draft(users["other-reporter"], "draft")
    before = snapshot(theirs)
    client = logged_in_client(reporter)
    change = reverse("admin:articles_article_change", args=[theirs.pk])

    assert client.get(change).status_code in (302, 404)
    client.post(change, article_form_data(theirs, title="Dibajak"))
    listing = client.get(reverse("admin:articles_article_changelist"))

    assert theirs.title not in listing.text
    assert snapshot(theirs) == before


@pytest.mark.parametrize("who", ["anonymous", "not-staff"])
def test_the_admin_is_closed_without_staff_status(users, who):
    """Anyone without staff status is sent to the login page from every admin URL."""
    client = client_for(users[who])
    article = article_in_state("draft")

    for url in (
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_dashboard"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("who", ["anonymous", "not-staff", "other-reporter"])
def test_drafts_and_previews_are_not_found_by_guessing(users, reporter, who):
    """A draft's public URL is a 404; its preview is not shown to whoever may not see it."""
    draft = owned_draft(reporter, "in_review")
    scheduled = article_in_state("scheduled")
    client = client_for(users[who])

    for article in (draft, scheduled):
        assert client.get(f"/berita/{article.slug}/").status_code == 404
        preview = client.get(reverse("articles:article_preview", args=[article.pk]))
        assert preview.status_code in (302, 403, 404)
        assert article.title not in preview.text


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(lambda a: reverse("admin:articles_article_change", args=[a.pk]), id="change"),
        pytest.param(
            lambda a: reverse("admin:articles_article_transition", args=[a.pk, "approve"]),
            id="transition",
        ),
        pytest.param(
            lambda a: reverse("admin:articles_article_comment", args=[a.pk]), id="comment"
        ),
    ],
)
def test_admin_posts_without_a_csrf_token_are_refused(users, url):
    """A form posted from another site (no CSRF token) is refused with 403, nothing changed."""
    article = article_in_state("in_review")
    before = snapshot(article)
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["chief"])

    response = client.post(url(article), article_form_data(article, text="Komentar"))

    assert response.status_code == 403
    assert snapshot(article) == before
    assert not EditorialComment.objects.filter(article=article).exists()


def test_the_login_form_without_a_csrf_token_is_refused(users):
    """Login CSRF: a forged login post does not log anyone in."""
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("admin:login"), {"username": "pemred", "password": "rahasia-redaksi-123"}
    )

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


# Stored XSS -------------------------------------------------------------------------

SCRIPT = '<script>alert("xss")</script>'
HANDLER = "<img src=x onerror=alert(1)>"
JS_LINK = '<a href="javascript:alert(1)">klik</a>'
SVG = "<svg onload=alert(1)><script>alert(2)</script></svg>"
PAYLOAD = SCRIPT + HANDLER + JS_LINK + SVG


DATA_BLOCKS = ("application/ld+json", "importmap")


class LiveMarkupFinder(HTMLParser):
    """Collects markup that a browser would run: inline scripts, handlers, javascript: URLs, SVG."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            # Structured data and import maps are data blocks, not code.
            self._in_inline_script = attributes.get("type") not in DATA_BLOCKS
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.found.append(f"<script>{data.strip()[:30]}")


def live_markup_in_html(text):
    finder = LiveMarkupFinder()
    finder.feed(text)
    finder.close()
    return finder.found


RENDERED_FEED_ELEMENTS = ("description", "{http://purl.org/rss/1.0/modules/content/}encoded")


def live_markup_in(response):
    """The payload fragments a browser or feed reader would run, not show as text.

    Feeds and sitemaps must be well-formed XML with no foreign elements; the
    HTML that feed readers render (an item's RSS description) is checked like a
    page. Media RSS captions are plain text, so escaped markup there is inert.
    """
    text = response.content.decode()
    if "xml" not in response["Content-Type"]:
        return live_markup_in_html(text)
    found = []
    for element in ElementTree.fromstring(text).iter():
        if element.tag.rsplit("}", 1)[-1] in ("script", "svg", "img", "a"):
            found.append(f"<{element.tag}> element")
        if element.tag in RENDERED_FEED_ELEMENTS:
            found += live_markup_in_html(element.text or "")
    return found


@pytest.fixture
def hostile_article(users):
    """A published story whose every free-text field, and its tags, carry the payload."""
    region = RegionFactory(name=f"Kota {SVG}"[:100], slug="kota-xss")
    official = OfficialFactory(name=f"Tokoh {HANDLER}", slug="tokoh-xss", position=SCRIPT)
    topic = TopicFactory(name=f"topik {SCRIPT}"[:100], slug="topik-xss")
    section = SectionFactory(name=f"Rubrik {HANDLER}"[:60], slug="rubrik-xss")
    image = ImageFactory(caption=PAYLOAD, alt_text=f"Foto {HANDLER}", credit=f"Kredit {SVG}")
    article = published_article(
        actor=users["chief"],
        title=f"Judul {HANDLER}{SCRIPT}",
        kicker=SVG[:40],
        lead=f"Teras {PAYLOAD}",
        body=f"<p>Isi {PAYLOAD}</p><p><a href='javascript:alert(3)'>tautan</a></p>",
        section=section,
        featured_image=image,
        seo_description=f"SEO {SCRIPT}",
    )
    article.regions.add(region)
    article.officials.add(official)
    article.topics.add(topic)
    workflow.add_correction(article, users["chief"], f"Ralat {PAYLOAD}")
    EditorialComment.objects.create(article=article, author=users["editor"], text=PAYLOAD)
    return article


PUBLIC_PAGES = [
    "/",
    "/berita/{slug}/",
    "/rubrik/rubrik-xss/",
    "/wilayah/kota-xss/",
    "/tokoh/tokoh-xss/",
    "/topik/topik-xss/",
    "/ralat/",
    "/indeks/",
    "/cari/?q=Judul",
    "/cari/?q=" + SCRIPT + HANDLER,
    "/rss/",
    "/rss/rubrik/rubrik-xss/",
    "/rss/wilayah/kota-xss/",
    "/rss/tokoh/tokoh-xss/",
    "/rss/topik/topik-xss/",
    "/sitemap.xml",
    "/sitemap-berita.xml",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_stored_payloads_are_inert_on_every_public_page(client, hostile_article, path):
    """Script, event handler, javascript: and SVG payloads show as text or not at all."""
    response = client.get(path.format(slug=hostile_article.slug))

    assert response.status_code in (200, 404)
    assert live_markup_in(response) == []


def test_stored_payloads_are_inert_in_the_admin(users, hostile_article):
    """The editors' own pages escape what reporters typed: list, change page, history."""
    client = logged_in_client(users["chief"])
    urls = [
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[hostile_article.pk]),
        reverse("admin:articles_article_dashboard"),
        reverse("admin:articles_image_changelist"),
        reverse("admin:articles_region_changelist"),
        reverse("admin:articles_official_changelist"),
        reverse("admin:articles_topic_changelist"),
        reverse("articles:article_preview", args=[hostile_article.pk]),
    ]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert live_markup_in(response) == [], url


# SQL injection ----------------------------------------------------------------------

HOSTILE_VALUES = [
    "' OR '1'='1",
    "1; DROP TABLE articles_article; --",
    "%' UNION SELECT password FROM auth_user --",
    "\\'; SELECT pg_sleep(5); --",
    "1)) OR 1=1 --",
]


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_public_parameters_get_normal_answers(client, value):
    """Search words and page numbers are data, never SQL: a 200 or a plain 404."""
    published_article(title="Banjir rob di Balikpapan")

    for path, params in [
        ("/cari/", {"q": value}),
        ("/cari/", {"q": "banjir", "halaman": value}),
        ("/", {"halaman": value}),
        ("/indeks/", {"halaman": value}),
    ]:
        response = client.get(path, params)
        assert response.status_code in (200, 404), (path, params)

    assert Article.objects.count() == 1


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_admin_filters_get_normal_answers(users, value):
    """The changelist's search, filters and ordering parameters survive crafted values."""
    published_article(title="Banjir rob di Balikpapan")
    client = logged_in_client(users["editor"])
    url = reverse("admin:articles_article_changelist")

    for params in [
        {"q": value},
        {"status__exact": value},
        {"section__id__exact": value},
        {"published_at__gte": value},
        {"o": value},
        {value: "1"},
    ]:
        response = client.get(url, params)
        assert response.status_code in (200, 302), params

    assert Article.objects.count() == 1


# Uploads ------------------------------------------------------------------------------


def post_image(client, content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("admin:articles_image_add"),
        {
            "file": SimpleUploadedFile(name, content),
            "alt_text": "Foto uji",
            "caption": "Keterangan",
            "credit": "Newsroom",
        },
    )


@pytest.mark.parametrize(
    ("content", "name"),
    [
        pytest.param(
            picture_bytes("GIF") + b"<script>alert(1)</script>", "foto.gif", id="gif-html-polyglot"
        ),
        pytest.param(
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "foto.svg", id="svg"
        ),
        pytest.param(b"<html><script>alert(1)</script></html>", "foto.jpg", id="html-as-jpg"),
        pytest.param(b"<?php system($_GET['c']); ?>", "foto.php", id="php"),
        pytest.param(png_bomb(), "foto.png", id="decompression-bomb"),
    ],
)
def test_hostile_uploads_are_refused_through_the_admin(reporter, content, name):
    """The image form refuses what is not a whole, sane photo, and stores nothing."""
    response = post_image(logged_in_client(reporter), content, name)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"]
    assert not Image.objects.exists()


def test_an_oversized_upload_is_refused_through_the_admin(settings, reporter):
    """A photo over the byte limit is refused before it is decoded."""
    settings.NEWSROOM_IMAGE_MAX_BYTES = 50_000
    content = noisy_jpeg_bytes()
    assert len(content) > 50_000

    response = post_image(logged_in_client(reporter), content, "foto.jpg")

    assert response.context["adminform"].form.errors["file"]
    assert not Image.objects.exists()


def test_a_real_photo_is_accepted_through_the_admin(reporter):
    """The same form takes an ordinary JPEG: the refusals above are not blanket ones."""
    response = post_image(logged_in_client(reporter), uploaded_jpeg().read(), "foto.jpg")

    assert response.status_code == 302
    assert Image.objects.count() == 1


# Login throttling and headers -------------------------------------------------------


def test_repeated_failed_logins_lock_the_account_with_a_clear_message(settings, users):
    """After the limit, even the right password is refused, in Indonesian, with a 429."""
    client = Client()
    login = reverse("admin:login")
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(login, {"username": "pemred", "password": "tebakan-salah"})
        assert response.status_code == (429 if attempt == settings.AXES_FAILURE_LIMIT else 200)

    response = client.post(login, {"username": "pemred", "password": "rahasia-redaksi-123"})

    assert response.status_code == 429
    assert "Terlalu banyak percobaan login yang gagal" in response.text
    assert "_auth_user_id" not in client.session


def test_a_successful_login_resets_the_count(settings, users):
    """A journalist who mistypes now and then is never locked out by old mistakes."""
    client = Client()
    login = reverse("admin:login")
    for _ in range(2):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            client.post(login, {"username": "jurnalis", "password": "salah-ketik"})
        response = client.post(login, {"username": "jurnalis", "password": "rahasia-redaksi-123"})
        assert response.status_code == 302
        client.logout()


def test_public_pages_carry_a_csp_without_inline_script(client):
    """Public pages: scripts only from our own files, no inline style either."""
    published_article()

    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "object-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_admin_policy_still_forbids_inline_script(users):
    """The admin may use inline styles (its widgets do) but not inline scripts."""
    response = logged_in_client(users["editor"]).get(reverse("admin:index"))

    script_src = next(
        part for part in response["Content-Security-Policy"].split(";") if "script-src" in part
    )
    assert script_src.strip() == "script-src 'self'"


def test_the_editors_import_map_is_allowed_by_its_hash_only(users):
    """The rich-text editor's inline import map runs; any other inline script would not."""
    response = logged_in_client(users["reporter"]).get(reverse("admin:articles_article_add"))

    import_map = re.search(
        r'<script type="importmap"[^>]*>(.*?)</script>', response.text, re.DOTALL
    ).group(1)
    digest = base64.b64encode(hashlib.sha256(import_map.encode()).digest()).decode()
    script_src = next(
        part for part in response["Content-Security-Policy"].split(";") if "script-src" in part
    )
    assert script_src.split() == ["script-src", "'self'", f"'sha256-{digest}'"]


PRODUCTION_PROBE = """
import django
django.setup()
from django.conf import settings
print(settings.SECURE_HSTS_SECONDS, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,
      settings.SECURE_SSL_REDIRECT, settings.SECURE_CONTENT_TYPE_NOSNIFF,
      settings.SECURE_REFERRER_POLICY, "unsafe-inline" in settings.CSP_PUBLIC["script-src"])
"""
PRODUCTION = {
    "NEWSROOM_ENV": "production",
    "ALLOWED_HOSTS": "berita.example.id",
    "DJANGO_SETTINGS_MODULE": "newsroom.settings",
}


def test_production_settings_are_strict():
    """HSTS for a year, secure cookies, HTTPS redirect, nosniff, referrer policy, CSP."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=PROJECT_DIR,
        env={**env, **PRODUCTION, "SECRET_KEY": STRONG_SECRET},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "strict-origin-when-cross-origin",
        "False",
    ]


def test_production_refuses_the_development_secret():
    """The key development and tests use, known to everyone, stops production at start-up."""
    result = manage("check", **PRODUCTION, SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY)

    assert result.returncode == 1
    assert "SECRET_KEY" in result.stderr
