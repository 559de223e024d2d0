"""Batch reads about authors and repeated texts for a chunk of comments (a few queries)."""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from articles.models import Comment

from .models import CommentTriage
from .words import Text

Status = Comment.Status
# Shorter texts ("Thanks!", "+1") are repeated innocently by many readers.
REPEAT_MIN_CHARS = 20
AUTHORS_PER_QUERY = 5000


def author_key(name: str, email: str) -> str:
    """Who wrote it: the name as shown, else the email (as the desk's author filter does).

    Interned: an import keeps one key per comment until its end, and authors write many."""
    if name:
        return sys.intern(f"n:{name}")
    return sys.intern(f"e:{email.lower()}") if email else ""


def text_hash(text: Text) -> str:
    normalised = text.normalised
    if len(normalised) < REPEAT_MIN_CHARS:
        return ""
    return hashlib.sha1(normalised.encode(), usedforsecurity=False).hexdigest()


@dataclass
class AuthorStats:
    approved_total: int = 0
    approved_recent: int = 0  # within the trusted-author window
    hidden_recent: int = 0
    # (comment id, status) of the latest comments within the history window, newest first.
    latest: list[tuple[int, str]] = field(default_factory=list)


def author_stats(
    keys: set[str], *, trusted_days: int, history_days: int, history_last: int
) -> dict[str, AuthorStats]:
    """Each author's record on the site: two queries per kind of identity (name, email)."""
    now = timezone.now()
    stats: dict[str, AuthorStats] = {key: AuthorStats() for key in keys}
    names = {k[2:] for k in keys if k.startswith("n:")}
    emails = {k[2:] for k in keys if k.startswith("e:")}
    for prefix, column, values in (("n:", "author_name", names), ("e:", "author_email", emails)):
        ordered = sorted(values)
        # A whole import's authors at once: in slices, under SQLite's limit on parameters.
        for start in range(0, len(ordered), AUTHORS_PER_QUERY):
            authored = Comment.objects.filter(
                **{f"{column}__in": ordered[start : start + AUTHORS_PER_QUERY]}
            )
            if prefix == "e:":
                authored = authored.filter(author_name="")
            count_totals(stats, prefix, column, authored, now - timedelta(days=trusted_days))
            if history_last:
                since = now - timedelta(days=history_days)
                collect_latest(stats, prefix, column, authored, since, history_last)
    return stats


def count_totals(stats, prefix, column, authored, trusted_since: datetime) -> None:
    recent = Q(created_at__gte=trusted_since)
    rows = (
        authored.order_by()
        .values(column)
        .annotate(
            approved_total=Count("pk", filter=Q(status=Status.APPROVED)),
            approved_recent=Count("pk", filter=Q(status=Status.APPROVED) & recent),
            hidden_recent=Count("pk", filter=Q(status=Status.HIDDEN) & recent),
        )
    )
    for row in rows:
        key = prefix + (row[column].lower() if prefix == "e:" else row[column])
        if key in stats:
            stats[key].approved_total += row["approved_total"]
            stats[key].approved_recent += row["approved_recent"]
            stats[key].hidden_recent += row["hidden_recent"]


def collect_latest(stats, prefix, column, authored, since: datetime, last: int) -> None:
    """The last `last + 1` comments of each author (one may be the comment judged)."""
    newest = Window(
        RowNumber(), partition_by=F(column), order_by=[F("created_at").desc(), F("pk").desc()]
    )
    rows = (
        authored.filter(created_at__gte=since)
        .annotate(newest=newest)
        .filter(newest__lte=last + 1)
        .order_by(column, "newest")
        .values_list(column, "pk", "status")
    )
    for author, pk, status in rows:
        key = prefix + (author.lower() if prefix == "e:" else author)
        if key in stats:
            stats[key].latest.append((pk, status))


HASHES_PER_QUERY = 5000


def earlier_texts(hashes: set[str], exclude_ids: list[int]) -> list[tuple[str, str]]:
    """(text hash, author key) of other triaged comments with one of these texts.

    Plain SQL, 5,000 hashes a query: an import asks about every text it brings, and the
    ORM spends ~5-20 µs preparing each value of an `__in`."""
    if not hashes:
        return []
    excluded = set(exclude_ids)  # in Python: a NOT IN of thousands of ids is slow in SQL
    quote = connection.ops.quote_name
    wanted = sorted(hashes)
    found = []
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), HASHES_PER_QUERY):
            part = wanted[start : start + HASHES_PER_QUERY]
            cursor.execute(
                f"SELECT {quote('comment_id')}, {quote('text_hash')}, {quote('author_key')}"  # noqa: S608 - names only
                f" FROM {quote(CommentTriage._meta.db_table)}"
                f" WHERE {quote('text_hash')} IN ({', '.join(['%s'] * len(part))})",
                part,
            )
            found.extend((text, author) for pk, text, author in cursor if pk not in excluded)
    return found
