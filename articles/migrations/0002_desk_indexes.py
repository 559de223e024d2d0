"""Indexes the moderation desk's queue needs (owned by the moderation desk).

Written as SQL rather than `Meta.indexes` so the models stay as they are; the
trigram and expression indexes exist on PostgreSQL only (SQLite skips them).
"""

from django.db import migrations

BOTH = [
    # The "All" tab, newest or oldest first.
    ("comment_recent", "articles_comment (created_at, id)"),
]
# Every index slows a bulk decision (status is indexed, so no update is HOT):
# these are the only ones the queue's filters cannot do without.
POSTGRES = [
    # Text search: Django's icontains is UPPER(body) LIKE UPPER('%…%'). A larger
    # pending list keeps a 10,000-comment bulk decision from merging it mid-statement.
    (
        "comment_body_trgm",
        "articles_comment USING gin (UPPER(body) gin_trgm_ops)"
        " WITH (gin_pending_list_limit = 32768)",
    ),
    # Author filter and the author's record: iexact is UPPER(col) = UPPER(…).
    ("comment_author_upper", "articles_comment (UPPER(author_name))"),
]


def create(apps, schema_editor):
    indexes = BOTH
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        indexes = BOTH + POSTGRES
    for name, target in indexes:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop(apps, schema_editor):
    names = [name for name, _ in BOTH + POSTGRES]
    for name in names:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
