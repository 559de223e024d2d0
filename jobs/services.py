"""Starting jobs, giving up on dead workers, and enqueuing the periodic ones."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.utils import OperationalError
from django.utils import timezone

from .models import Job, Schedule
from .runner import Handler, resolve, run_job

logger = logging.getLogger(__name__)
Status = Job.Status


def kind_of(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def start(
    handler: Handler | str,
    *,
    title: str,
    params: dict | None = None,
    by=None,
    total: int | None = None,
) -> Job:
    """Record a queued job and hand it to the task backend once the record is committed."""
    kind = handler if isinstance(handler, str) else kind_of(handler)
    resolve(kind)  # refuse a kind no worker could run, now rather than in the worker
    job = Job.objects.create(
        kind=kind, title=title[:500], params=params or {}, created_by=by, total=total
    )
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_id: int) -> None:
    run_job.enqueue(job_id)


def reap(now=None) -> list[int]:
    """Requeue running jobs whose heartbeat stopped, and queued ones nobody picked up.

    A requeued job resumes from its cursor. After JOBS_MAX_ATTEMPTS claims it fails
    instead, so a job that kills its worker every time does not loop forever.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.JOBS_STALE_AFTER_SECONDS)
    requeued = []
    dead = Job.objects.filter(
        Q(status=Status.RUNNING, heartbeat_at__lt=stale)
        | Q(status=Status.QUEUED, enqueued_at__lt=stale)
    )
    for job in dead.only("pk", "status", "attempts", "heartbeat_at", "enqueued_at"):
        if give_up_or_requeue(job, now):
            requeued.append(job.pk)
    return requeued


def give_up_or_requeue(job: Job, now) -> bool:
    # Conditional on what we read: a worker that beat meanwhile keeps its job.
    same = Job.objects.filter(
        pk=job.pk,
        status=job.status,
        attempts=job.attempts,
        heartbeat_at=job.heartbeat_at,
        enqueued_at=job.enqueued_at,
    )
    if job.attempts >= settings.JOBS_MAX_ATTEMPTS:
        same.update(
            status=Status.FAILED,
            finished_at=now,
            error=f"The worker stopped during each of {job.attempts} attempts; not retried.",
        )
        return False
    with transaction.atomic():
        if not same.update(status=Status.QUEUED, enqueued_at=now):
            return False
        logger.warning("job %s: no heartbeat since %s; requeued", job.pk, job.heartbeat_at)
        transaction.on_commit(lambda: enqueue(job.pk))
    return True


def enqueue_due(now=None) -> list[Job]:
    """Start each periodic kind whose interval has passed, once across all workers."""
    now = now or timezone.now()
    started = []
    for kind, seconds in settings.JOBS_PERIODIC.items():
        Schedule.objects.get_or_create(kind=kind)
        due = Q(last_enqueued_at__isnull=True) | Q(
            last_enqueued_at__lte=now - timedelta(seconds=seconds)
        )
        with transaction.atomic():
            if Schedule.objects.filter(due, kind=kind).update(last_enqueued_at=now):
                title = resolve(kind).__doc__ or kind
                started.append(start(kind, title=title.strip().splitlines()[0]))
    return started


def housekeeping() -> None:
    """What every worker does now and then: reap, then enqueue what is due."""
    try:
        reap()
        enqueue_due()
    except OperationalError as error:  # SQLite busy: the next round will do it
        logger.info("job housekeeping postponed: %s", error)
