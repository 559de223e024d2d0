"""Text search for the desk: how a search matches, and what the planner may decide for it.

On PostgreSQL a search is full-text, on the GIN index `comment_body_search` (migration
articles 0008). Which plan finds its page is chosen in `selectors.searched_page` from the
helpers here; see docs/moderation.md, "Text search".
"""

from __future__ import annotations

import json
from datetime import datetime

from django.db import connections
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from articles.models import Comment

from .tabs import TAB_NAMES, status_of

# A search reads up to this many matches from the full-text index before choosing how to
# find its page.
SEARCH_SAMPLE = 2_000
# One word the planner expects in more comments than this is "common": its page is found by
# walking the time index, and its tab counts are the planner's estimates.
COMMON_WORD_ROWS = 20_000


class AtLeast(int):
    """A count known only from below (shown as "2,000+")."""


class About(int):
    """A count the planner estimated (shown as "~75,000")."""


def body_matches(text: str, using: str) -> Q | RawSQL:
    """Comments whose text has these words (PostgreSQL) or this text (SQLite).

    PostgreSQL: every word must appear, whole, in any case; the expression must stay the
    indexed one. SQLite has no such index and searches the text with LIKE.
    """
    if connections[using].vendor != "postgresql":
        return Q(body__icontains=text)
    quote = connections[using].ops.quote_name
    body = f"{quote(Comment._meta.db_table)}.{quote('body')}"
    sql = f"to_tsvector('simple'::regconfig, {body}) @@ plainto_tsquery('simple'::regconfig, %s)"
    return RawSQL(sql, [text], output_field=BooleanField())  # noqa: S611 - text is a parameter


def uses_the_index(filters: dict, comments: QuerySet[Comment]) -> bool:
    return "q" in filters and connections[comments.db].vendor == "postgresql"


def estimated_rows(comments: QuerySet[Comment]) -> int:
    """How many rows PostgreSQL's planner expects (EXPLAIN: planning only, no scan)."""
    sql, params = comments.order_by().values("pk").query.sql_with_params()
    with connections[comments.db].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan  # psycopg parses json itself
    return int(plan[0]["Plan"]["Plan Rows"])


def is_common(filters: dict, comments: QuerySet[Comment]) -> bool:
    """A one-word search the planner knows to match many comments.

    The statistics of the full-text index list the frequent words with their frequency, so
    for one such word the estimate is close (125,967 for a word in 125,001 comments). For a
    word they do not list the planner guesses a few thousand, so "common" only ever means
    listed. Several words are never treated as common: the planner multiplies their
    frequencies, and two frequent words that never meet would send the walk through every
    comment.
    """
    return len(filters["q"].split()) == 1 and estimated_rows(comments) > COMMON_WORD_ROWS


def estimated_counts(comments: QuerySet[Comment]) -> dict[str, int]:
    """The planner's estimate per tab: one EXPLAIN each, no scan."""
    counts = {}
    for tab in TAB_NAMES:
        status = status_of(tab)
        in_tab = comments.filter(status=status) if status else comments
        counts[tab] = About(estimated_rows(in_tab))
    return counts


def first_matches(comments: QuerySet[Comment]) -> list[tuple[int, str, datetime | None]]:
    """Up to SEARCH_SAMPLE + 1 matches, unordered: one bitmap scan of the full-text index."""
    sample = comments.order_by().values_list("pk", "status", "created_at")
    return list(sample[: SEARCH_SAMPLE + 1])


def counts_in(found: list[tuple[int, str, datetime | None]]) -> dict[str, int]:
    """Counts per tab among these matches; floors when there may be more."""
    kind = AtLeast if len(found) > SEARCH_SAMPLE else int
    return {
        tab: kind(sum(1 for _, s, _ in found if status_of(tab) in (None, s))) for tab in TAB_NAMES
    }


def search_counts(filters: dict, comments: QuerySet[Comment]) -> dict[str, int]:
    """The tab counts of a search, as its page shows them."""
    if is_common(filters, comments):
        return estimated_counts(comments)
    return counts_in(first_matches(comments))
