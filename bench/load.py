"""Load test: the site under gunicorn with readers and a newsroom at work, then a database check.

``make load`` (or ``python bench/load.py --help``) builds a scratch database with
the demo content (SQLite in a temporary folder; on PostgreSQL, when DATABASE_URL
is set, a scratch database ``<name>_load`` beside it), starts gunicorn with two
workers on a free port of 127.0.0.1 with the real cache (Redis when it answers),
and for ``--duration`` seconds sends:

* readers: home, articles, search and tag pages, no cookies, as fast as they get answers;
* journalists: log in, write a story through the admin form, save it again, submit it;
* editors: log in, take submitted stories, edit the lead, approve and publish them.

It prints requests/s, p50/p99 per kind of page and the answers by status, then
checks the database: every story the journalists created exists exactly once,
and each carries exactly the transitions the script saw succeed, once each. It
exits non-zero on any 5xx outside a fault window or any failed check.

Faults: ``--fault redis`` runs a private redis-server and kills it halfway (the
site must keep serving from the database); ``--fault db`` restarts PostgreSQL
halfway (answers are a clean 503 while it is down, and gunicorn recovers by itself).
"""

import argparse
import functools
import http.cookiejar
import os
import queue
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "beban-uji-redaksi-2026"
TIMEOUT = 15


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"nothing answered on port {port} after {seconds}s")


# Environment ------------------------------------------------------------------------


def scratch_database(workdir, base, create=True):
    """A DATABASE_URL for a fresh, empty database that only this run uses.

    SQLite unless ``base`` (the DATABASE_URL given) names a PostgreSQL server, where
    ``<name>_load`` is (re)created, or with ``create=False`` dropped.
    """
    if not base:
        return f"sqlite:///{workdir / 'load.sqlite3'}"
    import psycopg

    parts = urllib.parse.urlsplit(base)
    name = f"{parts.path.lstrip('/') or 'newsroom'}_load"
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def redis_answers(port=6379):
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def forget_cache(redis_url, prefix):
    """Delete this run's keys from the shared Redis (some never expire)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def site_environment(database_url, redis_url):
    env = {
        **os.environ,
        "NEWSROOM_ENV": "development",
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    env.pop("REDIS_URL", None)
    env.pop("DEBUG", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
        env["CACHE_KEY_PREFIX"] = f"load-{os.getpid()}"
    env["LOG_LEVEL"] = "WARNING"
    return env


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


# HTTP -------------------------------------------------------------------------------


class Stats:
    """Every answer: its kind, status (0 for no answer) and time, with the time it came."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rows = []
        self.bare_errors = 0  # 5xx answers that are not the site's own error page

    def add_error_page(self, text):
        if "notice-page" not in text:
            with self.lock:
                self.bare_errors += 1

    def add(self, kind, status, seconds):
        with self.lock:
            self.rows.append((kind, status, seconds, time.monotonic()))


class Browser:
    """A cookie-keeping HTTP client that follows redirects and records every answer."""

    def __init__(self, base, stats):
        self.base = base
        self.stats = stats
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, kind, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if data is not None:
            request.add_header("Referer", self.base + path)
            request.add_header("X-CSRFToken", self.csrf_token())
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                status, text, url = response.status, response.read().decode(), response.url
        except urllib.error.HTTPError as error:
            status, text, url = error.code, error.read().decode(errors="replace"), error.url
        except OSError:
            status, text, url = 0, "", ""
        self.stats.add(kind, status, time.monotonic() - started)
        if status >= 500:
            self.stats.add_error_page(text)
        return status, text, url

    def csrf_token(self):
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def log_in(self, username):
        for _ in range(20):
            self.request("login", "/admin/login/")
            status, _, url = self.request(
                "login",
                "/admin/login/?next=/admin/",
                {"username": username, "password": PASSWORD, "next": "/admin/"},
            )
            if status == 200 and not url.endswith("/login/?next=/admin/"):
                return
            time.sleep(1)
        raise RuntimeError(f"{username} could not log in")


class FormReader(HTMLParser):
    """The fields of the admin's main form, as a browser would submit them."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._textarea = self._select = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file", "checkbox"):
            self.fields.append([name, a.get("value", "")])
        elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
            self.fields.append([name, a.get("value", "on")])
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            self.fields.append(self._textarea)
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append([self._select, a.get("value", "")])

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def form_fields(html, form_id="article_form"):
    reader = FormReader(form_id)
    reader.feed(html)
    return reader.fields


def merged(fields, changes):
    """The form's fields with ``changes`` replacing (lists: repeating) the named ones."""
    kept = [(name, value) for name, value in fields if name not in changes]
    for name, value in changes.items():
        for item in value if isinstance(value, list) else [value]:
            kept.append((name, item))
    return kept


# The people -------------------------------------------------------------------------


class Run:
    """What the people did, shared between their threads, for the check afterwards."""

    def __init__(self, deadline, tags):
        self.deadline = deadline
        self.tags = tags
        self.submitted = queue.Queue()
        self.lock = threading.Lock()
        self.created = {}  # title -> pk
        self.done = defaultdict(list)  # pk -> transitions seen to succeed

    def going(self):
        return time.monotonic() < self.deadline


def patiently(action, attempts=20):
    """Repeat ``action`` while the site answers 503 or not at all (a database restart)."""
    for _ in range(attempts):
        result = action()
        if result is not None:
            return result
        time.sleep(0.5)
    raise RuntimeError("the site did not recover")


def transition(browser, run, pk, name, data=None):
    """POST a workflow button; True once it went through (or may have, see below).

    After a lost answer (503, no answer) the button is pressed again; if that is
    refused, the first press may have been applied before the answer was lost.
    """

    def attempt():
        status, text, _ = browser.request(
            "admin-transition", f"/admin/articles/article/{pk}/transition/{name}/", data or {}
        )
        if status in (0, 503):
            return "retry"
        if status != 200:
            raise RuntimeError(f"{name} on {pk}: HTTP {status}")
        if 'class="error"' in text:
            return "refused"
        return "done"

    lost = False
    for _ in range(20):
        outcome = attempt()
        if outcome == "retry":
            lost = True
            time.sleep(0.5)
            continue
        if outcome == "refused" and not lost:
            return False
        # Refused after a lost answer: the first try may have gone through ("name?").
        with run.lock:
            run.done[pk].append(name if outcome == "done" else f"{name}?")
        return True
    raise RuntimeError(f"{name} on {pk}: the site did not recover")


def save_form(browser, pk, changes):
    """Open the change form and save it with ``changes``; True when saved."""

    def attempt():
        status, text, _ = browser.request("admin-form", f"/admin/articles/article/{pk}/change/")
        if status != 200:
            return None
        status, text, url = browser.request(
            "admin-save",
            f"/admin/articles/article/{pk}/change/",
            merged(form_fields(text), {**changes, "_continue": "1"}),
        )
        if status in (0, 503):
            return None
        return status == 200 and "errornote" not in text

    return patiently(attempt)


def journalist(base, stats, run, username, number):
    browser = Browser(base, stats)
    browser.log_in(username)
    story = 0
    while run.going():
        story += 1
        title = f"Uji beban {username} nomor {story}: banjir rob di Manggar"
        status, text, _ = browser.request("admin-form", "/admin/articles/article/add/")
        if status != 200:
            time.sleep(0.5)
            continue
        status, text, url = browser.request(
            "admin-save",
            "/admin/articles/article/add/",
            merged(
                form_fields(text),
                {
                    "title": title,
                    "slug": f"uji-beban-{number}-{story}",
                    "lead": "Air pasang merendam permukiman warga di pesisir Manggar.",
                    "body": "<p>Warga mengungsi ke masjid terdekat.</p>",
                    "section": str(run.tags["section"]),
                    "regions": [str(run.tags["region"])],
                    "featured_image": str(run.tags["image"]),
                    "identifies_child": "false",
                    "identifies_sexual_violence_victim": "false",
                    "_continue": "1",
                },
            ),
        )
        match = re.search(r"/admin/articles/article/(\d+)/change/", url)
        if match is None:
            # Lost or refused: look it up before trying again, so nothing is created twice.
            match = patiently(functools.partial(find_story, browser, title))
            if match is False:
                continue
        pk = int(match.group(1))
        with run.lock:
            run.created[title] = pk
        save_form(browser, pk, {"lead": "Air pasang merendam ratusan rumah di pesisir Manggar."})
        if transition(browser, run, pk, "submit"):
            run.submitted.put(pk)


def find_story(browser, title):
    status, text, _ = browser.request(
        "admin-list", "/admin/articles/article/?" + urllib.parse.urlencode({"q": title})
    )
    if status != 200:
        return None
    return re.search(r"/admin/articles/article/(\d+)/change/", text) or False


def editor(base, stats, run, username):
    browser = Browser(base, stats)
    browser.log_in(username)
    while run.going():
        try:
            pk = run.submitted.get(timeout=0.5)
        except queue.Empty:
            continue
        save_form(browser, pk, {"lead": "Air pasang setinggi 50 sentimeter merendam pesisir."})
        if transition(browser, run, pk, "approve"):
            transition(browser, run, pk, "publish")


def reader(base, stats, run, pages, limit):
    browser = Browser(base, stats)
    rng = random.Random()
    for _ in range(limit):
        if not run.going():
            return
        kind, path = rng.choice(pages)
        browser.cookies.clear()
        browser.request(kind, path)


# Setup, faults, report and check ---------------------------------------------------


def guarded(failures, function, *args):
    """Run one person; an exception is reported and fails the run instead of vanishing."""
    try:
        function(*args)
    except Exception as error:
        failures.append(f"{function.__name__}: {error!r}")


def prepare(people):
    """Demo content plus the load's own logins; returns the pages readers visit and tag ids."""
    import django

    sys.path.insert(0, str(PROJECT_DIR))
    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from articles import roles
    from articles.models import Article, Image, Official, Region, Section, Topic

    User = get_user_model()
    for role, names in people.items():
        group = Group.objects.get(name={"reporter": roles.REPORTER, "editor": roles.EDITOR}[role])
        for name in names:
            user = User.objects.create_user(name, password=PASSWORD, is_staff=True)
            user.groups.add(group)
    published = list(Article.objects.published().values_list("slug", flat=True)[:30])
    pages = [("home", "/")] * 4 + [("article", f"/berita/{slug}/") for slug in published]
    pages += [("search", f"/cari/?q={word}") for word in ("banjir", "balikpapan", "jalan", "ikn")]
    for model, prefix in ((Region, "wilayah"), (Official, "tokoh"), (Topic, "topik")):
        used = model.objects.filter(articles__isnull=False).distinct()
        slugs = list(used.values_list("slug", flat=True)[:5])
        pages += [("tag", f"/{prefix}/{slug}/") for slug in slugs]
    pages += [("section", f"/rubrik/{s}/") for s in Section.objects.values_list("slug", flat=True)]
    image = Image.objects.exclude(alt_text="").exclude(credit="").first()
    region = Region.objects.filter(articles__isnull=False).first() or Region.objects.first()
    tags = {"section": Section.objects.first().pk, "region": region.pk, "image": image.pk}
    return pages, tags, Article.objects.count()


def check_database(run, articles_before):
    """Nothing lost, nothing doubled: stories and audit rows match what the people did."""
    from django.db import close_old_connections
    from django.db.models import Count

    from articles.models import Article, ArticleTransition

    close_old_connections()
    problems = [] if run.created else ["no story was written: give the run more --duration"]
    expected = articles_before + len(run.created)
    if Article.objects.count() != expected:
        problems.append(f"{Article.objects.count()} articles, expected {expected}")
    titles = Counter(
        Article.objects.filter(title__startswith="Uji beban").values_list("title", flat=True)
    )
    problems += [f"{title!r} exists {n} times" for title, n in titles.items() if n != 1]
    problems += [f"{title!r} is missing" for title in run.created if title not in titles]
    for pk, names in run.done.items():
        stored = list(
            ArticleTransition.objects.filter(article_id=pk)
            .order_by("created_at", "pk")
            .values_list("name", flat=True)
        )
        maybe = {name[:-1] for name in names if name.endswith("?")}
        sure = [name for name in names if not name.endswith("?")]
        if [name for name in stored if name not in maybe] != sure:
            problems.append(f"article {pk}: audit {stored}, the script did {names}")
    doubled = (
        ArticleTransition.objects.values("article_id", "name")
        .annotate(n=Count("pk"))
        .filter(n__gt=1, article_id__in=list(run.done))
    )
    problems += [
        f"article {row['article_id']}: {row['name']} recorded {row['n']} times" for row in doubled
    ]
    return problems


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def report(stats, elapsed, fault_window):
    rows = stats.rows
    print(f"\n{len(rows)} requests in {elapsed:.1f}s: {len(rows) / elapsed:.1f} requests/s")
    print(f"{'kind':<18}{'count':>7}{'p50 ms':>9}{'p99 ms':>9}")
    by_kind = defaultdict(list)
    for kind, _, seconds, _ in rows:
        by_kind[kind].append(seconds * 1000)
    for kind, times in sorted(by_kind.items()):
        print(
            f"{kind:<18}{len(times):>7}"
            f"{percentile(times, 0.5):>9.0f}{percentile(times, 0.99):>9.0f}"
        )
    statuses = Counter(status for _, status, _, _ in rows)
    print(
        "answers by status:",
        ", ".join(f"{s or 'no answer'}: {n}" for s, n in sorted(statuses.items())),
    )
    start, end = fault_window
    failed = [row for row in rows if row[1] >= 500 or row[1] == 0]
    outside = [row for row in failed if not start <= row[3] <= end]
    inside = Counter(row[1] for row in failed if start <= row[3] <= end)
    if end > start:
        print("errors excused during the fault:", dict(inside) or "none", f"({end - start:.1f}s)")
    if start:
        after = [r for r in rows if r[3] > end]
        print(
            f"after the fault: {len(after)} requests, "
            f"{sum(1 for r in after if r[1] == 200)} answered 200"
        )
    return outside


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=30, help="seconds of load (30)")
    parser.add_argument("--readers", type=int, default=8, help="reader threads (8)")
    parser.add_argument("--journalists", type=int, default=2)
    parser.add_argument("--editors", type=int, default=2)
    parser.add_argument("--max-requests", type=int, default=5000, help="per reader (5000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--fault", choices=("none", "redis", "db"), default="none")
    args = parser.parse_args()
    if args.fault == "db" and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("--fault db restarts PostgreSQL: set DATABASE_URL to a postgres:// URL")

    given_database = os.environ.get("DATABASE_URL")
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-load-"))
    processes = []
    log = redis_url = None
    try:
        if args.fault == "redis":
            redis_port = free_port()
            processes.append(
                subprocess.Popen(
                    [
                        "redis-server",
                        "--bind",
                        "127.0.0.1",
                        "--port",
                        str(redis_port),
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                    ],
                    stdout=subprocess.DEVNULL,
                )
            )
            wait_for_port(redis_port)
            redis_url = f"redis://127.0.0.1:{redis_port}/0"
        elif redis_answers():
            redis_url = "redis://127.0.0.1:6379/14"
        env = site_environment(scratch_database(workdir, given_database), redis_url)
        env["MEDIA_ROOT"] = str(workdir / "media")
        print(
            f"database: {env['DATABASE_URL'].split('@')[-1]}, cache: {redis_url or 'local memory'}"
        )
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(env, "load_regions")
        manage(env, "load_demo")
        os.environ.update(env)
        people = {
            "reporter": [f"jurnalis-beban-{n}" for n in range(args.journalists)],
            "editor": [f"redaktur-beban-{n}" for n in range(args.editors)],
        }
        pages, tags, articles_before = prepare(people)

        port = free_port()
        # Django logs tracebacks to stderr: kept to count them; closed with the process.
        log = (workdir / "gunicorn.log").open("w")
        gunicorn = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "newsroom.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                "4",
                "--timeout",
                "60",
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.DEVNULL,  # The console e-mails of the notifications.
            stderr=log,
        )
        processes.append(gunicorn)
        wait_for_port(port)
        base = f"http://127.0.0.1:{port}"
        stats = Stats()
        started = time.monotonic()
        run = Run(started + args.duration, tags)
        failures = []
        jobs = [(reader, base, stats, run, pages, args.max_requests)] * args.readers
        jobs += [
            (journalist, base, stats, run, name, n) for n, name in enumerate(people["reporter"])
        ]
        jobs += [(editor, base, stats, run, name) for name in people["editor"]]
        threads = [threading.Thread(target=guarded, args=(failures, *job)) for job in jobs]
        for thread in threads:
            thread.start()
        fault_window = (0.0, 0.0)
        if args.fault != "none":
            time.sleep(args.duration / 2)
            fault_started = time.monotonic()
            if args.fault == "redis":
                print("fault: stopping the cache (redis-server) now")
                processes[0].terminate()
                processes[0].wait()
                # Redis stays down to the end: no error is excused.
                fault_window = (fault_started, fault_started)
            else:
                print("fault: restarting PostgreSQL now")
                cluster = sorted(os.listdir("/etc/postgresql"))[-1]
                subprocess.run(
                    ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart"],
                    check=True,
                )
                fault_window = (fault_started, time.monotonic() + 2)
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        server_errors = report(stats, elapsed, fault_window)
        tracebacks = (workdir / "gunicorn.log").read_text().count("Traceback")
        problems = check_database(run, articles_before)
        published = sum(1 for names in run.done.values() if "publish" in names)
        print(
            f"newsroom: {len(run.created)} stories written, {published} published, "
            f"{sum(map(len, run.done.values()))} transitions"
        )
        print(
            f"5xx or no answer outside a fault: {len(server_errors)}; 5xx without the site's "
            f"error page: {stats.bare_errors}; errors logged by Django: {tracebacks}"
        )
        problems += failures
        print("database check:", "passed" if not problems else "FAILED")
        for problem in problems:
            print("  -", problem)
        return 1 if server_errors or stats.bare_errors or problems else 0
    finally:
        if redis_url and args.fault != "redis":
            forget_cache(redis_url, env["CACHE_KEY_PREFIX"])
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                process.wait()
        if log is not None:
            log.close()
        if given_database:
            from django.db import connections

            connections.close_all()
            scratch_database(workdir, given_database, create=False)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
