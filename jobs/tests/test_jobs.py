"""The job record and its runner: steps, failures, resuming, the reaper, the schedule."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jobs import services
from jobs.models import Job, Schedule
from jobs.runner import Heartbeat, JobFailed, JobLost, JobRun
from jobs.testing import run_queued_jobs

from .handlers import count_steps

pytestmark = pytest.mark.django_db
Status = Job.Status
KIND = "jobs.tests.handlers.count_steps"


def steps_done() -> list[str]:
    return sorted(Schedule.objects.filter(kind__startswith="step-").values_list("kind", flat=True))


def start(**params) -> Job:
    return services.start(count_steps, title="Counting", params=params)


def test_a_job_runs_its_steps_and_keeps_the_result():
    job = start(to=3)
    assert (job.kind, job.status) == (KIND, Status.QUEUED)

    [finished] = run_queued_jobs()

    assert (finished.status, finished.result, finished.done, finished.total) == (
        Status.DONE,
        {"steps": 3},
        3,
        3,
    )
    assert steps_done() == ["step-1", "step-2", "step-3"]
    assert finished.started_at <= finished.finished_at and finished.attempts == 1


def test_a_failed_step_leaves_nothing_and_the_cursor_at_the_last_good_step():
    start(to=5, fail_at=3)

    [failed] = run_queued_jobs()

    assert failed.status == Status.FAILED and failed.error == "stopped at step 3"
    assert failed.cursor == {"at": 2} and failed.done == 2
    assert steps_done() == ["step-1", "step-2"]


def test_an_unexpected_error_fails_the_job_with_a_plain_message():
    start(to=2, crash_at=1)

    [failed] = run_queued_jobs()

    assert failed.status == Status.FAILED
    assert failed.error == "Unexpected error (ZeroDivisionError); the worker's log has details."
    assert steps_done() == []


def dead_worker_job(**fields) -> Job:
    """A job whose worker stopped after two steps: running, heartbeat a while ago."""
    long_ago = timezone.now() - timedelta(minutes=5)
    defaults = {
        "kind": KIND,
        "title": "Counting",
        "params": {"to": 4},
        "status": Status.RUNNING,
        "attempts": 1,
        "cursor": {"at": 2},
        "done": 2,
        "committed_done": 2,
        "heartbeat_at": long_ago,
        "enqueued_at": long_ago,
    }
    for step in (1, 2):
        Schedule.objects.create(kind=f"step-{step}")
    return Job.objects.create(**(defaults | fields))


def test_the_reaper_requeues_a_silent_job_which_resumes_from_its_cursor():
    job = dead_worker_job()

    assert services.reap() == [job.pk]
    [resumed] = run_queued_jobs()

    assert resumed.status == Status.DONE and resumed.attempts == 2
    assert steps_done() == ["step-1", "step-2", "step-3", "step-4"]  # 1 and 2 not again


def test_a_heartbeat_with_a_count_read_before_the_last_step_committed_keeps_that_steps():
    """The step's commit and the heartbeat's UPDATE (which waited for its lock) race."""
    job = dead_worker_job(done=3, committed_done=3, heartbeat_at=timezone.now())
    run = JobRun(job)
    run.done = 2  # what the heartbeat read before step 3 committed
    job.refresh_from_db()
    beat_before = job.heartbeat_at

    Heartbeat(run).beat()

    job.refresh_from_db()
    assert job.done == 3 and job.heartbeat_at > beat_before
    run.done = 4  # a step under way: its progress shows before it commits
    Heartbeat(run).beat()
    assert Job.objects.get(pk=job.pk).done == 4


@pytest.mark.parametrize("heartbeat_done", [1, 3])
def test_a_resumed_job_counts_from_its_last_committed_step(heartbeat_done):
    """The dead worker's heartbeat may have written a count behind the last step (it read it
    before the step committed) or ahead of it (a step that then rolled back)."""
    dead_worker_job(done=heartbeat_done)

    services.reap()
    [resumed] = run_queued_jobs()

    assert resumed.done == resumed.total == 4


def test_the_reaper_leaves_a_job_whose_heartbeat_is_fresh():
    job = dead_worker_job(heartbeat_at=timezone.now())

    assert services.reap() == []
    job.refresh_from_db()
    assert job.status == Status.RUNNING


def test_a_queued_job_nobody_picked_up_is_enqueued_again(django_capture_on_commit_callbacks):
    job = start(to=1)
    Job.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - timedelta(minutes=5))

    with django_capture_on_commit_callbacks() as callbacks:
        assert services.reap() == [job.pk]

    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.enqueued_at > timezone.now() - timedelta(minutes=1)


def test_a_job_that_kills_its_worker_every_time_fails_after_the_last_attempt(settings):
    settings.JOBS_MAX_ATTEMPTS = 3
    job = dead_worker_job(attempts=3)

    assert services.reap() == []

    job.refresh_from_db()
    assert job.status == Status.FAILED and "each of 3 attempts" in job.error


def test_an_attempt_given_up_on_cannot_commit_a_step():
    job = dead_worker_job(heartbeat_at=timezone.now())
    stale_run = JobRun(Job.objects.get(pk=job.pk))
    Job.objects.filter(pk=job.pk).update(attempts=2)  # the reaper gave it to another worker

    with pytest.raises(JobLost), stale_run.step():
        Schedule.objects.create(kind="step-3")

    assert steps_done() == ["step-1", "step-2"]


def test_a_periodic_job_is_enqueued_once_per_interval(settings):
    settings.JOBS_PERIODIC = {KIND: 60}
    now = timezone.now()

    first = services.enqueue_due(now)
    again = services.enqueue_due(now + timedelta(seconds=30))  # another worker, same minute
    later = services.enqueue_due(now + timedelta(seconds=61))

    assert len(first) == 1 and again == [] and len(later) == 1
    assert first[0].title.startswith("Steps 1..to, each writing one row")  # its docstring
    assert Job.objects.filter(kind=KIND).count() == 2


def test_only_marked_handlers_can_be_started():
    with pytest.raises(JobFailed):
        services.start("jobs.tests.handlers.not_a_handler", title="Nope")
    assert not Job.objects.exists()


def test_time_left_is_estimated_from_the_rate_so_far():
    started = timezone.now() - timedelta(seconds=10)
    job = Job(status=Status.RUNNING, total=100, done=25, started_at=started)
    assert job.percent == 25
    assert 29 <= job.seconds_left <= 31  # 10 s for 25, so about 30 s for the other 75
