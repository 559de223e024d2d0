"""Jobs that belong to no app: a no-op to measure how long a job waits for a worker."""

from .runner import JobRun, handler


@handler
def ping(run: JobRun) -> dict:
    """Do nothing (measures the wait for a worker: bench, health checks)"""
    return {"pong": True}
