"""The dashboard over 1,000,000 comments and 1,000,000 events in PostgreSQL.

Like `bench.desk`, `run()` starts a child process configured for the bench database only:
DATABASE_URL when it points at PostgreSQL, else
postgres://postgres@127.0.0.1:5432/moderato_bench_dashboard (created when missing; its own
database, because the desk bench truncates events). The comments are filled server-side by the
desk bench's statements; the events by one more `INSERT … SELECT`, spread over a year, by twenty
moderators and the automatic rules, a fifth of them undoing an earlier one. The dashboard's
running totals are then derived by `moderation.rollup.rebuild()`, the same code the migration
runs. Scale with BENCH_DASHBOARD_COMMENTS / BENCH_DASHBOARD_EVENTS (default 1,000,000 each).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/moderato_bench_dashboard"
COMMENTS = int(os.environ.get("BENCH_DASHBOARD_COMMENTS", "1000000"))
EVENTS = int(os.environ.get("BENCH_DASHBOARD_EVENTS", "1000000"))
MODERATORS = 20


def run() -> None:
    url = os.environ.get("DATABASE_URL", "")
    env = {**os.environ, "DATABASE_URL": url if url.startswith("postgres") else DEFAULT_URL}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    env["BENCH_DESK_COMMENTS"] = str(COMMENTS)  # the desk's fill statements, at this scale
    subprocess.run([sys.executable, "-m", "bench.dashboard"], cwd=REPO, env=env, check=True)


# Event g decides comment 1 + g % (4/5 of the comments): the last fifth of events decide a
# comment a second time, 12 minutes after the first (a reversal). Actor NULL: automatic (a
# triage rule's decision, as triage records them).
EVENTS_SQL = f"""
    INSERT INTO moderation_moderationevent
        (comment_id, actor_id, rule, action, status_before, status_after, reason, note,
        created_at)
    SELECT c.id,
        CASE WHEN g %% 5 = 0 THEN NULL ELSE (SELECT min(id) FROM auth_user WHERE
            username LIKE 'bench-mod-%%') + g %% {MODERATORS} END,
        CASE WHEN g %% 5 = 0 THEN 'banned_words' ELSE '' END,
        CASE WHEN g %% 3 = 0 THEN 'hide' ELSE 'approve' END,
        CASE WHEN g <= %(first_pass)s THEN 'pending'
            WHEN g %% 3 = 0 THEN 'approved' ELSE 'hidden' END,
        CASE WHEN g %% 3 = 0 THEN 'hidden' ELSE 'approved' END,
        CASE WHEN g %% 3 = 0 THEN (ARRAY['spam', 'abuse', 'off_topic', 'other'])[1 + g %% 4]
            ELSE '' END,
        '',
        c.created_at + (g %% 240) * interval '1 minute'
            + CASE WHEN g > %(first_pass)s THEN interval '12 minutes' ELSE interval '0' END
    FROM generate_series(1, {EVENTS}) AS g
    JOIN articles_comment c ON c.id = 1 + (g - 1) %% %(first_pass)s
"""  # noqa: S608 - module constants only


# CASCADE: every table that points at comments (triage's, the first decisions...) is emptied too.
TRUNCATE_SQL = """TRUNCATE articles_article, articles_comment, moderation_moderationevent,
    moderation_firstdecision, moderation_dailydecisioncount RESTART IDENTITY CASCADE"""


def fill() -> None:
    from django.contrib.auth.models import Group, User
    from django.db import connection

    from articles.models import Comment
    from bench.desk import FILL_SQL
    from moderation import rollup
    from moderation.models import DailyDecisionCount, ModerationEvent

    same = Comment.objects.count() == COMMENTS and ModerationEvent.objects.count() == EVENTS
    if (
        same
        and DailyDecisionCount.objects.exists()
        and not os.environ.get("BENCH_DASHBOARD_REFILL")
    ):
        print(f"dashboard data: reusing {COMMENTS:,} comments, {EVENTS:,} events", flush=True)
        return
    started = time.perf_counter()
    moderators = Group.objects.get(name="Moderators")
    for n in range(MODERATORS):
        user, _ = User.objects.get_or_create(username=f"bench-mod-{n:02}", first_name=f"M{n}")
        user.groups.add(moderators)
    with connection.cursor() as cursor:
        cursor.execute(TRUNCATE_SQL)
        for statement in FILL_SQL[1:]:  # after this bench's own TRUNCATE (its tables too)
            cursor.execute(statement)
        cursor.execute(EVENTS_SQL, {"first_pass": min(COMMENTS, EVENTS * 4 // 5)})
        cursor.execute("VACUUM ANALYZE articles_comment")
        cursor.execute("VACUUM ANALYZE moderation_moderationevent")
    filled = time.perf_counter()
    rollup.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE moderation_dailydecisioncount")
        cursor.execute("VACUUM ANALYZE moderation_firstdecision")
    rebuilt = time.perf_counter() - filled
    print(
        f"dashboard data: filled {COMMENTS:,} comments and {EVENTS:,} events in "
        f"{filled - started:.1f} s; rebuilt the running totals in {rebuilt:.1f} s",
        flush=True,
    )


def measure() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.desk import get_ok, median_ms, moderator
    from moderation import digest
    from moderation.models import DailyWaits

    client = Client()
    client.force_login(moderator())
    get_ok(client, "/moderation/dashboard/?days=7")  # warm the process: time the waits only
    DailyWaits.objects.all().delete()  # the first view computes and keeps the closed days' waits
    started = time.perf_counter()
    get_ok(client, "/moderation/dashboard/?days=90")
    ms = (time.perf_counter() - started) * 1000
    print(f"dashboard page, 90 days, first view (closed days' waits kept): {ms:.1f} ms", flush=True)
    for days in (7, 30, 90):
        url = f"/moderation/dashboard/?days={days}"
        ms = median_ms(lambda url=url: get_ok(client, url))
        print(f"dashboard page, {days} days: {ms:.1f} ms (median of 10)", flush=True)
    with CaptureQueriesContext(connection) as queries:
        get_ok(client, "/moderation/dashboard/?days=90")
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
    for query in slowest:
        print(f"   {float(query['time']) * 1000:.1f} ms  {query['sql'][:110]}", flush=True)
    url = "/moderation/dashboard/decisions.csv?days=90"
    ms = median_ms(lambda: get_ok(client, url))
    print(f"dashboard decisions CSV, 90 days: {ms:.1f} ms (median of 10)", flush=True)
    print(f"digest built: {median_ms(digest.build_digest):.1f} ms (median of 10)", flush=True)


def main() -> None:
    import django

    sys.path.insert(0, str(REPO))
    from bench.desk import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fill()
    measure()


if __name__ == "__main__":
    main()
