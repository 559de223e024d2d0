"""Triage's long work as background jobs: run the rules over the pending queue, undo what
a rule decided since a moment, and train the learned score (on demand or on a schedule).

Each handler works in steps (one transaction each, with the cursor), calls the triage and
moderation services, and resumes after the last committed step when a worker dies.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import Comment
from jobs import services as jobs
from jobs.models import Job
from jobs.runner import JobFailed, JobRun, handler

from .. import services
from ..models import ModerationEvent
from . import learning
from .models import TriageRules
from .rules import Triage
from .service import RunResult, judge_and_apply

RUN_FIELDS = ("judged", "held", "hidden", "approved")


def start_run_over_pending(actor) -> Job:
    """Queue "run the rules over the pending queue", bounded to the comments that exist now."""
    newest_id = Comment.objects.aggregate(newest=Max("pk"))["newest"] or 0
    return jobs.start(
        run_rules_over_pending,
        title="Run the rules over the pending queue",
        params={"newest_id": newest_id},
        by=actor,
    )


@handler
def run_rules_over_pending(run: JobRun) -> dict:
    """Judge the pending comments again with the saved rules, a chunk per step.

    The chunk is read inside its step, so a comment a person decided meanwhile is no
    longer pending and is left alone; the cursor commits with the chunk's events, so a
    replacement worker never judges a chunk twice.
    """
    pending = Comment.objects.pending().filter(pk__lte=run.params["newest_id"])
    totals = RunResult(**run.cursor.get("result", {}))
    after_id = run.cursor.get("after_id", 0)
    triage = Triage(TriageRules.current())
    if run.total is None:
        run.progress(run.done, pending.count())
    while True:
        with run.step():
            ids = list(
                pending.filter(pk__gt=after_id)
                .order_by("pk")
                .values_list("pk", flat=True)[: chunk_size()]
            )
            if not ids:
                break
            part = judge_and_apply(ids, triage)
            for name in RUN_FIELDS:
                setattr(totals, name, getattr(totals, name) + getattr(part, name))
            after_id = ids[-1]
            run.cursor = {"after_id": after_id, "result": asdict(totals)}
            run.progress(run.done + len(ids))
    return {**asdict(totals), "summary": totals.summary()}


RUN_KIND = jobs.kind_of(run_rules_over_pending)


def start_undo_rule(actor, *, rule: str, since: datetime) -> Job:
    """Queue "undo everything `rule` decided since `since`" (what it decided until now)."""
    services.require(actor, services.MODERATE_PERM)
    until = timezone.now()
    return jobs.start(
        undo_rule_since,
        title=f"Undo the rule “{rule_label(rule)}” since {since:%Y-%m-%d %H:%M}",
        params={"rule": rule, "since": since.isoformat(), "until": until.isoformat()},
        by=actor,
        total=services.comments_decided_by_rule(rule, since, until=until).count(),
    )


@handler
def undo_rule_since(run: JobRun) -> dict:
    """Return to pending, a chunk per step, what one rule decided in the job's time window.

    An undone comment's latest event is then the undo, so it no longer qualifies: a
    repeated step finds nothing to do in it, and no event is recorded twice.
    """
    actor = run.job.created_by
    if actor is None:
        raise JobFailed("The moderator who started this no longer exists.")
    rule = run.params["rule"]
    since = parse_datetime(run.params["since"])
    until = parse_datetime(run.params["until"])
    candidates = services.comments_decided_by_rule(rule, since, until=until)
    totals = services.BulkResult(**run.cursor.get("result", {}))
    after_id = run.cursor.get("after_id", 0)
    note = services.undo_rule_note(rule, since)
    while True:
        with run.step():
            later = candidates.filter(comment_id__gt=after_id).order_by("comment_id")
            ids = list(later[: chunk_size()])
            if not ids:
                break
            part = services.undo_rule(rule, since=since, actor=actor, note=note, comment_ids=ids)
            for name in ("changed", "unchanged", "conflicts"):
                setattr(totals, name, getattr(totals, name) + getattr(part, name))
            after_id = ids[-1]
            run.cursor = {"after_id": after_id, "result": asdict(totals)}
            run.progress(run.done + len(ids))
    return {**asdict(totals), "summary": undo_summary(totals)}


UNDO_KIND = jobs.kind_of(undo_rule_since)


def undo_summary(result: services.BulkResult) -> str:
    text = f"Returned {result.changed} comment{'s' if result.changed != 1 else ''} to pending."
    if result.conflicts:
        text += f" Skipped {result.conflicts} that someone decided meanwhile."
    return text


def rule_label(rule: str) -> str:
    return ModerationEvent(rule=rule).get_rule_display()


def start_training(actor) -> Job:
    """Queue training the learned score now."""
    return jobs.start(train_learned_model, title="Train the learned score", by=actor)


@handler
def train_learned_model(run: JobRun) -> dict:
    """Train the learned triage score on people's decisions (a new version)"""
    # One step, completed inside it: a worker killed mid-training stores no version, and
    # a replacement trains again whole; a finished training is never stored twice.
    with run.step():
        try:
            model = learning.train(by=run.job.created_by)
        except learning.NotEnoughDecisions as refusal:
            raise JobFailed(str(refusal)) from None
        result = {
            "version": model.version,
            "decisions": model.decisions,
            "summary": f"Trained the learned score, version {model.version}, "
            f"on {model.decisions} decisions.",
        }
        run.complete(result)
    return result


TRAIN_KIND = jobs.kind_of(train_learned_model)
TRIAGE_KINDS = (RUN_KIND, UNDO_KIND, TRAIN_KIND)


def chunk_size() -> int:
    return settings.BULK_JOB_CHUNK
