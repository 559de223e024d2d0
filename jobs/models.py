"""A job: long work a worker does in steps, with progress that survives the worker."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Job(models.Model):
    """One run of a job handler, with what it has done so far and where to resume.

    The task backend (django-tasks) only carries "run job N"; everything a user
    sees and everything a replacement worker needs lives here.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=200)  # import path of the handler function
    title = models.CharField(max_length=500)  # what users see: "Import of export.xml"
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    params = models.JSONField(default=dict)
    total = models.PositiveBigIntegerField(null=True, blank=True)  # None: not known yet
    done = models.PositiveBigIntegerField(default=0)  # live: the heartbeat writes it
    cursor = models.JSONField(default=dict)  # saved with each step's work, in its transaction
    # `done` as of the last committed step, saved with the cursor: where a resumed run counts
    # from (the heartbeat's `done` may be ahead of it, counting a step that rolled back).
    committed_done = models.PositiveBigIntegerField(default=0)
    result = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    # Each claim by a worker counts one; a step saves only if its attempt is still current,
    # so a worker that was given up on can never commit work over its replacement.
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display().lower()})"

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    @property
    def seconds_left(self) -> int | None:
        """A straight-line estimate from the rate so far; None until there is one."""
        if self.status != self.Status.RUNNING or not self.total or not self.done:
            return None
        if not self.started_at:
            return None
        elapsed = (timezone.now() - self.started_at).total_seconds()
        return max(0, round(elapsed / self.done * (self.total - self.done)))


class Schedule(models.Model):
    """When a periodic job kind was last enqueued: the one row workers race to update."""

    kind = models.CharField(max_length=200, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.kind
