"""Reads for the desk: the filtered queue, tab counts, a comment's context, an article's thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import cached_property

from articles.models import Article, Comment
from articles.trees import Tree
from jobs.models import Job

from . import rollup, search
from .models import FirstDecision, ModerationEvent
from .search import About, AtLeast, body_matches, uses_the_index
from .tabs import TAB_NAMES, status_of

Status = Comment.Status
EARLIEST = datetime.min.replace(tzinfo=UTC)
PAGE_SIZE = 50
# Tabs count exactly up to this many; "All N matching" works up to it too.
COUNT_CAP = 10_000
BULK_MATCHING_LIMIT = COUNT_CAP
# What a dashboard link may set on the queue; those about decisions select through events.
DECISION_FILTERS = (
    "decided",
    "decided_reason",
    "decided_by",
    "decided_from",
    "decided_to",
    "reversal",
)
DASHBOARD_FILTERS = (
    "older_than",
    *DECISION_FILTERS,
    "first_decided",
    "imported_from",
    "imported_to",
)
# A finished bulk job stays on its moderator's desk this long, with its result.
FINISHED_JOBS_SHOWN_FOR = timezone.timedelta(minutes=15)


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
    comments = comments.filter(within_days(filters, "date_from", "date_to", "created_at"))
    if "source_status" in filters:
        comments = comments.filter(source_status=filters["source_status"])
    if "marker" in filters:
        comments = comments.filter(triage__marker_rules__contains=f",{filters['marker']},")
    if "older_than" in filters:
        since = timezone.now() - timezone.timedelta(hours=filters["older_than"])
        comments = comments.filter(created_at__lt=since)
    comments = comments.filter(within_days(filters, "imported_from", "imported_to", "imported_at"))
    if "first_decided" in filters:
        first = FirstDecision.objects.filter(day=filters["first_decided"])
        comments = comments.filter(pk__in=first.values("comment_id"))
    comments = by_decision(comments, filters)
    return by_staff(comments, filters.get("staff", ""))


def by_decision(comments: QuerySet[Comment], filters: dict) -> QuerySet[Comment]:
    """Comments with one event matching every decision filter (the dashboard's links)."""
    events = ModerationEvent.objects.filter(comment=OuterRef("pk"))
    if "decided" in filters:
        events = events.filter(action=filters["decided"])
    if "decided_reason" in filters:
        events = events.filter(reason=filters["decided_reason"])
    if "decided_by" in filters:
        who = filters["decided_by"]
        if who in ("automatic", "people"):
            events = events.filter(actor__isnull=who == "automatic")
        else:
            events = events.filter(actor=who)
    events = events.filter(within_days(filters, "decided_from", "decided_to", "created_at"))
    if "reversal" in filters:
        events = reversals(events)
    if not filters.keys() & set(DECISION_FILTERS):
        return comments
    return comments.filter(Exists(events.filter(action__in=rollup.DECISION_ACTIONS)))


def reversals(events: QuerySet[ModerationEvent]) -> QuerySet[ModerationEvent]:
    """Events that undid an approve or hide made at most a week before (rollup's rule)."""
    previous = ModerationEvent.objects.filter(
        comment=OuterRef("comment"),
        action__in=rollup.STATUS_CHANGES,
        created_at__lt=OuterRef("created_at"),
    ).order_by("-created_at", "-id")
    return events.annotate(
        previous_action=Subquery(previous.values("action")[:1]),
        previous_at=Subquery(previous.values("created_at")[:1]),
    ).filter(
        previous_action__in=rollup.UNDOABLE_ACTIONS,
        previous_at__gte=F("created_at") - rollup.REVERSAL_WINDOW,
    )


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


def within_days(filters: dict, first: str, last: str, field: str) -> Q:
    """`field` from the start of the day `filters[first]` to the end of the day `filters[last]`,
    each bound only when the filter is set."""
    bounds = Q()
    if first in filters:
        bounds &= Q(**{f"{field}__gte": day_start(filters[first])})
    if last in filters:
        bounds &= Q(**{f"{field}__lt": day_start(filters[last], days=1)})
    return bounds


def in_tab(comments: QuerySet[Comment], tab: str) -> QuerySet[Comment]:
    status = status_of(tab)
    return comments.filter(status=status) if status else comments


def ordered(comments: QuerySet[Comment], tab: str, order: str) -> QuerySet[Comment]:
    """Newest or oldest first. Within one status, ordering by status too (a constant)
    makes PostgreSQL walk the comment_queue index instead of filtering a time index."""
    if order == "likely":  # triage: holding markers first, then by score
        return comments.order_by(
            F("triage__likelihood").desc(nulls_last=True), "-created_at", "-id"
        )
    fields = ["created_at", "id"] if order == "oldest" else ["-created_at", "-id"]
    if status_of(tab):
        fields.insert(0, "status")
    return comments.order_by(*fields)


def tab_counts(comments: QuerySet[Comment]) -> dict[str, int]:
    """Comments per tab in one query, exact up to COUNT_CAP (then COUNT_CAP + 1)."""
    return tab_counts_and_newest_id(comments)[0]


def tab_counts_and_newest_id(comments: QuerySet[Comment]) -> tuple[dict[str, int], int]:
    """Comments per tab, and the newest comment id on the site, in one query.

    Counting a million rows costs ~200 ms on PostgreSQL; counting until the cap
    stays fast, and "10,000+" is all a moderator needs from a huge tab. The newest id
    (one step down the primary key) bounds "all N matching" to what the page showed.
    """
    parts, params = [], []
    for tab in TAB_NAMES:
        capped = in_tab(comments, tab).order_by().values("pk")[: COUNT_CAP + 1]
        sql, tab_params = capped.query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS {tab}_rows)")  # noqa: S608 - Django's SQL
        params.extend(tab_params)
    table = connections[comments.db].ops.quote_name(Comment._meta.db_table)
    parts.append(f"(SELECT MAX(id) FROM {table})")  # noqa: S608 - the table name only
    with connections[comments.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        *counts, newest_id = cursor.fetchone()
    return dict(zip(TAB_NAMES, counts, strict=True)), newest_id or 0


def exact_tab_counts(comments: QuerySet[Comment]) -> dict[str, int]:
    """Exact counts per tab in one aggregate (a full scan of the matching rows)."""
    counts = comments.aggregate(
        all=Count("pk"), **{s.value: Count("pk", filter=Q(status=s)) for s in Status}
    )
    return {tab: counts[tab] for tab in TAB_NAMES}


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
    """The page of rows to draw, the counts per tab and the newest comment id (two queries)."""
    comments = matching(filters)
    if uses_the_index(filters, comments):
        return searched_page(comments, filters, page_number)
    counts, newest_id = tab_counts_and_newest_id(comments)
    rows = ordered(in_tab(comments, filters["tab"]), filters["tab"], filters["order"])
    rows = rows.select_related("article", "parent", "triage")
    paginator = CountedPaginator(rows, PAGE_SIZE, count=counts[filters["tab"]])
    return paginator.get_page(page_number), counts, newest_id


def queue_counts(filters: dict) -> dict[str, int]:
    """The counts per tab the queue page shows for these filters."""
    comments = matching(filters)
    if uses_the_index(filters, comments):
        return search.search_counts(filters, comments)
    return tab_counts(comments)


def newest_comment_id() -> int:
    """The newest comment id on the site (one step down the primary key)."""
    return Comment.objects.aggregate(newest=Max("pk"))["newest"] or 0


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
    common = search.is_common(filters, comments)
    found = [] if common else search.first_matches(comments)
    counts = search.estimated_counts(comments) if common else search.counts_in(found)
    if common or len(found) > search.SEARCH_SAMPLE:
        rows = ordered(in_tab(comments, filters["tab"]), filters["tab"], filters["order"])
        rows = rows.select_related("article", "parent", "triage")
        paginator = CountedPaginator(rows, PAGE_SIZE, count=counts[filters["tab"]])
        return paginator.get_page(page_number), counts, newest_comment_id()
    status = status_of(filters["tab"])
    in_order = sorted(
        ((created, pk) for pk, s, created in found if status in (None, s)),
        # PostgreSQL's order: no date last when oldest first, first when newest first.
        key=lambda row: (row[0] is None, row[0] or EARLIEST, row[1]),
        reverse=filters["order"] != "oldest",
    )
    page = Paginator([pk for _, pk in in_order], PAGE_SIZE).get_page(page_number)
    by_pk = Comment.objects.select_related("article", "parent", "triage").in_bulk(page.object_list)
    page.object_list = [by_pk[pk] for pk in page.object_list if pk in by_pk]
    return page, counts, newest_comment_id()


@dataclass
class Matching:
    """What "all N matching" acts on: ids that existed when the page was drawn."""

    ids: list[int]
    arrived_since: int = 0  # matching now, but newer than the page: left alone


def matching_ids(
    filters: dict,
    newest_id: int,
    drawn_at: datetime | None = None,
    limit: int = BULK_MATCHING_LIMIT + 1,
) -> Matching:
    """Ids the filter and tab select now, up to the page's newest comment id (at most `limit`).

    With `drawn_at`, also the ones decided since the page was drawn that have
    left the tab, so the bulk action can count them as skipped conflicts.
    """
    comments = matching(filters).filter(pk__lte=newest_id)
    ids = list(in_tab(comments, filters["tab"]).values_list("pk", flat=True)[:limit])
    status = status_of(filters["tab"])
    if drawn_at and status:
        decided = ModerationEvent.objects.filter(created_at__gt=drawn_at).values("comment_id")
        moved = comments.filter(pk__in=decided).exclude(status=status)
        ids += moved.values_list("pk", flat=True)[:limit]
    newer = in_tab(matching(filters).filter(pk__gt=newest_id), filters["tab"])
    return Matching(ids, newer.count())


class BulkScope:
    """ "All matching" for a bulk job, read in primary-key order a chunk at a time.

    The same comments `matching_ids` gives (those in the tab, and those decided since
    the page was drawn, to count as conflicts), bounded by the newest id that existed
    when the moderator asked, so comments imported meanwhile are left alone.
    """

    def __init__(self, filters: dict, drawn_at: datetime | None, up_to_id: int):
        comments = matching(filters).filter(pk__lte=up_to_id)
        status = status_of(filters["tab"])
        if status and drawn_at:
            decided = ModerationEvent.objects.filter(created_at__gt=drawn_at).values("comment_id")
            comments = comments.filter(Q(status=status) | Q(pk__in=decided))
        elif status:
            comments = comments.filter(status=status)
        self.comments = comments

    def count(self, *, after_id: int) -> int:
        return self.comments.filter(pk__gt=after_id).count()

    def ids(self, *, after_id: int, limit: int) -> list[int]:
        rows = self.comments.filter(pk__gt=after_id).order_by("pk").values_list("pk", flat=True)
        return list(rows[:limit])


def bulk_jobs_to_show(user) -> list[Job]:
    """This moderator's bulk jobs that are running or finished lately (one query)."""
    from .tasks import BULK_KIND

    recent = Q(finished_at__isnull=True) | Q(
        finished_at__gte=timezone.now() - FINISHED_JOBS_SHOWN_FOR
    )
    return list(Job.objects.filter(recent, kind=BULK_KIND, created_by=user)[:5])


def triage_jobs_to_show(user) -> list[Job]:
    """This manager's triage jobs (run, undo, train) running or finished lately (one query)."""
    from .triage.tasks import TRIAGE_KINDS

    recent = Q(finished_at__isnull=True) | Q(
        finished_at__gte=timezone.now() - FINISHED_JOBS_SHOWN_FOR
    )
    return list(Job.objects.filter(recent, kind__in=TRIAGE_KINDS, created_by=user)[:5])


@dataclass
class ThreadRow:
    comment: Comment
    depth: int


def article_thread(article: Article) -> tuple[list[ThreadRow], dict[str, int]]:
    """Every comment of the article in thread order with its depth, and counts per status."""
    comments = list(
        Comment.objects.for_thread(article).select_related("staff_author").defer("source_body")
    )
    return thread_order(Tree(comments)), status_counts(comments)


def thread_order(thread: Tree[Comment]) -> list[ThreadRow]:
    return [ThreadRow(comment, depth) for comment, depth in thread.walk()]


def status_counts(comments: list[Comment]) -> dict[str, int]:
    counts = {s.value: 0 for s in Status}
    for comment in comments:
        counts[comment.status] += 1
    return counts


def thread_around(comment: Comment) -> list[ThreadRow]:
    """Ancestors, siblings, the comment and its replies, in thread order."""
    thread = Tree(
        Comment.objects.for_thread(comment.article_id)
        .select_related("staff_author")
        .defer("source_body")
    )
    rows = thread_order(thread)
    by_pk = {row.comment.pk: row.comment for row in rows}
    ancestors, parent_id = set(), comment.parent_id
    while parent_id in by_pk and parent_id not in ancestors:
        ancestors.add(parent_id)
        parent_id = by_pk[parent_id].parent_id
    keep = ancestors | {comment.pk} | nearest_siblings(comment, list(by_pk.values()))
    keep |= {reply.pk for reply in thread.descendants(comment)}
    return [row for row in rows if row.comment.pk in keep]


def nearest_siblings(comment: Comment, comments: list[Comment], each_side: int = 5) -> set[int]:
    """Up to five siblings before and after: a busy article has hundreds of top-level comments."""
    siblings = [c.pk for c in comments if c.parent_id == comment.parent_id]
    at = siblings.index(comment.pk) if comment.pk in siblings else 0
    return set(siblings[max(0, at - each_side) : at + each_side + 1])


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
