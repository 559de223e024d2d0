"""The dashboard's running totals, written by the services inside each decision's transaction.

`DailyDecisionCount` holds decisions per day, person, action and reason (with how many of them
were reversals); `FirstDecision` holds how long each comment waited before its first approve or
hide. Both are derived from the append-only event log, and `rebuild()` derives them again from it
(the migration that added them, the bench, and the tests that check the services kept them right).

A reversal is a decision (approve, hide, or back to pending) whose comment's previous status
change was an approve or hide made at most `REVERSAL_WINDOW` earlier: that decision was undone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from contextlib import suppress
from datetime import datetime, timedelta

from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone

from articles.models import Comment

from .models import DailyDecisionCount, DailyWaits, FirstDecision, ModerationEvent

Action = ModerationEvent.Action
Status = Comment.Status
REVERSAL_WINDOW = timedelta(days=7)
# First decisions are dated when made (a bulk decision by its start, perhaps yesterday): a day
# this many days past gets no new one. Its waits are then kept (`DailyWaits`).
CLOSED_AFTER_DAYS = 2
# Decisions change a comment's status; replies and reply edits are not decisions.
DECISION_ACTIONS = (Action.APPROVE, Action.HIDE, Action.RESTORE)
UNDOABLE_ACTIONS = (Action.APPROVE, Action.HIDE)
# An import that rewrote an approved comment sends it back to pending: a status change, but
# nobody's decision. It is not counted, and a decision after it undoes nothing.
STATUS_CHANGES = (*DECISION_ACTIONS, Action.TEXT_CHANGED_AT_SOURCE)


def is_reversal(previous: tuple[str, datetime] | None, when: datetime) -> bool:
    """Does a decision at `when` undo `previous` (its comment's last status change)?"""
    if previous is None:
        return False
    action, decided_at = previous
    return action in UNDOABLE_ACTIONS and when - decided_at <= REVERSAL_WINDOW


def waited_seconds(comment_created_at: datetime | None, decided_at: datetime) -> int | None:
    """Arrival is when the reader posted the comment (what the queue shows and sorts by)."""
    if comment_created_at is None:
        return None
    return max(0, int((decided_at - comment_created_at).total_seconds()))


def record_decision(event: ModerationEvent, comment_created_at: datetime | None) -> None:
    """Count one event the services just saved (call inside their transaction)."""
    if event.action not in DECISION_ACTIONS:
        return
    previous = (
        ModerationEvent.objects.filter(comment_id=event.comment_id, action__in=STATUS_CHANGES)
        .exclude(pk=event.pk)
        .order_by("-created_at", "-id")
        .values_list("action", "created_at")
        .first()
    )
    reversals = int(is_reversal(previous, event.created_at))
    add_counts(event.created_at, event.actor_id, event.action, event.reason, 1, reversals)
    if event.status_before == Status.PENDING and event.status_after != Status.PENDING:
        add_first_decisions({event.comment_id: comment_created_at}, event.created_at)


def record_bulk(ids: list[int], actor_id: int | None, action: str, reason: str, now) -> None:
    """Count one chunk of a bulk decision, before its comments are updated (two to four queries)."""
    since = now - REVERSAL_WINDOW
    last_change: dict[int, str] = {}
    recent = (
        ModerationEvent.objects.filter(
            comment_id__in=ids, action__in=STATUS_CHANGES, created_at__gte=since
        )
        .order_by("comment_id", "-created_at", "-id")
        .values_list("comment_id", "action")
    )
    for comment_id, previous_action in recent:
        last_change.setdefault(comment_id, previous_action)
    reversals = sum(1 for a in last_change.values() if a in UNDOABLE_ACTIONS)
    add_counts(now, actor_id, action, reason, len(ids), reversals)
    arrivals = dict(
        Comment.objects.filter(pk__in=ids, status=Status.PENDING).values_list("pk", "created_at")
    )
    if arrivals:
        add_first_decisions(arrivals, now)


def last_closed_day():
    return timezone.localdate() - timedelta(days=CLOSED_AFTER_DAYS)


def add_first_decisions(arrivals: dict[int, datetime | None], decided_at: datetime) -> None:
    """A comment keeps its first decision: a later one (after a restore) is ignored."""
    day = timezone.localdate(decided_at)
    if day <= last_closed_day():  # dated in a closed day after all: its kept waits are stale
        DailyWaits.objects.filter(day=day).delete()
    rows = [
        FirstDecision(comment_id=pk, decided_at=decided_at, day=day, waited_seconds=waited)
        for pk, created_at in arrivals.items()
        if (waited := waited_seconds(created_at, decided_at)) is not None
    ]
    FirstDecision.objects.bulk_create(rows, ignore_conflicts=True)


def add_counts(when, actor_id, action, reason, decisions: int, reversals: int) -> None:
    """Add to one day's counter row, creating it if needed (one upsert, safe under concurrency)."""
    quote = connection.ops.quote_name
    table = quote(DailyDecisionCount._meta.db_table)
    if actor_id is None:
        target = "(day, action, reason) WHERE actor_id IS NULL"
    else:
        target = "(day, actor_id, action, reason) WHERE actor_id IS NOT NULL"
    sql = (  # only the table name and a fixed conflict target are formatted in
        f"INSERT INTO {table} (day, actor_id, action, reason, decisions, reversals)"  # noqa: S608
        " VALUES (%s, %s, %s, %s, %s, %s)"
        f" ON CONFLICT {target} DO UPDATE SET"
        f" decisions = {table}.decisions + excluded.decisions,"
        f" reversals = {table}.reversals + excluded.reversals"
    )
    day = timezone.localdate(when)
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, actor_id, action, reason, decisions, reversals])


def rebuild(apps=django_apps, batch_size: int = 5000) -> None:
    """Derive both tables again from the whole event log (replaces what they hold)."""
    Event = apps.get_model("moderation", "ModerationEvent")
    Counts = apps.get_model("moderation", "DailyDecisionCount")
    First = apps.get_model("moderation", "FirstDecision")
    CommentRow = apps.get_model("articles", "Comment")
    Counts.objects.all().delete()
    First.objects.all().delete()
    with suppress(LookupError):  # not yet in the state the migration that backfilled ran in
        apps.get_model("moderation", "DailyWaits").objects.all().delete()
    decisions: Counter = Counter()
    reversals: Counter = Counter()
    firsts: dict[int, datetime] = {}
    previous: dict[int, tuple[str, datetime]] = {}
    events = (
        Event.objects.filter(action__in=STATUS_CHANGES)
        .order_by("created_at", "id")
        .values_list("comment_id", "actor_id", "action", "reason", "status_before", "created_at")
    )
    for comment_id, actor_id, action, reason, before, when in events.iterator(batch_size):
        if action not in DECISION_ACTIONS:
            previous[comment_id] = (action, when)
            continue
        key = (timezone.localdate(when), actor_id, action, reason)
        decisions[key] += 1
        reversals[key] += is_reversal(previous.get(comment_id), when)
        previous[comment_id] = (action, when)
        if before == Status.PENDING and action in UNDOABLE_ACTIONS:
            firsts.setdefault(comment_id, when)
    Counts.objects.bulk_create(
        [
            Counts(
                day=day,
                actor_id=actor_id,
                action=action,
                reason=reason,
                decisions=count,
                reversals=reversals[(day, actor_id, action, reason)],
            )
            for (day, actor_id, action, reason), count in decisions.items()
        ],
        batch_size=batch_size,
    )
    for chunk in chunked(list(firsts.items()), batch_size):
        arrivals = dict(
            CommentRow.objects.filter(pk__in=[pk for pk, _ in chunk]).values_list(
                "pk", "created_at"
            )
        )
        First.objects.bulk_create(
            [
                First(
                    comment_id=pk,
                    decided_at=when,
                    day=timezone.localdate(when),
                    waited_seconds=waited,
                )
                for pk, when in chunk
                if (waited := waited_seconds(arrivals.get(pk), when)) is not None
            ]
        )


def chunked(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
