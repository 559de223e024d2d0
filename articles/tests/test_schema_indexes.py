"""The indexes made with SQL survive the migrations that rebuild tables on SQLite."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_all_tabs_index_exists_after_every_migration():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "articles_comment")

    assert constraints["comment_recent"]["columns"] == ["created_at", "id"]
