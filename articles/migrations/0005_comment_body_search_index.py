"""A full-text index on comment bodies for the desk's text search, on PostgreSQL only.

The expression must stay the one `moderation.selectors.body_matches` filters on, or the
planner cannot use the index. SQLite searches with LIKE instead and needs no index.
"""

from django.db import migrations

INDEX = "comment_body_search"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_comment "
    "USING gin (to_tsvector('simple'::regconfig, body))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_article_language_revised_and_dated_order")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
