"""Browser tests: Debian's Chromium driven by Playwright against a live test server.

Every test in this folder is marked ``browser``. Without a Chromium at
CHROMIUM_PATH they are deselected with one line saying so (``make test`` on a
machine without it); ``.ci/run`` installs Chromium so CI always runs them.
Nothing here downloads a browser. On failure, a screenshot of every page the
test had open is saved in test-artifacts/.
"""

import contextlib
import os
import re
from pathlib import Path

import pytest

CHROMIUM_PATH = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
HERE = Path(__file__).resolve().parent
PASSWORD = "rahasia-redaksi-123"


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if HERE in Path(str(item.path)).parents]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if browser_items and not CHROMIUM_PATH.exists():
        items[:] = [item for item in items if item not in browser_items]
        config.hook.pytest_deselected(items=browser_items)
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        message = (
            f"browser tests NOT RUN: no Chromium at {CHROMIUM_PATH} "
            f"({len(browser_items)} deselected; apt-get install chromium to run them)"
        )
        if reporter is not None:
            reporter.write_line(message, yellow=True, bold=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        for number, page in enumerate(getattr(item, "open_pages", [])):
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", item.name)
            try:
                page.screenshot(path=ARTIFACTS / f"{name}-{number}.png", full_page=True)
            except Exception:  # A closed page must not hide the real failure.
                continue
    return report


@contextlib.contextmanager
def orm_beside_playwright():
    """Let Django's ORM run while Playwright's event loop runs in the same thread.

    Django would otherwise refuse the calls that set up and flush data. Set only
    while a test of this folder runs (setup, call, teardown): a subprocess that
    another test starts must not inherit it (``check --deploy`` rejects it).
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    with orm_beside_playwright():
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    with orm_beside_playwright():
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    with orm_beside_playwright():
        return (yield)


@pytest.fixture(scope="session")
def chromium(django_db_setup, live_server):
    # The test database and server come first and go last: a session's last teardown
    # may run after a test from elsewhere, without orm_beside_playwright().
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM_PATH), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class Visitor:
    """One person at one browser: their own context (cookies), page and console log."""

    def __init__(self, chromium, base_url, pages):
        self.base_url = base_url
        self.context = chromium.new_context(locale="id-ID", timezone_id="Asia/Makassar")
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.console_errors = []
        self.page.on("console", self._console)
        pages.append(self.page)

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def csp_violations(self):
        return [text for text in self.console_errors if "Content Security Policy" in text]

    def goto(self, path):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status < 400, (path, response and response.status)
        return response

    def log_in(self, username):
        self.goto("/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_url("**/admin/")


@pytest.fixture
def visitor(request, chromium, live_server, transactional_db):
    """Open a new visitor: ``visitor()``, then ``.log_in(name)`` for staff."""
    request.node.open_pages = []
    visitors = []

    def open_visitor():
        person = Visitor(chromium, live_server.url, request.node.open_pages)
        visitors.append(person)
        return person

    yield open_visitor
    for person in visitors:
        person.context.close()


AXE_SOURCE = (HERE / "vendor" / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core in ``page``; the violations of the given impacts, as readable lines."""
    if not page.evaluate("() => Boolean(window.axe)"):
        # Evaluated through the DevTools protocol: the page's CSP does not apply to it.
        page.evaluate(AXE_SOURCE)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} -> "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results["violations"]
        if violation["impact"] in impacts
    ]
