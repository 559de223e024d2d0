"""Drop the comment table's plain article_id index: (article_id, status) leads with it.

Every lookup by article (and the cascade when an article is deleted) can use
`comment_article_status`; the third index only made each imported comment
slower to insert. Dropped by name rather than with Django's AlterField, which on
SQLite copies the whole table into a new one and so loses the indexes and triggers
other migrations made with SQL (`comment_recent`, the pending counters).
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "articles_comment"


def index_name(schema_editor) -> str:
    # The name Django gave the foreign key's index (articles_comment_article_id_59ff1409).
    return schema_editor._create_index_name(TABLE, ["article_id"], suffix="")


def drop_index(apps, schema_editor):
    schema_editor.execute(
        f"DROP INDEX IF EXISTS {schema_editor.quote_name(index_name(schema_editor))}"
    )


def create_index(apps, schema_editor):
    name = schema_editor.quote_name(index_name(schema_editor))
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} (article_id)")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_pending_count_kept_by_triggers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="comment",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="comments",
                        to="articles.article",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_index, create_index, elidable=False)],
        )
    ]
