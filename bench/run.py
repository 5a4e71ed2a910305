"""`make bench`: serve a 100,000-article newsroom with gunicorn and measure it with wrk.

Steps (the database is built once and reused from bench/.data/):
1. write N synthetic articles from a corpus (bench/make_articles.py), migrate a
   SQLite database, load the region tree, import them with import_articles and
   compute related stories in batch;
2. count SQL queries and bytes per page in-process (cache cold and warm);
3. start gunicorn (2 sync workers, production settings) on 127.0.0.1 and drive
   each page with wrk from a second process, bounded in time;
4. print requests/s, p50/p99 latency, errors and the ratio to the trivial
   health-check view, which does one query, measured in the same run;
5. time related stories on the same database (``bench_related --in-place``).
"""

import argparse
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
PYTHON = sys.executable
SEARCH_WORDS = ["banjir", "anggaran", "sekolah", "pemilu", "sepak bola", "jalan", "harga", "gempa"]
TARGETS = {
    "article (cold)": 0.25,
    "home (cold)": 0.2,
    "article (cached)": 0.8,
    "home (cached)": 0.8,
}


def bench_env(database):
    env = dict(os.environ)
    env.update(
        NEWSROOM_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(DATA / "media"),
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_database(corpus, count, env, database):
    ready = database.with_suffix(".ready")
    if ready.exists():
        print(f"Reusing {database}")
        return
    jsonl = DATA / f"articles-{count}.jsonl"
    if not jsonl.exists():
        print(f"Writing {count} articles to {jsonl}")
        subprocess.run(
            [PYTHON, "bench/make_articles.py", corpus, str(jsonl), "--count", str(count)],
            cwd=ROOT,
            check=True,
        )
    for leftover in DATA.glob(f"{database.name}*"):
        leftover.unlink()
    started = time.monotonic()
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_regions")
    manage(env, "import_articles", str(jsonl))
    print(f"Imported in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    manage(env, "recompute_related")
    print(f"Related stories for all articles in {time.monotonic() - started:.0f} s")
    # Fresh statistics, as a production database would have: SQLite's planner needs them.
    with sqlite3.connect(database) as connection:
        connection.execute("ANALYZE")
    ready.touch()


def sample_paths(database, limit=20000):
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT slug FROM articles_article WHERE status = 'published' "
            "ORDER BY random() LIMIT ?",
            (limit,),
        ).fetchall()
        section = connection.execute("SELECT slug FROM articles_section LIMIT 1").fetchone()[0]
    return [f"/berita/{slug}/" for (slug,) in rows], section


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url_host, port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex((url_host, port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def lua_script(name, paths):
    """A wrk script that requests a random path from ``paths`` each time."""
    listing = DATA / f"{name}.txt"
    listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
    script = DATA / f"{name}.lua"
    script.write_text(
        f"""
local paths = {{}}
for line in io.lines("{listing}") do paths[#paths + 1] = line end
math.randomseed(os.time() + tonumber(tostring({{}}):sub(8), 16))
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
""",
        encoding="utf-8",
    )
    return script


def run_wrk(base, path_or_script, duration, connections):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    if isinstance(path_or_script, Path):
        command += ["-s", str(path_or_script), base + "/"]
    else:
        command.append(base + path_or_script)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", output).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", output).group(1)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    return rps, p50, p99, errors, socket_errors.group(1) if socket_errors else ""


QUERY_PROBE = """
import django, json, sys
django.setup()
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="127.0.0.1")
results = {}
for path in json.loads(sys.argv[1]):
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        response = client.get(path)
    with CaptureQueriesContext(connection) as warm:
        client.get(path)
    results[path] = [response.status_code, len(cold), len(warm), len(response.content)]
print(json.dumps(results))
"""


def count_queries(env, paths):
    import json

    output = subprocess.run(
        [PYTHON, "-c", QUERY_PROBE, json.dumps(paths)],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--corpus", default=str(ROOT.parent / "shared" / "corpus" / "indosum-dev.jsonl")
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    database = DATA / f"bench-{args.articles}.sqlite3"
    env = bench_env(database)
    prepare_database(args.corpus, args.articles, env, database)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")

    article_paths, section = sample_paths(database)
    pages = [
        ("trivial view", "/healthz"),
        ("article (cold)", lua_script("articles", article_paths)),
        ("article (cached)", article_paths[0]),
        # The cache keys on "halaman", which the home page ignores: every request misses.
        ("home (cold)", lua_script("home", [f"/?halaman={n}" for n in range(100000)])),
        ("home (cached)", "/"),
        ("section", f"/rubrik/{section}/"),
        ("region", "/wilayah/balikpapan/"),
        ("search", lua_script("search", [f"/cari/?q={w.replace(' ', '+')}" for w in SEARCH_WORDS])),
        ("feed", "/rss/"),
    ]
    probe_paths = {name: (target if isinstance(target, str) else None) for name, target in pages}
    probe_paths["article (cold)"] = article_paths[1]
    probe_paths["home (cold)"] = "/"
    probe_paths["search"] = "/cari/?q=banjir"
    queries = count_queries(env, sorted(set(probe_paths.values())))

    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "newsroom.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        wait_for("127.0.0.1", port)
        for _name, target in pages:  # warm up workers, imports and caches
            run_wrk(base, target, 2, 2)
        for name, target in pages:
            rows.append((name, *run_wrk(base, target, args.duration, args.connections)))
    finally:
        server.terminate()
        server.wait(timeout=30)

    baseline = rows[0][1]
    print()
    print(
        f"{args.articles} articles, SQLite, gunicorn 2 sync workers, wrk 2 threads x "
        f"{args.connections} connections x {args.duration} s, {os.cpu_count()} cores"
    )
    header = (
        f"{'page':<16}{'req/s':>9}{'p50':>10}{'p99':>10}{'errors':>8}{'ratio':>8}"
        f"{'SQL cold':>10}{'SQL cached':>11}{'KiB':>8}  target"
    )
    print(header)
    print("-" * len(header))
    for name, rps, p50, p99, errors, socket_errors in rows:
        status, cold, warm, size = queries[probe_paths[name]]
        ratio = rps / baseline
        target = TARGETS.get(name)
        verdict = "" if target is None else f"≥ {target}: {'met' if ratio >= target else 'NOT met'}"
        if socket_errors:
            verdict += f" (socket errors: {socket_errors})"
        print(
            f"{name:<16}{rps:>9.1f}{p50:>10}{p99:>10}{errors:>8}{ratio:>8.2f}"
            f"{cold:>10}{warm:>11}{size / 1024:>8.1f}  {verdict}"
        )
        if status not in (200, 301, 302):
            print(f"  note: {probe_paths[name]} answered {status} in the query probe")

    print()
    print(f"Related stories on the same {args.articles} articles (targets: one article < 50 ms")
    print("median, all articles < 10 min, the page's read a constant number of queries):")
    manage(env, "bench_related", "--in-place", "--verbosity", "0")


if __name__ == "__main__":
    main()
