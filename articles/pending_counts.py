"""Pending comments per article, kept exact by the database itself.

`PendingCount` rows are written only by the triggers below, on `articles_comment`: whatever
adds, deletes, moves or (un)pends a comment (the ORM, the importer's COPY, raw SQL, a cascade
from a deleted article, TRUNCATE) changes the count in the same transaction. A Python path
could be forgotten; a trigger cannot. An article with no pending comment has no row.

PostgreSQL: statement-level triggers with transition tables, so a COPY or UPDATE of 100,000
rows costs one upsert per article touched, not one per row; the upsert takes the rows' locks in
article order, so two statements touching the same articles wait rather than deadlock.
SQLite (no statement triggers): one small row trigger per changed comment.

On SQLite, a migration that rebuilds `articles_comment` (Django copies it into a new table)
drops its triggers: such a migration must call `install()` again, then `rebuild()`.
`test_pending_counts.py` fails if the triggers are missing after all migrations.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections, transaction

TRIGGERS = ("pending_count_insert", "pending_count_update", "pending_count_delete")

# Adds ids[i] += changes[i], in article order; rows that reach zero go.
POSTGRES_APPLY = """
CREATE OR REPLACE FUNCTION articles_pending_count_apply(ids bigint[], changes bigint[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    emptied bigint[];
BEGIN
    IF ids IS NULL THEN
        RETURN;
    END IF;
    WITH applied AS (
        INSERT INTO articles_pendingcount AS counts (article_id, pending)
        SELECT id, change FROM unnest(ids, changes) AS d (id, change) ORDER BY id
        ON CONFLICT (article_id) DO UPDATE SET pending = counts.pending + excluded.pending
        RETURNING counts.article_id, counts.pending
    )
    SELECT array_agg(article_id) INTO emptied FROM applied WHERE pending = 0;
    IF emptied IS NOT NULL THEN
        DELETE FROM articles_pendingcount WHERE article_id = ANY (emptied) AND pending = 0;
    END IF;
END $$;
"""

# Each trigger function sums its statement's changes per article, then applies them.
POSTGRES_DELTAS = {
    "insert": """SELECT article_id, count(*) AS change FROM after_rows
        WHERE status = 'pending' GROUP BY article_id""",
    "delete": """SELECT article_id, -count(*) AS change FROM before_rows
        WHERE status = 'pending' GROUP BY article_id""",
    "update": """SELECT article_id, sum(change) AS change FROM (
            SELECT article_id, -1 AS change FROM before_rows WHERE status = 'pending'
            UNION ALL
            SELECT article_id, 1 FROM after_rows WHERE status = 'pending'
        ) AS changes GROUP BY article_id HAVING sum(change) <> 0""",
}
POSTGRES_TRANSITIONS = {
    "insert": "REFERENCING NEW TABLE AS after_rows",
    "delete": "REFERENCING OLD TABLE AS before_rows",
    "update": "REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows",
}


def postgres_statements() -> list[str]:
    statements = [POSTGRES_APPLY]
    for event, deltas in POSTGRES_DELTAS.items():
        function = f"articles_pending_count_{event}"
        statements += [
            f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM articles_pending_count_apply(array_agg(article_id), array_agg(change))
                FROM ({deltas}) AS deltas;
                RETURN NULL;
            END $$;""",
            f"DROP TRIGGER IF EXISTS pending_count_{event} ON articles_comment",
            f"""CREATE TRIGGER pending_count_{event} AFTER {event.upper()} ON articles_comment
            {POSTGRES_TRANSITIONS[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function}()""",
        ]
    statements += [
        """CREATE OR REPLACE FUNCTION articles_pending_count_truncate() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN DELETE FROM articles_pendingcount; RETURN NULL; END $$;""",
        "DROP TRIGGER IF EXISTS pending_count_truncate ON articles_comment",
        """CREATE TRIGGER pending_count_truncate AFTER TRUNCATE ON articles_comment
        FOR EACH STATEMENT EXECUTE FUNCTION articles_pending_count_truncate()""",
    ]
    return statements


# SQLite: `WHERE true` lets an INSERT … SELECT carry an ON CONFLICT clause.
SQLITE_ADD = """INSERT INTO articles_pendingcount (article_id, pending)
    SELECT NEW.article_id, 1 WHERE {when}
    ON CONFLICT (article_id) DO UPDATE SET pending = pending + 1;"""
SQLITE_REMOVE = """UPDATE articles_pendingcount SET pending = pending - 1
        WHERE article_id = OLD.article_id AND {when};
    DELETE FROM articles_pendingcount WHERE article_id = OLD.article_id AND pending = 0;"""
SQLITE_STATEMENTS = [
    f"""CREATE TRIGGER IF NOT EXISTS pending_count_insert AFTER INSERT ON articles_comment
    WHEN NEW.status = 'pending'
    BEGIN {SQLITE_ADD.format(when="true")} END""",
    f"""CREATE TRIGGER IF NOT EXISTS pending_count_delete AFTER DELETE ON articles_comment
    WHEN OLD.status = 'pending'
    BEGIN {SQLITE_REMOVE.format(when="true")} END""",
    f"""CREATE TRIGGER IF NOT EXISTS pending_count_update
    AFTER UPDATE OF status, article_id ON articles_comment
    WHEN (OLD.status = 'pending' OR NEW.status = 'pending')
        AND (OLD.status IS NOT NEW.status OR OLD.article_id IS NOT NEW.article_id)
    BEGIN
        {SQLITE_REMOVE.format(when="OLD.status = 'pending'")}
        {SQLITE_ADD.format(when="NEW.status = 'pending'")}
    END""",
]

POSTGRES_DROP = [
    *(f"DROP TRIGGER IF EXISTS pending_count_{e} ON articles_comment" for e in POSTGRES_DELTAS),
    "DROP TRIGGER IF EXISTS pending_count_truncate ON articles_comment",
    *(f"DROP FUNCTION IF EXISTS articles_pending_count_{e}()" for e in POSTGRES_DELTAS),
    "DROP FUNCTION IF EXISTS articles_pending_count_truncate()",
    "DROP FUNCTION IF EXISTS articles_pending_count_apply(bigint[], bigint[])",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS]

REBUILD = [
    "DELETE FROM articles_pendingcount",
    """INSERT INTO articles_pendingcount (article_id, pending)
    SELECT article_id, count(*) FROM articles_comment WHERE status = 'pending'
    GROUP BY article_id""",
]


def install(using=None) -> None:
    """Create (or replace) the triggers; idempotent. Call `rebuild()` after."""
    execute(postgres_statements() if is_postgres(using) else SQLITE_STATEMENTS, using)


def uninstall(using=None) -> None:
    execute(POSTGRES_DROP if is_postgres(using) else SQLITE_DROP, using)


def installed(using=None) -> set[str]:
    """The names of the pending-count triggers present on `articles_comment`."""
    if is_postgres(using):
        sql = """SELECT tgname FROM pg_trigger
            WHERE tgrelid = 'articles_comment'::regclass AND NOT tgisinternal"""
    else:
        sql = """SELECT name FROM sqlite_master
            WHERE type = 'trigger' AND tbl_name = 'articles_comment'"""
    with db(using).cursor() as cursor:
        cursor.execute(sql)
        return {name for (name,) in cursor.fetchall()} & {*TRIGGERS, "pending_count_truncate"}


def expected_triggers(using=None) -> set[str]:
    return {*TRIGGERS, "pending_count_truncate"} if is_postgres(using) else set(TRIGGERS)


def rebuild(using=None) -> None:
    """Count every article's pending comments again (writers wait meanwhile; readers do not)."""
    with transaction.atomic(using=using):
        if is_postgres(using):
            # SHARE: no comment changes between the recount and its commit, or they'd be lost.
            execute(["LOCK TABLE articles_comment IN SHARE MODE"], using)
        execute(REBUILD, using)


def mismatches(using=None) -> dict[int, tuple[int, int]]:
    """Articles whose kept count differs from a recount: {article id: (kept, actual)}."""
    from django.db.models import Count

    from .models import Comment, PendingCount

    kept = dict(PendingCount.objects.using(using).values_list("article_id", "pending"))
    actual = dict(
        Comment.objects.using(using)
        .pending()
        .values("article_id")
        .annotate(n=Count("*"))
        .order_by()
        .values_list("article_id", "n")
    )
    return {
        pk: (kept.get(pk, 0), actual.get(pk, 0))
        for pk in kept.keys() | actual.keys()
        if kept.get(pk) != actual.get(pk)
    }


def is_postgres(using=None) -> bool:
    return db(using).vendor == "postgresql"


def db(using=None):
    return connections[using or DEFAULT_DB_ALIAS]


def execute(statements: list[str], using=None) -> None:
    with db(using).cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
