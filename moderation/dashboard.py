"""The dashboard's figures: one query function per figure, over a period of whole days.

Decision counts come from the `DailyDecisionCount` roll-up and waits from `FirstDecision`
(both kept by the services, see `rollup.py`), so no figure reads the event log itself.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    FloatField,
    Func,
    IntegerField,
    Min,
    Subquery,
    Sum,
    Value,
)
from django.utils import timezone

from articles.models import Comment, ImportRun, PendingCount

from . import rollup
from .models import DailyDecisionCount, DailyWaits, FirstDecision
from .rollup import DECISION_ACTIONS
from .selectors import day_start

Reason = Comment.HiddenReason
PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 7
BUSIEST_ARTICLES = 10


@dataclass(frozen=True)
class Period:
    """The last `days` whole days, today included, in the site's time zone."""

    days: int
    first: date
    last: date

    @classmethod
    def ending(cls, last: date, days: int) -> Period:
        return cls(days, last - timedelta(days=days - 1), last)

    @property
    def dates(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]

    @property
    def starts_at(self) -> datetime:
        return day_start(self.first)

    @property
    def ends_before(self) -> datetime:
        return day_start(self.last, days=1)


def period_ending_today(days: int) -> Period:
    return Period.ending(timezone.localdate(), days)


@dataclass
class QueueNow:
    size: int
    oldest: datetime | None
    older_than_hour: int
    older_than_day: int


def queue_now(now: datetime | None = None) -> QueueNow:
    """The pending queue at this moment, in one query that never reads the whole queue.

    The size is the sum of the per-article counts the database keeps (`PendingCount`); "older
    than" is the size minus the pending comments of the last hour / day (a short index range)
    and those with no date (never older than anything); the oldest is one index entry.
    """
    now = now or timezone.now()
    pending = Comment.objects.pending()
    dated = pending.filter(created_at__isnull=False)
    # aggregate() takes aggregates only: the Min of a one-value subquery is that value. With no
    # PendingCount rows (the queue is empty) every figure is NULL, read as 0 / None below.
    figures = PendingCount.objects.aggregate(
        size=Sum("pending"),
        oldest=Min(Subquery(dated.order_by("created_at").values("created_at")[:1])),
        newer_than_hour=Min(counted(dated.filter(created_at__gte=now - timedelta(hours=1)))),
        newer_than_day=Min(counted(dated.filter(created_at__gte=now - timedelta(hours=24)))),
        undated=Min(counted(pending.filter(created_at__isnull=True))),
    )
    size = figures["size"] or 0
    undated = figures["undated"] or 0
    return QueueNow(
        size=size,
        oldest=figures["oldest"],
        older_than_hour=size - undated - (figures["newer_than_hour"] or 0),
        older_than_day=size - undated - (figures["newer_than_day"] or 0),
    )


def counted(queryset) -> Subquery:
    """COUNT(*) of a queryset, as a value inside another query."""
    count = Func(Value(1), function="COUNT", output_field=IntegerField())
    return Subquery(queryset.order_by().annotate(n=count).values("n"))


@dataclass
class ModeratorFigures:
    actor_id: int | None
    name: str
    by_action: dict[str, int] = field(default_factory=dict)
    total: int = 0
    reversals: int = 0


@dataclass
class DayDecisions:
    day: date
    by_action: dict[str, int]
    by_reason: dict[str, int]
    automatic: int = 0
    by_people: int = 0
    reversals: int = 0

    @property
    def total(self) -> int:
        return self.automatic + self.by_people


@dataclass
class DecisionFigures:
    days: list[DayDecisions]
    moderators: list[ModeratorFigures]  # people first, by most decisions; automatic last
    totals: DayDecisions


def decision_figures(period: Period) -> DecisionFigures:
    """Decisions per day by action, reason and who; per moderator; reversals (one query)."""
    rows = DailyDecisionCount.objects.filter(day__range=(period.first, period.last)).values_list(
        "day",
        "actor_id",
        "actor__username",
        "actor__first_name",
        "actor__last_name",
        "action",
        "reason",
        "decisions",
        "reversals",
    )
    days = {day: empty_day(day) for day in period.dates}
    totals = empty_day(period.last)
    people: dict[int | None, ModeratorFigures] = {}
    for day, actor_id, username, first, last, action, reason, decisions, reversals in rows:
        name = (f"{first} {last}".strip() or username) if actor_id else "Automatic"
        who = people.setdefault(actor_id, ModeratorFigures(actor_id, name))
        who.by_action[action] = who.by_action.get(action, 0) + decisions
        who.total += decisions
        who.reversals += reversals
        for bucket in (days[day], totals):
            add_to_day(bucket, actor_id, action, reason, decisions, reversals)
    moderators = sorted(people.values(), key=lambda m: (m.actor_id is None, -m.total, m.name))
    return DecisionFigures(list(days.values()), moderators, totals)


def empty_day(day: date) -> DayDecisions:
    return DayDecisions(day, dict.fromkeys(DECISION_ACTIONS, 0), dict.fromkeys(Reason, 0))


def add_to_day(bucket: DayDecisions, actor_id, action, reason, decisions, reversals) -> None:
    bucket.by_action[action] += decisions
    if reason:
        bucket.by_reason[reason] += decisions
    if actor_id is None:
        bucket.automatic += decisions
    else:
        bucket.by_people += decisions
    bucket.reversals += reversals


@dataclass
class DayWaits:
    day: date
    decided: int = 0
    median_seconds: float | None = None
    p90_seconds: float | None = None


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont: linear interpolation between the two nearest values."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(ordered: list[int], fraction: float) -> float | None:
    """The same interpolation as percentile_cont, for databases without it."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def wait_figures(period: Period) -> list[DayWaits]:
    """Time from arrival to first decision, per day decided: median and 90th percentile.

    Closed days are read from `DailyWaits`; the others (today and yesterday, and closed days
    no page has shown yet) are computed from `FirstDecision`, and the closed ones among them
    stored: two queries, three when days closed since the last view.
    """
    kept = {
        row.day: DayWaits(row.day, row.decided, row.median_seconds, row.p90_seconds)
        for row in DailyWaits.objects.filter(day__range=(period.first, period.last))
    }
    computed = computed_waits([day for day in period.dates if day not in kept])
    closed = rollup.last_closed_day()
    DailyWaits.objects.bulk_create(
        [
            DailyWaits(
                day=w.day,
                decided=w.decided,
                median_seconds=w.median_seconds,
                p90_seconds=w.p90_seconds,
            )
            for w in computed.values()
            if w.day <= closed
        ],
        ignore_conflicts=True,  # another page stored the same day meanwhile
    )
    return [kept.get(day) or computed[day] for day in period.dates]


def computed_waits(days: list[date]) -> dict[date, DayWaits]:
    """These days' waits from their first decisions (one query)."""
    found = {day: DayWaits(day) for day in days}
    decided = FirstDecision.objects.filter(day__in=days)
    if connection.vendor == "postgresql":
        per_day = decided.values("day").annotate(
            n=Count("*"),  # not the key: the index (day, waited_seconds) then covers it
            median=PercentileCont("waited_seconds", 0.5),
            p90=PercentileCont("waited_seconds", 0.9),
        )
        for row in per_day.order_by():
            found[row["day"]] = DayWaits(row["day"], row["n"], row["median"], row["p90"])
        return found
    waits: dict[date, list[int]] = defaultdict(list)
    for day, waited in decided.order_by("waited_seconds").values_list("day", "waited_seconds"):
        waits[day].append(waited)
    for day, values in waits.items():
        found[day] = DayWaits(day, len(values), percentile(values, 0.5), percentile(values, 0.9))
    return found


@dataclass
class BusyArticle:
    article_id: int
    title: str
    pending: int


def busiest_articles(limit: int = BUSIEST_ARTICLES) -> list[BusyArticle]:
    """The articles with the most pending comments, with their titles (one query)."""
    counts = (
        PendingCount.objects.select_related("article")
        .only("pending", "article__title")
        .order_by("-pending", "article_id")[:limit]
    )
    return [BusyArticle(row.article_id, row.article.title, row.pending) for row in counts]


def pending_figures(now: datetime | None = None, limit: int = BUSIEST_ARTICLES):
    """The queue now and the busiest articles (two queries). Returns (QueueNow, [BusyArticle])."""
    return queue_now(now), busiest_articles(limit)


@dataclass
class DayImports:
    day: date
    runs: int = 0
    failed: int = 0
    comments_created: int = 0
    created_pending: int = 0


def import_figures(period: Period) -> list[DayImports]:
    """Imports started per day, and the comments they created (one query over a few rows)."""
    days = {day: DayImports(day) for day in period.dates}
    runs = ImportRun.objects.filter(
        started_at__gte=period.starts_at, started_at__lt=period.ends_before
    ).values_list("started_at", "succeeded", "counts")
    for started_at, succeeded, counts in runs:
        day = days[timezone.localdate(started_at)]
        day.runs += 1
        day.failed += not succeeded
        if succeeded:
            day.comments_created += counts.get("comments_created", 0)
            day.created_pending += counts.get("created_by_status", {}).get("pending", 0)
    return list(days.values())


@dataclass
class Dashboard:
    period: Period
    queue: QueueNow
    decisions: DecisionFigures
    waits: list[DayWaits]
    busiest: list[BusyArticle]
    imports: list[DayImports]


def dashboard(period: Period) -> Dashboard:
    """Every figure of the page: five queries, whatever the number of events."""
    queue, busiest = pending_figures()
    return Dashboard(
        period=period,
        queue=queue,
        decisions=decision_figures(period),
        waits=wait_figures(period),
        busiest=busiest,
        imports=import_figures(period),
    )
