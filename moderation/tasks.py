"""Bulk decisions too large for a request, done by a job worker in resumable steps."""

from __future__ import annotations

from dataclasses import asdict

from django.conf import settings
from django.db.models import Max
from django.utils.dateparse import parse_datetime

from articles.models import Comment
from jobs import services as jobs
from jobs.models import Job
from jobs.runner import JobFailed, JobRun, handler

from . import digest, selectors, services
from .forms import QueueFilterForm


def start_bulk_decision(
    actor, *, decision: str, reason: str, note: str, filters: dict, drawn_at, newest_id=None
) -> Job:
    """Queue "approve/hide all matching" as a job, bounded to the comments that exist now."""
    if decision == "hide":
        services.validate_reason(reason, note)
    services.require(actor, services.MODERATE_PERM)
    if newest_id is None:  # not from a page: the comments that exist now
        newest_id = Comment.objects.aggregate(newest=Max("pk"))["newest"] or 0
    verb = "Approve" if decision == "approve" else "Hide"
    return jobs.start(
        bulk_decision,
        title=f"{verb} all comments matching a filter",
        by=actor,
        params={
            "decision": decision,
            "reason": reason,
            "note": note,
            "filters": {key: str(value) for key, value in filters.items()},
            "drawn_at": drawn_at.isoformat() if drawn_at else None,
            "newest_id": newest_id,
        },
    )


@handler
def bulk_decision(run: JobRun) -> dict:
    """Decide every matching comment, a chunk per step; resumes after the last committed chunk.

    Each chunk's decisions, events and the cursor commit together, so a replacement
    worker neither repeats a chunk (no event twice) nor skips one.
    """
    params = run.params
    actor = run.job.created_by
    if actor is None:
        raise JobFailed("The moderator who started this no longer exists.")
    filters = QueueFilterForm(params["filters"]).filters()
    drawn_at = parse_datetime(params["drawn_at"]) if params["drawn_at"] else None
    scope = selectors.BulkScope(filters, drawn_at, up_to_id=params["newest_id"])
    totals = services.BulkResult(**run.cursor.get("result", {}))
    after_id = run.cursor.get("after_id", 0)
    if run.total is None:
        run.progress(run.done, scope.count(after_id=0))
    while ids := scope.ids(after_id=after_id, limit=chunk_size()):
        with run.step():
            result = decide(ids, actor, params, drawn_at)
            for name in ("changed", "unchanged", "conflicts"):
                setattr(totals, name, getattr(totals, name) + getattr(result, name))
            after_id = ids[-1]
            run.cursor = {"after_id": after_id, "result": asdict(totals)}
            run.progress(run.done + len(ids))
    return asdict(totals)


BULK_KIND = jobs.kind_of(bulk_decision)


def decide(ids: list[int], actor, params: dict, drawn_at) -> services.BulkResult:
    if params["decision"] == "approve":
        return services.bulk_approve(
            ids, actor=actor, note=params["note"], unchanged_since=drawn_at
        )
    return services.bulk_hide(
        ids, actor=actor, reason=params["reason"], note=params["note"], unchanged_since=drawn_at
    )


def chunk_size() -> int:
    return settings.BULK_JOB_CHUNK


# --- the dashboard's mail, on the jobs' schedule (settings.JOBS_PERIODIC) ------------------


@handler
def send_daily_digest(run: JobRun) -> dict:
    """Send today's digest to the Moderators (once a day, from DIGEST_HOUR)"""
    sent = digest.send_digest_if_due()
    return {"due": sent is not None, "sent": sent or 0}


@handler
def send_queue_age_alert(run: JobRun) -> dict:
    """Alert the Moderators when the oldest pending comment has waited too long"""
    return {"sent": len(digest.send_queue_alert())}
