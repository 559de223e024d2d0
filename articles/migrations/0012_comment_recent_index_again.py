"""Create `comment_recent` again where a table rebuild lost it.

On SQLite, Django's AlterField and AddField with some options copy the comment table into
a new one, and the copy keeps only the indexes the models declare: the SQL-made
`comment_recent` (0002) was gone after 0004-0007, so the desk's "All" tab sorted every
comment on each page. PostgreSQL alters in place and still has it (IF NOT EXISTS).
"""

from django.db import migrations

CREATE = "CREATE INDEX IF NOT EXISTS comment_recent ON articles_comment (created_at, id)"


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_comment_article_index_covered_by_article_status")]

    operations = [migrations.RunSQL(CREATE, migrations.RunSQL.noop, elidable=False)]
