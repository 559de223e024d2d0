"""Fast row inserts for the loader: ids reserved up front, one statement per batch.

Django's bulk_create spends most of its time building SQL per row (and SQLite
caps it at 999 parameters a statement). Here SQLite gets one prepared
executemany per batch and PostgreSQL a COPY, several times faster each.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from operator import itemgetter

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models

from ..models import Comment

READ_BACK_CHUNK = 450  # pairs: 900 parameters, under SQLite's limit on any build
ZERO = timedelta(0)
IMPORT_CACHE_KIB = 8 * 1024  # SQLite's page cache during an import (and its after_load hook)


class RowInserter:
    """INSERT rows (dicts holding at least `columns`) into a model's table."""

    def __init__(self, model: type[models.Model], columns: list[str]):
        self.columns = columns
        self.as_tuple = itemgetter(*columns)
        fields = [model._meta.get_field(name) for name in columns]
        quote = connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        table = quote(model._meta.db_table)
        self.sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - names only
        self.copy_sql = f"COPY {table} ({names}) FROM STDIN"
        # Only datetimes need the backend's own conversion (SQLite stores text).
        self.datetime_positions = [
            i for i, f in enumerate(fields) if isinstance(f, models.DateTimeField)
        ]
        self.adapt = connection.ops.adapt_datetimefield_value
        # SQLite stores a UTC datetime as its text without the offset: str() of the naive
        # value is what Django's adapter returns then, without its per-value checks.
        self.database_in_utc = settings.USE_TZ and connection.timezone_name == "UTC"

    def insert(self, rows: list[dict]) -> None:
        if not rows:
            return
        if connection.vendor == "postgresql":
            self.copy(rows)
            return
        as_tuple = self.as_tuple
        if self.datetime_positions:
            tuples = [self.prepare(as_tuple(row)) for row in rows]
        else:
            tuples = [as_tuple(row) for row in rows]
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, tuples)

    def copy(self, rows: list[dict]) -> None:
        """PostgreSQL: COPY is many times faster than row-by-row executemany."""
        as_tuple = self.as_tuple
        with connection.cursor() as cursor, cursor.cursor.copy(self.copy_sql) as copy:
            for row in rows:
                copy.write_row(as_tuple(row))

    def prepare(self, row: tuple) -> tuple:
        values = list(row)
        for i in self.datetime_positions:
            value = values[i]
            if value is None:
                continue
            if self.database_in_utc and value.utcoffset() == ZERO:
                values[i] = str(value.replace(tzinfo=None))
            else:
                values[i] = self.adapt(value)
        return tuple(values)


@contextmanager
def import_page_cache() -> Iterator[None]:
    """SQLite: hold the page cache to IMPORT_CACHE_KIB while an import runs, then restore it.

    The cache only grows, and an import touches every page it writes: with the
    settings' 64 MB it stays filled to the end, which put a 100,000-comment import's
    peak at 168 MB; at 32 MB it was 135 MB and at 16 MB 119 MB, none slower (parsing is
    what the loader waits for; measured in one run). With triage's hook held to it too:
    156 MB at 16 MB, 148 MB at 8 MB, the importing process's CPU time the same (20.5 and
    20.9 s against 20.9 and 21.6 s, two runs each).
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before):d}")


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for `count` new rows of `model`, taken now, ascending.

    With the ids known before the rows are written, a batch goes in with one
    statement and nothing is read back, and a reply can name a parent that is
    written in the same statement (foreign keys are checked at commit).
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Each nextval is ours alone, whoever else inserts meanwhile.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), count],
            )
            return sorted(pk for (pk,) in cursor.fetchall())
        if connection.vendor == "sqlite":
            return reserve_sqlite_ids(cursor, table, count)
    # Unreachable: settings refuse any other database at start-up.
    raise ImproperlyConfigured(f"cannot reserve ids on {connection.vendor}")


def reserve_sqlite_ids(cursor, table: str, count: int) -> list[int]:
    """Move the table's AUTOINCREMENT counter past `count` ids and return them.

    The UPDATE takes SQLite's write lock, which the import's transaction keeps
    until it commits, so no other connection inserts between reading the counter
    and using the ids; ids of deleted rows are never reused, as AUTOINCREMENT promises.
    """
    quoted = connection.ops.quote_name(table)
    highest = f"(SELECT coalesce(max(id), 0) FROM {quoted})"  # noqa: S608 - a table name
    cursor.execute(
        f"UPDATE sqlite_sequence SET seq = max(seq, {highest}) + %s WHERE name = %s",  # noqa: S608
        [count, table],
    )
    if cursor.rowcount == 0:  # the table never had a row: SQLite has no counter for it yet
        cursor.execute(
            f"INSERT INTO sqlite_sequence (name, seq) SELECT %s, {highest} + %s",
            [table, count],
        )
    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
    (last,) = cursor.fetchone()
    return list(range(last - count + 1, last + 1))


def comment_ids_by_key(refs: list[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """Primary keys of comments, looked up by (article id, external id).

    A join against a VALUES list probes the unique (article, external_id) index
    once per pair; `article IN (...) AND external_id IN (...)` would probe the
    cross product of both lists.
    """
    table = connection.ops.quote_name(Comment._meta.db_table)
    found: dict[tuple[int, str], int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(refs), READ_BACK_CHUNK):
            chunk = refs[start : start + READ_BACK_CHUNK]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"WITH wanted (article_id, external_id) AS (VALUES {values}) "  # noqa: S608 - only placeholders are interpolated
                f"SELECT c.article_id, c.external_id, c.id FROM {table} c "
                "JOIN wanted w ON c.article_id = w.article_id AND c.external_id = w.external_id "
                "WHERE NOT (c.external_id = '')",
                [value for ref in chunk for value in ref],
            )
            found.update({(a, k): pk for a, k, pk in cursor.fetchall()})
    return found
