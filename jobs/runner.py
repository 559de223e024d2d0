"""Running a job: claim it, call its handler with a `JobRun`, record how it ended.

A handler is a plain function decorated with `@handler` that takes a `JobRun`.
It works in steps (`with run.step(): ...`): each step's work and the job's new
cursor and progress commit in one transaction, so a step is either wholly done
and remembered, or not done at all. A replacement worker starts the handler
again with the cursor of the last committed step.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest
from django.db.utils import OperationalError
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import Job

logger = logging.getLogger(__name__)
Status = Job.Status
Handler = Callable[["JobRun"], dict | None]


class JobFailed(Exception):
    """A handler's way to stop with a message meant for the user."""


class JobLost(Exception):
    """This worker's attempt is no longer the current one (the reaper gave it to another)."""


def handler(function: Handler) -> Handler:
    """Mark a function as a job handler (only marked functions can be named by a job's kind)."""
    function.is_job_handler = True
    return function


def resolve(kind: str) -> Handler:
    function = import_string(kind)
    if not getattr(function, "is_job_handler", False):
        raise JobFailed(f"{kind} is not a job handler")
    return function


class JobRun:
    """What a handler sees: the job's parameters, its cursor, and ways to report progress."""

    def __init__(self, job: Job):
        self.job = job
        self.params = job.params
        self.cursor: dict = dict(job.cursor)
        self.done = job.committed_done
        self.total = job.total
        self.finished = False

    def progress(self, done: int, total: int | None = None) -> None:
        """Remember progress; the heartbeat (and the next step) writes it."""
        self.done = done
        if total is not None:
            self.total = total

    @contextmanager
    def step(self) -> Iterator[None]:
        """One transaction: the handler's work, then the cursor and progress it set."""
        with transaction.atomic():
            yield
            if not self.finished:  # `complete()` inside the step saved everything already
                self.save(
                    cursor=self.cursor, done=self.done, committed_done=self.done, total=self.total
                )
        if not self.finished and settings.JOBS_STEP_PAUSE_SECONDS:
            # Between two committed steps: other writers (on SQLite, the one write lock) get in.
            time.sleep(settings.JOBS_STEP_PAUSE_SECONDS)

    def complete(self, result: dict | None = None) -> None:
        """Mark the job done. Inside the handler's transaction, it commits with the work."""
        self.save(
            status=Status.DONE,
            result=result or {},
            done=self.done,
            committed_done=self.done,
            total=self.total,
            cursor=self.cursor,
            finished_at=timezone.now(),
        )
        self.finished = True

    def save(self, **fields) -> None:
        if not current(self.job).update(**fields):
            raise JobLost(f"job {self.job.pk} attempt {self.job.attempts} was given up on")


def current(job: Job):
    """The job's row, only while this attempt is the one running it."""
    return Job.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts)


def claim(job_id: int) -> Job | None:
    """Queued -> running, as one conditional update: two workers never both get it."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING,
        attempts=F("attempts") + 1,
        heartbeat_at=now,
        started_at=Coalesce("started_at", now),
    )
    return Job.objects.get(pk=job_id) if claimed else None


def execute(job_id: int, *, heartbeat: bool = False) -> Job | None:
    """Run one queued job here; None when someone else has it (or it is no longer queued)."""
    job = claim(job_id)
    if job is None:
        return None
    run = JobRun(job)
    beat = Heartbeat(run) if heartbeat else None
    if beat:
        beat.start()
    try:
        result = resolve(job.kind)(run)
        if not run.finished:
            run.complete(result)
    except JobLost:
        logger.warning("job %s: another worker took over; this attempt stopped", job.pk)
    except JobFailed as error:
        fail(run, str(error))
    except Exception as error:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        fail(run, f"Unexpected error ({error.__class__.__name__}); the worker's log has details.")
    finally:
        if beat:
            beat.stop()
    job.refresh_from_db()
    return job


def fail(run: JobRun, message: str) -> None:
    current(run.job).update(
        status=Status.FAILED, error=message, done=run.done, finished_at=timezone.now()
    )


class Heartbeat(threading.Thread):
    """Writes "still alive" and the progress so far, from its own database connection.

    Its own connection commits on its own, so the page sees progress during a long
    step. On SQLite a step that holds the write lock blocks it; it tries again later
    (and the reaper cannot requeue the job meanwhile for the same reason).
    """

    def __init__(self, run: JobRun):
        super().__init__(daemon=True, name=f"heartbeat-job-{run.job.pk}")
        self.run_ = run
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.wait(settings.JOBS_HEARTBEAT_SECONDS):
                self.beat()
        finally:
            connection.close()

    def beat(self) -> None:
        run = self.run_
        try:
            # Never behind the last committed step: this UPDATE may have waited for that
            # step's lock with a count read before it, and the bar would go backwards.
            done = Greatest(F("committed_done"), Value(run.done))
            current(run.job).update(heartbeat_at=timezone.now(), done=done, total=run.total)
        except OperationalError:  # SQLite: a step holds the write lock; next time
            close_old_connections()

    def stop(self) -> None:
        self.stopping.set()
        self.join()


@task()
def run_job(job_id: int) -> None:
    """The one task the backend carries: "run job N" (in a worker, with a heartbeat)."""
    execute(job_id, heartbeat=True)
