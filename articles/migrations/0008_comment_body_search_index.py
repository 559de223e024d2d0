"""The desk's text search moves to full-text search on PostgreSQL (SQLite is unchanged).

Adds a GIN index on `to_tsvector('simple', body)`; `moderation.search.body_matches` filters
on exactly this expression, or the planner cannot use the index. Drops the trigram index of
0002: the desk no longer searches with `icontains`, and the admin's search (an OR over body,
author name, email and article title) never used it (EXPLAIN: a scan by primary key). Every
GIN index is written to on each comment a bulk decision updates (`status` is indexed, so no
update is HOT), so keeping both made a 10,000-comment bulk approve markedly slower. The same
32 MB pending list as before keeps such a decision from merging it mid-statement.
"""

from django.db import migrations

CREATE_SEARCH = (
    "CREATE INDEX IF NOT EXISTS comment_body_search ON articles_comment "
    "USING gin (to_tsvector('simple'::regconfig, body)) WITH (gin_pending_list_limit = 32768)"
)
CREATE_TRIGRAM = (
    "CREATE INDEX IF NOT EXISTS comment_body_trgm ON articles_comment "
    "USING gin (UPPER(body) gin_trgm_ops) WITH (gin_pending_list_limit = 32768)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SEARCH)
        schema_editor.execute("DROP INDEX IF EXISTS comment_body_trgm")
        # The planner's word frequencies for the new expression come from ANALYZE; until
        # it runs, every search takes the slower sample path (see moderation/search.py).
        schema_editor.execute("ANALYZE articles_comment")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_TRIGRAM)
        schema_editor.execute("DROP INDEX IF EXISTS comment_body_search")


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_staged_uploads_as_files")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
