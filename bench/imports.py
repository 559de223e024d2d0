"""Import speed and memory: a generated Disqus export with 100,000 comments.

Runs `manage.py import_articles` in a child process on a fresh database (SQLite
in a temp dir, then PostgreSQL when reachable) and prints comments/second and the
child's peak resident memory, first for the loader alone (the after-load hook, triage,
off: `bench.settings_without_triage`), then with triage as configured.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
COMMENTS = int(os.environ.get("BENCH_IMPORT_COMMENTS", "100000"))
THREADS = max(1, COMMENTS // 100)
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/moderato_bench_import")


def write_disqus_export(path: Path, comments: int = COMMENTS, threads: int = THREADS) -> None:
    """A Disqus-shaped export: threads first, then posts (some replies before parents)."""
    rng = random.Random(42)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<disqus xmlns="http://disqus.com" '
            'xmlns:dsq="http://disqus.com/disqus-internals">\n'
        )
        for t in range(1, threads + 1):
            out.write(
                f'<thread dsq:id="t{t}"><id>post-{t}</id><forum>bench</forum>'
                f"<link>https://news.example/{t}/</link><title>Story number {t}</title>"
                f"<message/><createdAt>2024-01-01T00:00:00Z</createdAt></thread>\n"
            )
        parentless: set[int] = set()  # targets of forward replies stay top level: no loops
        for c in range(1, comments + 1):
            thread = (c - 1) % threads + 1
            parent = ""
            if c > threads * 2 and c not in parentless and rng.random() < 0.4:
                # Mostly earlier posts; a few point forward (replies before parents).
                target = c - threads * rng.randint(1, 3)
                if rng.random() < 0.02 and c + threads <= comments:
                    target = c + threads
                    parentless.add(target)
                parent = f'<parent dsq:id="p{target}"/>'
            spam = "true" if rng.random() < 0.03 else "false"
            deleted = "true" if rng.random() < 0.02 else "false"
            body = escape(f"<p>Comment {c} on story {thread}: " + "words " * rng.randint(5, 60))
            out.write(
                f'<post dsq:id="p{c}"><id/><message>{body}</message>'
                f"<createdAt>2024-02-{rng.randint(1, 28):02d}T12:{c % 60:02d}:00Z</createdAt>"
                f"<isDeleted>{deleted}</isDeleted><isSpam>{spam}</isSpam>"
                f"<author><name>Reader {c % 5000}</name><email>r{c % 5000}@example.com</email>"
                f"<username>reader{c % 5000}</username></author>"
                f'<thread dsq:id="t{thread}"/>{parent}</post>\n'
            )
        out.write("</disqus>\n")


SETTINGS = {
    "without triage": "bench.settings_without_triage",
    "with triage": "config.settings.base",
}


def run_import(database_url: str, export: Path, settings: str) -> tuple[float, float, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings,
        "DEBUG": "false",
        "LOG_LEVEL": "ERROR",
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True)
    started = time.perf_counter()
    child = subprocess.Popen(
        [python, "manage.py", "import_articles", str(export)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    out = child.stdout.read()
    # This child's own peak (with its parse worker, reaped before it exits).
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"import_articles failed: {out[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, out.strip().splitlines()[0]


def postgres_ready(url: str) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    admin = url.rsplit("/", 1)[0] + "/postgres"
    name = url.rsplit("/", 1)[1]
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        return False
    return True


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="moderato-bench-") as tmp:
        export = Path(tmp) / f"disqus-{COMMENTS}.xml"
        write_disqus_export(export)
        size_mb = export.stat().st_size / 1e6
        print(
            f"generated Disqus export: {COMMENTS:,} comments, {THREADS:,} threads, {size_mb:.1f} MB"
        )
        targets = [("sqlite", f"sqlite:///{tmp}/bench.sqlite3")]
        if postgres_ready(PG_URL):
            targets.append(("postgresql", PG_URL))
        else:
            print("PostgreSQL not reachable: skipping the PostgreSQL run")
        for label, url in targets:
            for setup, settings in SETTINGS.items():
                if label == "postgresql":
                    postgres_ready(url)  # a fresh database for each run
                else:
                    Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
                seconds, peak_mb, summary = run_import(url, export, settings)
                print(
                    f"import {label}, {setup}: {COMMENTS / seconds:,.0f} comments/s "
                    f"({seconds:.1f} s for {COMMENTS:,}), peak memory {peak_mb:.0f} MB"
                    + ("  (aim: 10,000/s; memory under 150 MB)" if label == "postgresql" else "")
                )
                print(f"   {summary}")
