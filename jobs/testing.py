"""For tests: run queued jobs in the test's own process and transaction, as a worker would."""

from .models import Job
from .runner import execute


def run_queued_jobs() -> list[Job]:
    """Run every queued job (and any it queues) here, oldest first; returns them as they ended."""
    finished = []
    while job := Job.objects.filter(status=Job.Status.QUEUED).order_by("pk").first():
        finished.append(execute(job.pk))
    return finished
