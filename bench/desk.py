"""The moderation desk on 1,000,000 comments in PostgreSQL: page, filter, counts, bulk.

`run()` starts a child process so Django is configured for the bench database
only (never the developer's db.sqlite3): DATABASE_URL when it points at
PostgreSQL, else postgres://postgres@127.0.0.1:5432/moderato_bench (created
when missing). The data is filled server-side once and reused by later runs.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/moderato_bench"
COMMENTS = int(os.environ.get("BENCH_DESK_COMMENTS", "1000000"))
ARTICLES = 2000
TOPICS = ["tax", "rail", "school", "budget", "storm", "election", "football", "housing"]


def run() -> None:
    url = os.environ.get("DATABASE_URL", "")
    env = {**os.environ, "DATABASE_URL": url if url.startswith("postgres") else DEFAULT_URL}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    subprocess.run([sys.executable, "-m", "bench.desk"], cwd=REPO, env=env, check=True)


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# Only module constants are formatted into these statements.
SEQUENCE_SQL = "SELECT setval(pg_get_serial_sequence('{0}', 'id'), max(id)) FROM {0}"
FILL_SQL = [
    # CASCADE: the tables that point at comments (triage's, first decisions, pending counts)
    # are emptied too; without it PostgreSQL refuses once any of them has a row.
    "TRUNCATE articles_article, articles_comment, moderation_moderationevent"
    " RESTART IDENTITY CASCADE",
    f"""INSERT INTO articles_article (id, title, slug, deck, body, image_credit, source_url,
        published_at, language, imported_values, source, external_id, created_at, updated_at)
        SELECT a, 'Story number ' || a, 'story-' || a, '', '<p>Body.</p>', '', '',
        now() - a * interval '1 hour', '', '{{}}', 'bench', '', now(), now()
        FROM generate_series(1, {ARTICLES}) AS a""",  # noqa: S608
    f"""INSERT INTO articles_comment (id, article_id, parent_id, author_name, author_email,
        author_url, author_username, body, source_body, status, hidden_reason, source_status,
        kind, is_staff_reply, created_at, external_id, version)
        SELECT i, 1 + i % {ARTICLES},
        CASE WHEN i > {ARTICLES} AND i % 5 = 0 THEN i - {ARTICLES} END,
        'Reader ' || i % 50000, 'r' || i % 50000 || '@example.com', '', '',
        '<p>Comment ' || i || ' about the '
          || (ARRAY{TOPICS!r})[1 + (i / 3) % {len(TOPICS)}] || ' story: ' || md5(i::text) || '</p>',
        '', CASE WHEN i / 7 % 10 < 6 THEN 'pending' WHEN i / 7 % 10 < 9 THEN 'approved'
        ELSE 'hidden' END,
        CASE WHEN i / 7 % 10 = 9 THEN 'spam' ELSE '' END,
        CASE WHEN i % 50 = 0 THEN 'spam' ELSE '1' END, 'comment', false,
        now() - i * interval '30 seconds', '', 1
        FROM generate_series(1, {COMMENTS}) AS i""",  # noqa: S608
    SEQUENCE_SQL.format("articles_comment"),
    SEQUENCE_SQL.format("articles_article"),
]


def fill() -> None:
    from django.db import connection

    from articles.models import Comment

    if Comment.objects.count() == COMMENTS and not os.environ.get("BENCH_DESK_REFILL"):
        print(f"desk data: reusing {COMMENTS:,} comments", flush=True)
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in FILL_SQL:
            cursor.execute(statement)
        cursor.execute("VACUUM ANALYZE articles_comment")
        cursor.execute("VACUUM ANALYZE articles_article")
    elapsed = time.perf_counter() - started
    print(f"desk data: filled {COMMENTS:,} comments in {elapsed:.1f} s", flush=True)


def moderator():
    from django.contrib.auth.models import Group, User

    user, _ = User.objects.get_or_create(username="bench-moderator", defaults={"first_name": "B"})
    user.groups.add(Group.objects.get(name="Moderators"))
    return User.objects.get(pk=user.pk)  # no cached permissions


def median_ms(action, runs: int = 10) -> float:
    action()  # warm caches and connections
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def report(label: str, ms: float, runs: int, aim: str = "") -> None:
    beside = f" | {aim}" if aim else ""
    print(f"desk {label}: {ms:.1f} ms (median of {runs}){beside}", flush=True)


def explain_search(word: str) -> None:
    """EXPLAIN ANALYZE the query that finds a search's page: the walk of the time index for
    a common word, else the sample from the full-text index."""
    from django.db import connection

    from moderation import search, selectors

    comments = selectors.matching({"q": word})
    sample = comments.order_by().values_list("pk", "status", "created_at")[
        : search.SEARCH_SAMPLE + 1
    ]
    if search.is_common({"q": word}, comments):
        steps = [("page walk", selectors.ordered(comments, "all", "newest")[:50])]
    else:
        steps = [("sample from the index", sample)]
    for label, queryset in steps:
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
        scans = [line.strip().split("  (")[0] for line in plan if "Scan" in line]
        total = next(line.strip() for line in plan if line.startswith("Execution Time"))
        print(f"desk   EXPLAIN {word!r} {label}: {total}; {' / '.join(scans)}", flush=True)


def get_ok(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)


def measure(user) -> None:
    from django.test import Client

    from articles.models import Comment
    from moderation import selectors, services

    client = Client()
    client.force_login(user)
    report("first queue page", median_ms(lambda: get_ok(client, "/moderation/")), 10)
    url = "/moderation/?article=7&q=storm"
    report("filtered page (article + text)", median_ms(lambda: get_ok(client, url)), 10)
    # md5('1'): a word in one comment of 1,000,000; "storm": in one of eight.
    searches = {
        "a word in 1 comment": "c4ca4238a0b923820dcc509a6f75849b",
        "a word in no comment": "zyzzyva",
        "a word in 1 of 8": "storm",
    }
    for label, word in searches.items():
        for tab in ("all", "pending", "hidden"):
            url = f"/moderation/?q={word}&tab={tab}"
            ms = median_ms(lambda url=url: get_ok(client, url))
            report(f"text search page, {tab} tab, {label}", ms, 10, aim="aim: < 100 ms")
        explain_search(word)
    everything = Comment.objects.all()
    report("counts per tab", median_ms(lambda: selectors.tab_counts(everything)), 10)
    exact = median_ms(lambda: selectors.exact_tab_counts(everything))
    report("counts per tab, exact to the last of 1,000,000", exact, 10)
    # The oldest pending comments: later runs still find the newest ones pending.
    pending = list(Comment.objects.pending().order_by("-id").values_list("pk", flat=True)[:40_000])
    batches = iter([pending[n : n + 10_000] for n in range(0, 40_000, 10_000)])

    def bulk_approve():
        result = services.bulk_approve(next(batches), actor=user)
        assert result.changed == 10_000, result

    report("bulk approve of 10,000 comments", median_ms(bulk_approve, runs=3), 3)


def main() -> None:
    import django

    sys.path.insert(0, str(REPO))
    url = os.environ["DATABASE_URL"]
    ensure_database(url)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fill()
    measure(moderator())


if __name__ == "__main__":
    main()
