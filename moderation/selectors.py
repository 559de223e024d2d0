"""Reads for the desk: the filtered queue, tab counts, a comment's context, an article's thread."""

from __future__ import annotations

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
    """The counts per tab the queue page shows for these filters (one query)."""
    comments = matching(filters)
    if searches_the_index(filters, comments):
        return counts_in(first_matches(comments))
    return tab_counts(comments)


def searches_the_index(filters: dict, comments: QuerySet[Comment]) -> bool:
    return "q" in filters and connections[comments.db].vendor == "postgresql"


def first_matches(comments: QuerySet[Comment]) -> list[tuple[int, str, datetime | None]]:
    """Up to COUNT_CAP + 1 matches, unordered: one bitmap scan of the full-text index."""
    return list(comments.order_by().values_list("pk", "status", "created_at")[: COUNT_CAP + 1])


def counts_in(found: list[tuple[int, str, datetime | None]]) -> dict[str, int]:
    return {
        tab: sum(1 for _, s, _ in found if status in (None, s))
        for tab, status in QueueFilterForm.TABS.items()
    }


def searched_page(comments: QuerySet[Comment], filters: dict, page_number):
    """A text search on PostgreSQL, with a plan chosen here rather than by the planner.

    The planner cannot tell a rare word from a common one well enough (it guessed 5,000
    rows for a word in no comment, and walked all 1,000,000 in time order looking for it).
    So: first read up to COUNT_CAP + 1 matches from the full-text index, unordered. When
    that is all of them, count them per tab and pick the page from them. When there are
    more, the word is common, and walking the time index stops at one page after a few
    hundred rows; the tabs then count what the first COUNT_CAP + 1 matches held (the All
    tab says "10,000+"). Two queries either way.
    """
    found = first_matches(comments)
    counts = counts_in(found)
    if len(found) > COUNT_CAP:
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
