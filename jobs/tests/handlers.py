"""Job handlers for the tests: each step's "work" is a row the test can count."""

from jobs.models import Schedule
from jobs.runner import JobFailed, JobRun, handler


@handler
def count_steps(run: JobRun) -> dict:
    """Steps 1..to, each writing one row; fails at `fail_at` (after writing) when asked."""
    at = run.cursor.get("at", 0)
    run.progress(run.done, run.params["to"])  # counts on from what the runner says is done
    while at < run.params["to"]:
        with run.step():
            at += 1
            Schedule.objects.create(kind=f"step-{at}")
            if at == run.params.get("fail_at"):
                raise JobFailed(f"stopped at step {at}")
            if at == run.params.get("crash_at"):
                raise ZeroDivisionError
            run.cursor = {"at": at}
            run.progress(run.done + 1)
    return {"steps": at}


def not_a_handler(run: JobRun) -> None:
    """Not marked with @handler: no job may name it."""
