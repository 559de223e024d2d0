"""Reads for the desk: the filtered queue, tab counts, a comment's context, an article's thread."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import BooleanField, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.functional import cached_property

from articles.models import Article, Comment

from .forms import QueueFilterForm
from .models import ModerationEvent

Status = Comment.Status
EARLIEST = datetime.min.replace(tzinfo=UTC)
PAGE_SIZE = 50
# Tabs count exactly up to this many; "All N matching" works up to it too.
COUNT_CAP = 10_000
BULK_MATCHING_LIMIT = COUNT_CAP
# A text search reads up to this many matches from the full-text index before choosing
# how to find its page (see `searched_page`).
SEARCH_SAMPLE = 2_000


# A single word the planner expects in more comments than this is "common": its page is
# found by walking the time index, and its tab counts are the planner's estimates.
COMMON_WORD_ROWS = 20_000


class AtLeast(int):
    """A count known only from below (shown as "2,000+")."""


class About(int):
    """A count the planner estimated (shown as "~75,000")."""


def matching(filters: dict) -> QuerySet[Comment]:
    """Comments matching every filter except the tab (status)."""
    comments = Comment.objects.all()
    if "article" in filters:
        comments = comments.filter(article_id=filters["article"])
    if "q" in filters:
        comments = comments.filter(body_matches(filters["q"], comments.db))
    if "author" in filters:
        who = filters["author"]
        same = Q(author_email__iexact=who) if "@" in who else Q(author_name__iexact=who)
        comments = comments.filter(same)
    if "date_from" in filters:
        comments = comments.filter(created_at__gte=day_start(filters["date_from"]))
    if "date_to" in filters:
        comments = comments.filter(created_at__lt=day_start(filters["date_to"], days=1))
    if "source_status" in filters:
        comments = comments.filter(source_status=filters["source_status"])
    return by_staff(comments, filters.get("staff", ""))


def body_matches(text: str, using: str) -> Q | RawSQL:
    """Comments whose text has these words (PostgreSQL) or this text (SQLite).

    PostgreSQL uses full-text search on the GIN index `comment_body_search` (migration
    articles 0004; the expression here must stay the indexed one): every word must
    appear, whole, in any case. SQLite has no such index and searches the text with LIKE.
    """
    if connections[using].vendor != "postgresql":
        return Q(body__icontains=text)
    quote = connections[using].ops.quote_name
    body = f"{quote(Comment._meta.db_table)}.{quote('body')}"
    sql = f"to_tsvector('simple'::regconfig, {body}) @@ plainto_tsquery('simple'::regconfig, %s)"
    return RawSQL(sql, [text], output_field=BooleanField())  # noqa: S611 - text is a parameter


def by_staff(comments: QuerySet[Comment], staff: str) -> QuerySet[Comment]:
    staff_reply = Comment.objects.filter(parent=OuterRef("pk"), is_staff_reply=True)
    if staff == "readers":
        return comments.filter(is_staff_reply=False)
    if staff == "staff":
        return comments.filter(is_staff_reply=True)
    if staff == "answered":
        return comments.filter(Exists(staff_reply))
    if staff == "unanswered":
        return comments.filter(is_staff_reply=False).exclude(Exists(staff_reply))
    return comments


def day_start(day, days: int = 0) -> datetime:
    start = datetime.combine(day, time.min) + timezone.timedelta(days=days)
    return timezone.make_aware(start)


def in_tab(comments: QuerySet[Comment], tab: str) -> QuerySet[Comment]:
    status = QueueFilterForm.TABS.get(tab)
    return comments.filter(status=status) if status else comments


def ordered(comments: QuerySet[Comment], tab: str, order: str) -> QuerySet[Comment]:
    """Newest or oldest first. Within one status, ordering by status too (a constant)
    makes PostgreSQL walk the comment_queue index instead of filtering a time index."""
    fields = ["created_at", "id"] if order == "oldest" else ["-created_at", "-id"]
    if QueueFilterForm.TABS.get(tab):
        fields.insert(0, "status")
    return comments.order_by(*fields)


def tab_counts(comments: QuerySet[Comment]) -> dict[str, int]:
    """Comments per tab in one query, exact up to COUNT_CAP (then COUNT_CAP + 1).

    Counting a million rows costs ~200 ms on PostgreSQL; counting until the cap
    stays fast, and "10,000+" is all a moderator needs from a huge tab.
    """
    parts, params = [], []
    for tab in QueueFilterForm.TABS:
        capped = in_tab(comments, tab).order_by().values("pk")[: COUNT_CAP + 1]
        sql, tab_params = capped.query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS {tab}_rows)")  # noqa: S608 - Django's SQL
        params.extend(tab_params)
    with connections[comments.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return dict(zip(QueueFilterForm.TABS, cursor.fetchone(), strict=True))


def exact_tab_counts(comments: QuerySet[Comment]) -> dict[str, int]:
    """Exact counts per tab in one aggregate (a full scan of the matching rows)."""
    counts = comments.aggregate(
        all=Count("pk"), **{s.value: Count("pk", filter=Q(status=s)) for s in Status}
    )
    return {tab: counts[tab] for tab in QueueFilterForm.TABS}


class CountedPaginator(Paginator):
    """A paginator told its count, so it does not run another COUNT query."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count

    def page(self, number):
        """A full page even past an estimate or a floor: more rows may exist than counted."""
        if not isinstance(self.count, AtLeast | About):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)


def queue_page(filters: dict, page_number):
    """The page of rows to draw, and the counts per tab (two queries)."""
    comments = matching(filters)
    if searches_the_index(filters, comments):
        return searched_page(comments, filters, page_number)
    counts = tab_counts(comments)
    rows = ordered(in_tab(comments, filters["tab"]), filters["tab"], filters["order"])
    rows = rows.select_related("article", "parent")
    paginator = CountedPaginator(rows, PAGE_SIZE, count=counts[filters["tab"]])
    return paginator.get_page(page_number), counts


def queue_counts(filters: dict) -> dict[str, int]:
    """The counts per tab the queue page shows for these filters."""
    comments = matching(filters)
    if not searches_the_index(filters, comments):
        return tab_counts(comments)
    if is_common(filters, comments):
        return estimated_counts(comments)
    return counts_in(first_matches(comments))


def searches_the_index(filters: dict, comments: QuerySet[Comment]) -> bool:
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
    return {tab: About(estimated_rows(in_tab(comments, tab))) for tab in QueueFilterForm.TABS}


def first_matches(comments: QuerySet[Comment]) -> list[tuple[int, str, datetime | None]]:
    """Up to SEARCH_SAMPLE + 1 matches, unordered: one bitmap scan of the full-text index."""
    return list(comments.order_by().values_list("pk", "status", "created_at")[: SEARCH_SAMPLE + 1])


def counts_in(found: list[tuple[int, str, datetime | None]]) -> dict[str, int]:
    """Counts per tab among these matches; floors when there may be more."""
    kind = AtLeast if len(found) > SEARCH_SAMPLE else int
    return {
        tab: kind(sum(1 for _, s, _ in found if status in (None, s)))
        for tab, status in QueueFilterForm.TABS.items()
    }


def searched_page(comments: QuerySet[Comment], filters: dict, page_number):
    """A text search on PostgreSQL, with a plan chosen here rather than by the planner.

    Left alone, the planner guessed 5,000 rows for a word in no comment and walked all
    1,000,000 in time order looking for it (10 s); and reading a common word's matches
    from the index costs as much as they are many (the whole list is read before the
    first row). So: a word the planner knows to be common (`is_common`) walks the time
    index, which finds a page after a few hundred rows, and the tabs show estimates
    ("~75,000"). Anything else reads up to SEARCH_SAMPLE + 1 matches from the full-text
    index, unordered; when that is all of them, they are counted per tab and the page is
    taken from them, else the walk finds the page and the tabs show floors ("2,000+").
    """
    common = is_common(filters, comments)
    found = [] if common else first_matches(comments)
    counts = estimated_counts(comments) if common else counts_in(found)
    if common or len(found) > SEARCH_SAMPLE:
        rows = ordered(in_tab(comments, filters["tab"]), filters["tab"], filters["order"])
        rows = rows.select_related("article", "parent")
        paginator = CountedPaginator(rows, PAGE_SIZE, count=counts[filters["tab"]])
        return paginator.get_page(page_number), counts
    status = QueueFilterForm.TABS.get(filters["tab"])
    in_order = sorted(
        ((created, pk) for pk, s, created in found if status in (None, s)),
        # PostgreSQL's order: no date last when oldest first, first when newest first.
        key=lambda row: (row[0] is None, row[0] or EARLIEST, row[1]),
        reverse=filters["order"] != "oldest",
    )
    page = Paginator([pk for _, pk in in_order], PAGE_SIZE).get_page(page_number)
    by_pk = Comment.objects.select_related("article", "parent").in_bulk(page.object_list)
    page.object_list = [by_pk[pk] for pk in page.object_list if pk in by_pk]
    return page, counts


def matching_ids(filters: dict, drawn_at: datetime | None = None) -> list[int]:
    """Ids the filter and tab select now (for "all N matching").

    With `drawn_at`, also the ones decided since the page was drawn that have
    left the tab, so the bulk action can count them as skipped conflicts.
    """
    comments = matching(filters)
    limit = BULK_MATCHING_LIMIT + 1
    ids = list(in_tab(comments, filters["tab"]).values_list("pk", flat=True)[:limit])
    status = QueueFilterForm.TABS.get(filters["tab"])
    if drawn_at and status:
        decided = ModerationEvent.objects.filter(created_at__gt=drawn_at).values("comment_id")
        moved = comments.filter(pk__in=decided).exclude(status=status)
        ids += moved.values_list("pk", flat=True)[:limit]
    return ids


@dataclass
class ThreadRow:
    comment: Comment
    depth: int
    children: list[ThreadRow] = field(default_factory=list)


def article_thread(article: Article) -> tuple[list[ThreadRow], dict[str, int]]:
    """Every comment of the article in thread order with its depth, and counts per status."""
    comments = list(
        Comment.objects.for_thread(article).select_related("staff_author").defer("source_body")
    )
    return thread_order(comments), status_counts(comments)


def thread_order(comments: list[Comment]) -> list[ThreadRow]:
    rows = {c.pk: ThreadRow(c, 0) for c in comments}
    roots = []
    for row in rows.values():
        parent = rows.get(row.comment.parent_id)
        (parent.children if parent else roots).append(row)
    flat: list[ThreadRow] = []
    stack = list(reversed(roots))
    while stack:
        row = stack.pop()
        flat.append(row)
        for child in reversed(row.children):
            child.depth = row.depth + 1
            stack.append(child)
    return flat


def status_counts(comments: list[Comment]) -> dict[str, int]:
    counts = {s.value: 0 for s in Status}
    for comment in comments:
        counts[comment.status] += 1
    return counts


def thread_around(comment: Comment) -> list[ThreadRow]:
    """Ancestors, siblings, the comment and its replies, in thread order."""
    rows = thread_order(
        list(
            Comment.objects.for_thread(comment.article_id)
            .select_related("staff_author")
            .defer("source_body")
        )
    )
    by_pk = {row.comment.pk: row.comment for row in rows}
    ancestors, parent_id = set(), comment.parent_id
    while parent_id in by_pk and parent_id not in ancestors:
        ancestors.add(parent_id)
        parent_id = by_pk[parent_id].parent_id
    keep = ancestors | {comment.pk} | nearest_siblings(comment, list(by_pk.values()))
    keep |= descendants(comment.pk, rows)
    return [row for row in rows if row.comment.pk in keep]


def nearest_siblings(comment: Comment, comments: list[Comment], each_side: int = 5) -> set[int]:
    """Up to five siblings before and after: a busy article has hundreds of top-level comments."""
    siblings = [c.pk for c in comments if c.parent_id == comment.parent_id]
    at = siblings.index(comment.pk) if comment.pk in siblings else 0
    return set(siblings[max(0, at - each_side) : at + each_side + 1])


def descendants(pk: int, rows: list[ThreadRow]) -> set[int]:
    found: set[int] = set()
    for row in rows:
        if row.comment.pk == pk:
            stack = list(row.children)
            while stack:
                child = stack.pop()
                found.add(child.comment.pk)
                stack.extend(child.children)
    return found


def history(comment: Comment) -> list[ModerationEvent]:
    return list(comment.events.select_related("actor", "related_comment"))


def author_record(comment: Comment) -> dict[str, int]:
    """How this author's comments on the site were decided (matched by name, else email)."""
    if comment.is_staff_reply or not (comment.author_name or comment.author_email):
        return {}
    same = (
        Q(author_name__iexact=comment.author_name)
        if comment.author_name
        else Q(author_email__iexact=comment.author_email)
    )
    return Comment.objects.filter(same).aggregate(
        total=Count("pk"), **{s.value: Count("pk", filter=Q(status=s)) for s in Status}
    )
