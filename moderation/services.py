"""The moderation rules. Admin, staff views, commands and tests all call these.

Every decision locks the comment row, checks the version the moderator saw (when
given), changes the comment and appends a `ModerationEvent` in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from articles.importers.hooks import SourceChange
from articles.models import STAFF_DISPLAY_NAME, Comment, ImportRun
from articles.sanitize import text_to_html
from articles.services import mark_articles_changed
from articles.times import time_ago

from . import rollup
from .models import ModerationEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User

Status = Comment.Status
Reason = Comment.HiddenReason
Action = ModerationEvent.Action
MODERATE_PERM = "moderation.moderate_comments"
REPLY_PERM = "moderation.reply_as_staff"
# Reasons a moderator can pick; "removed at source" is only set by imports and
# "banned word" only by the triage rule.
MODERATOR_REASONS = [r for r in Reason if r not in (Reason.REMOVED_AT_SOURCE, Reason.BANNED_WORD)]
BULK_CHUNK = 2000
MAX_REPLY_LENGTH = 10_000


class ModerationConflict(Exception):
    """The comment changed since the moderator's page was drawn."""

    def __init__(self, comment: Comment, last_event: ModerationEvent | None):
        self.comment = comment
        self.last_event = last_event
        super().__init__(describe_change(comment, last_event))


class BulkDecision(NamedTuple):
    """One decision applied to many comments: what is recorded, and the state it leads to.

    Not to be confused with a triage rule (`triage.models.Rule`, an event's `rule`).
    """

    action: str  # ModerationEvent.Action
    status: str  # Comment.Status after the decision
    reason: str  # Comment.HiddenReason, "" unless hiding
    note: str


@dataclass
class BulkResult:
    changed: int = 0
    unchanged: int = 0  # already in the requested state
    conflicts: int = 0  # changed by someone else since the page was drawn


def describe_change(comment: Comment, event: ModerationEvent | None) -> str:
    """ "Approved by Dana Scully 2 minutes ago." or, without an event, the current status."""
    if event is None:
        return f"This comment changed meanwhile; it is now {comment.get_status_display().lower()}."
    return f"{event.get_action_display()} by {event.actor_name} {time_ago(event.created_at)}."


def require(actor: User | None, perm: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise PermissionDenied("You do not have permission to do that.")


def approve(
    comment: Comment, *, actor: User, note: str = "", expected_version: int | None = None
) -> ModerationEvent | None:
    """Show the comment to readers."""
    return decide(comment, actor, Action.APPROVE, Status.APPROVED, "", note, expected_version)


def hide(
    comment: Comment,
    *,
    actor: User,
    reason: str,
    note: str = "",
    expected_version: int | None = None,
) -> ModerationEvent | None:
    """Hide the comment from readers, for a reason."""
    validate_reason(reason, note)
    return decide(comment, actor, Action.HIDE, Status.HIDDEN, reason, note, expected_version)


def restore(
    comment: Comment, *, actor: User, note: str = "", expected_version: int | None = None
) -> ModerationEvent | None:
    """Send the comment back to the pending queue."""
    return decide(comment, actor, Action.RESTORE, Status.PENDING, "", note, expected_version)


def validate_reason(reason: str, note: str) -> None:
    """The rule for hiding: a moderator's reason, and a note when the reason is "other"."""
    if reason not in MODERATOR_REASONS:
        raise ValidationError(f"Choose a reason for hiding ({reason!r} is not one).")
    if reason == Reason.OTHER and not note.strip():
        raise ValidationError("Say why in a note when the reason is “other”.")


@transaction.atomic
def decide(
    comment: Comment,
    actor: User,
    action: str,
    status: str,
    reason: str,
    note: str,
    expected_version: int | None,
) -> ModerationEvent | None:
    """Lock, check, change, record. Returns the event, or None when nothing changed."""
    require(actor, MODERATE_PERM)
    current = Comment.objects.select_for_update().get(pk=comment.pk)
    if expected_version is not None and current.version != expected_version:
        raise ModerationConflict(current, last_event(current))
    if (current.status, current.hidden_reason) == (status, reason):
        sync(comment, current)
        return None
    event = ModerationEvent(
        comment=current,
        actor=actor,
        action=action,
        status_before=current.status,
        status_after=status,
        reason=reason,
        note=note.strip(),
    )
    current.status, current.hidden_reason = status, reason
    current.moderated_at = event.created_at
    current.version += 1
    current.save(update_fields=["status", "hidden_reason", "moderated_at", "version"])
    event.save()
    rollup.record_decision(event, current.created_at)
    mark_articles_changed([current.article_id])
    sync(comment, current)
    return event


def sync(stale: Comment, fresh: Comment) -> None:
    """Let the caller's object reflect what is now stored."""
    for name in ("status", "hidden_reason", "moderated_at", "version"):
        setattr(stale, name, getattr(fresh, name))


def last_event(comment: Comment) -> ModerationEvent | None:
    return comment.events.select_related("actor").first()


def bulk_approve(
    comment_ids: Iterable[int],
    *,
    actor: User,
    note: str = "",
    expected: dict[int, int] | None = None,
    unchanged_since: datetime | None = None,
) -> BulkResult:
    """Approve many comments; `expected` maps id -> version the moderator saw."""
    decision = BulkDecision(Action.APPROVE, Status.APPROVED, "", note)
    return bulk_decide(comment_ids, actor, decision, expected, unchanged_since)


def bulk_hide(
    comment_ids: Iterable[int],
    *,
    actor: User,
    reason: str,
    note: str = "",
    expected: dict[int, int] | None = None,
    unchanged_since: datetime | None = None,
) -> BulkResult:
    """Hide many comments for one reason; skips those changed since the page was drawn."""
    validate_reason(reason, note)
    decision = BulkDecision(Action.HIDE, Status.HIDDEN, reason, note)
    return bulk_decide(comment_ids, actor, decision, expected, unchanged_since)


def bulk_decide(
    comment_ids: Iterable[int],
    actor: User,
    decision: BulkDecision,
    expected: dict[int, int] | None,
    unchanged_since: datetime | None,
) -> BulkResult:
    """Three queries per 2,000 comments, one event per changed comment.

    A comment is skipped as a conflict when its version differs from `expected`
    or when someone decided it after `unchanged_since` (the page's drawing time).
    """
    require(actor, MODERATE_PERM)
    ids = sorted(set(comment_ids))
    result = BulkResult()
    touched_articles: set[int] = set()
    now = timezone.now()
    with transaction.atomic():
        for start in range(0, len(ids), BULK_CHUNK):
            chunk = ids[start : start + BULK_CHUNK]
            changing = lock_and_sort(chunk, decision, expected, unchanged_since, result)
            if changing:
                rollup.record_bulk(list(changing), actor.pk, decision.action, decision.reason, now)
                insert_events(list(changing), actor, decision, now)
                Comment.objects.filter(pk__in=list(changing)).update(
                    status=decision.status,
                    hidden_reason=decision.reason,
                    moderated_at=now,
                    version=F("version") + 1,
                )
                result.changed += len(changing)
                touched_articles.update(changing.values())
        mark_articles_changed(touched_articles)
    return result


def lock_and_sort(
    chunk: list[int],
    decision: BulkDecision,
    expected: dict[int, int] | None,
    unchanged_since: datetime | None,
    result: BulkResult,
) -> dict[int, int]:
    """Lock one chunk of rows; count conflicts and no-ops; return {id: article id} to change."""
    status, reason = decision.status, decision.reason
    rows = (
        Comment.objects.select_for_update()
        .filter(pk__in=chunk)
        .values_list("pk", "status", "hidden_reason", "version", "moderated_at", "article_id")
    )
    changing = {}
    for pk, old_status, old_reason, version, moderated_at, article_id in rows:
        seen = expected.get(pk, version) if expected is not None else version
        if seen != version or (unchanged_since and moderated_at and moderated_at > unchanged_since):
            result.conflicts += 1
        elif (old_status, old_reason) == (status, reason):
            result.unchanged += 1
        else:
            changing[pk] = article_id
    return changing


def decide_by_rule(
    comment_ids: Iterable[int], *, rule: str, status: str, reason: str = "", note: str = ""
) -> int:
    """A triage rule's decision on comments nobody has decided: one event each, no actor.

    Only comments still pending and never decided are changed (a person may have got
    there first); returns how many changed.
    """
    action = Action.HIDE if status == Status.HIDDEN else Action.APPROVE
    ids = sorted(set(comment_ids))
    now = timezone.now()
    changed, touched_articles = 0, set()
    with transaction.atomic():
        for start in range(0, len(ids), BULK_CHUNK):
            rows = dict(
                Comment.objects.select_for_update()
                .filter(pk__in=ids[start : start + BULK_CHUNK], status=Status.PENDING)
                .filter(moderated_at__isnull=True)
                .values_list("pk", "article_id")
            )
            if not rows:
                continue
            rollup.record_bulk(list(rows), None, action, reason, now)
            decision = BulkDecision(action, status, reason, note)
            insert_events(list(rows), None, decision, now, by_rule=rule)
            Comment.objects.filter(pk__in=list(rows)).update(
                status=status, hidden_reason=reason, moderated_at=now, version=F("version") + 1
            )
            changed += len(rows)
            touched_articles.update(rows.values())
        mark_articles_changed(touched_articles)
    return changed


def comments_decided_by_rule(rule: str, since: datetime, *, until: datetime | None = None):
    """Ids of comments whose latest decision is `rule`'s automatic one, made since `since`."""
    latest = ModerationEvent.objects.filter(comment=OuterRef("comment_id")).order_by(
        "-created_at", "-id"
    )
    events = ModerationEvent.objects.filter(rule=rule, actor__isnull=True, created_at__gte=since)
    if until is not None:  # a job undoes what was decided before it started, not after
        events = events.filter(created_at__lte=until)
    return (
        events.annotate(latest_id=Subquery(latest.values("id")[:1]))
        .filter(id=F("latest_id"))
        .values_list("comment_id", flat=True)
    )


def undo_rule(
    rule: str,
    *,
    since: datetime,
    actor: User,
    note: str = "",
    comment_ids: Iterable[int] | None = None,
) -> BulkResult:
    """Return to pending every comment whose latest decision is `rule`'s, made since `since`.

    With `comment_ids` (a job's chunk), only those of them that still qualify.
    """
    require(actor, MODERATE_PERM)
    ids = comments_decided_by_rule(rule, since)
    if comment_ids is not None:
        ids = ids.filter(comment_id__in=list(comment_ids))
    note = note or undo_rule_note(rule, since)
    decision = BulkDecision(Action.RESTORE, Status.PENDING, "", note)
    return bulk_decide(list(ids), actor, decision, None, None)


def undo_rule_note(rule: str, since: datetime) -> str:
    label = ModerationEvent(rule=rule).get_rule_display()
    return f"Undid the rule “{label}” since {since:%Y-%m-%d %H:%M}"


def insert_events(
    ids: list[int], actor: User | None, decision: BulkDecision, now: datetime, *, by_rule: str = ""
) -> None:
    """INSERT … SELECT: the database copies each locked comment's old status into its event.

    Building 10,000 ModerationEvent objects for bulk_create costs ~0.5 s of Python.
    Runs before the UPDATE, while `status` is still the old one.
    """
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(ids))
    sql = (  # only table names and placeholders are formatted in
        f"INSERT INTO {quote(ModerationEvent._meta.db_table)}"  # noqa: S608
        " (comment_id, actor_id, rule, action, status_before, status_after, reason, note,"
        " created_at) SELECT id, %s, %s, %s, status, %s, %s, %s, %s"
        f" FROM {quote(Comment._meta.db_table)} WHERE id IN ({placeholders})"
    )
    when = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        actor_id = actor.pk if actor is not None else None
        values = [actor_id, by_rule, decision.action, decision.status, decision.reason]
        values.append(decision.note.strip())
        cursor.execute(sql, [*values, when, *ids])


@transaction.atomic
def reply(
    parent: Comment, *, actor: User, body: str, expected_version: int | None = None
) -> Comment:
    """Publish a staff reply under `parent`; replying to a pending comment approves it.

    With `expected_version`, a parent changed since the page was drawn (hidden, say) is a
    conflict: nobody replies under a comment that is no longer what they read.
    """
    require(actor, REPLY_PERM)
    text = clean_reply(body)
    parent = Comment.objects.select_for_update().get(pk=parent.pk)
    if expected_version is not None and parent.version != expected_version:
        raise ModerationConflict(parent, last_event(parent))
    if parent.status == Status.PENDING:
        decide(parent, actor, Action.APPROVE, Status.APPROVED, "", "Approved on reply", None)
        parent.refresh_from_db()
    now = timezone.now()
    staff_reply = Comment.objects.create(
        article_id=parent.article_id,
        parent=parent,
        author_name=public_staff_name(actor),
        body=text_to_html(text),
        source_body=text,
        status=Status.APPROVED,
        is_staff_reply=True,
        staff_author=actor,
        created_at=now,
        moderated_at=now,
    )
    ModerationEvent.objects.create(
        comment=parent,
        actor=actor,
        action=Action.REPLY,
        status_before=parent.status,
        status_after=parent.status,
        related_comment=staff_reply,
        created_at=now,
    )
    mark_articles_changed([parent.article_id])
    return staff_reply


@transaction.atomic
def edit_reply(
    staff_reply: Comment, *, actor: User, body: str, expected_version: int | None = None
) -> Comment:
    """Staff may edit their own replies; the edit is recorded with the old text."""
    require(actor, REPLY_PERM)
    current = Comment.objects.select_for_update().get(pk=staff_reply.pk)
    if not current.is_staff_reply or current.staff_author_id != actor.pk:
        raise PermissionDenied("Only the author of a staff reply can edit it.")
    if expected_version is not None and current.version != expected_version:
        raise ModerationConflict(current, last_event(current))
    text = clean_reply(body)
    if text == current.source_body:
        return current
    ModerationEvent.objects.create(
        comment=current,
        actor=actor,
        action=Action.EDIT_REPLY,
        status_before=current.status,
        status_after=current.status,
        note=f"Previous text:\n{current.source_body}",
        related_comment=current,
    )
    current.body, current.source_body = text_to_html(text), text
    current.edited_at = timezone.now()
    current.version += 1
    current.save(update_fields=["body", "source_body", "edited_at", "version"])
    mark_articles_changed([current.article_id])
    return current


def public_staff_name(user: User) -> str:
    """How readers see a staff member: full name, else first name, never the login name."""
    return user.get_full_name() or user.first_name or STAFF_DISPLAY_NAME


def clean_reply(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise ValidationError("A reply needs some text.")
    if len(text) > MAX_REPLY_LENGTH:
        raise ValidationError(f"A reply can be at most {MAX_REPLY_LENGTH:,} characters.")
    return text


# --- what imports bring -------------------------------------------------------------------


def record_source_changes(changes: list[SourceChange]) -> None:
    """The import hook: one automatic event per approved comment the source rewrote."""
    ModerationEvent.objects.bulk_create(
        [
            ModerationEvent(
                comment_id=change.comment_id,
                actor=None,
                action=Action.TEXT_CHANGED_AT_SOURCE,
                status_before=change.status_before,
                status_after=Status.PENDING,
                note=describe_source_change(change),
            )
            for change in changes
        ],
        batch_size=500,
    )


def describe_source_change(change: SourceChange) -> str:
    names = ", ".join(name.replace("_", " ") for name in change.fields)
    before = "\n".join(
        f"{name.replace('_', ' ')}: {change.previous[name]}"
        for name in change.fields
        if name != "body"
    )
    if change.cleaned_differently:
        text = (
            "Shown differently after an update to how comments are cleaned (the source's"
            " text is the same). Back to pending for a person to read again."
        )
    else:
        text = f"Changed at source: {names}. Back to pending for a person to read again."
    if before:
        text += f"\nBefore:\n{before}"
    if "body" in change.fields:
        text += f"\nPrevious text:\n{change.previous['body']}"
    return text


@transaction.atomic
def hide_removed_at_source(
    comment: Comment, *, actor: User, expected_version: int | None = None
) -> ModerationEvent | None:
    """Hide a comment the source deleted after a person approved it (one key on the desk)."""
    event = decide(
        comment,
        actor,
        Action.HIDE,
        Status.HIDDEN,
        Reason.REMOVED_AT_SOURCE,
        "Removed at source",
        expected_version,
    )
    Comment.objects.filter(pk=comment.pk).update(removed_at_source=False)
    comment.removed_at_source = False
    return event


@transaction.atomic
def accept_source_statuses(run: ImportRun, *, actor: User) -> BulkResult:
    """Give the comments of one import the statuses its file carried, as this moderator's
    decisions; comments a person decided since the import are left alone (conflicts)."""
    require(actor, MODERATE_PERM)
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.source_statuses != ImportRun.SourceStatuses.HELD:
        raise ValidationError("This import has no statuses waiting to be accepted.")
    total = BulkResult()
    note = f"Accepted the source's status (import #{run.pk}, {run.file_name})"
    for key, ids in sorted(run.held_statuses.items()):
        status, _, reason = key.partition(":")
        action = Action.HIDE if status == Status.HIDDEN else Action.APPROVE
        result = bulk_decide(
            ids, actor, BulkDecision(action, status, reason, note), None, run.finished_at
        )
        total.changed += result.changed
        total.unchanged += result.unchanged
        total.conflicts += result.conflicts
    run.source_statuses = ImportRun.SourceStatuses.ACCEPTED
    run.statuses_decided_by = actor
    run.statuses_decided_at = timezone.now()
    run.save(update_fields=["source_statuses", "statuses_decided_by", "statuses_decided_at"])
    return total
