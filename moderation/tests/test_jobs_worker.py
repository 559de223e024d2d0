"""Jobs run by a real worker process (`manage.py jobs_worker`) on the test database.

A worker killed with SIGKILL mid-job is replaced; the job resumes (a bulk decision)
or restarts whole (an import), and the end state is what one uninterrupted run gives.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from articles.importers.staging import confirm_import, stage_upload
from articles.models import Comment, ImportRun, PendingImport
from articles.tests.factory import make_article, make_comment
from bench.imports import write_disqus_export
from jobs.models import Job
from jobs.testing import start_worker, wait_for
from moderation import services
from moderation.models import ModerationEvent
from moderation.tasks import start_bulk_decision

pytestmark = [pytest.mark.django_db(transaction=True)]
PENDING, APPROVED, DECIDED_MEANWHILE = 240, 30, 1
IMPORTED_COMMENTS = 4000


@pytest.fixture
def workers(tmp_path):
    """Start worker processes on demand; every one left is stopped after the test."""
    started = []

    def start():
        started.append(start_worker(tmp_path / "worker.log", BULK_JOB_CHUNK="10"))
        return started[-1]

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def refreshed(job: Job) -> Job:
    job.refresh_from_db()
    return job


def queue_with_a_decision_made_meanwhile(moderator):
    """Pending and approved comments, a page drawn, then one comment decided by someone else."""
    article = make_article()
    pending = [make_comment(article) for _ in range(PENDING)]
    for _ in range(APPROVED):
        make_comment(article, status="approved", moderated_at=timezone.now() - timedelta(hours=1))
    drawn_at = timezone.now() - timedelta(seconds=1)
    services.hide(pending[0], actor=moderator, reason="spam")
    return drawn_at


def start_approve_all(moderator, drawn_at) -> Job:
    return start_bulk_decision(
        moderator,
        decision="approve",
        reason="",
        note="",
        filters={"tab": "all", "order": "newest"},
        drawn_at=drawn_at,
    )


def assert_approved_once_each(moderator, job: Job) -> None:
    """What one uninterrupted run gives: each comment decided once, the counts exact."""
    assert job.status == Job.Status.DONE
    assert job.result == {
        "changed": PENDING - DECIDED_MEANWHILE,
        "unchanged": APPROVED,
        "conflicts": DECIDED_MEANWHILE,
    }
    assert Comment.objects.filter(status="approved").count() == PENDING - 1 + APPROVED
    approvals = ModerationEvent.objects.filter(action="approve", actor=moderator)
    per_comment = Counter(approvals.values_list("comment_id", flat=True))
    assert len(per_comment) == PENDING - DECIDED_MEANWHILE and set(per_comment.values()) == {1}
    assert job.done == job.total == PENDING + APPROVED


def test_a_worker_runs_a_bulk_decision_with_exact_results(moderator, workers):
    drawn_at = queue_with_a_decision_made_meanwhile(moderator)
    job = start_approve_all(moderator, drawn_at)

    workers()

    wait_for(lambda: not refreshed(job).active, what="the bulk job")
    assert_approved_once_each(moderator, job)
    assert job.attempts == 1


def test_a_killed_worker_is_replaced_and_the_bulk_job_resumes(moderator, workers):
    drawn_at = queue_with_a_decision_made_meanwhile(moderator)
    job = start_approve_all(moderator, drawn_at)
    first = workers()
    wait_for(lambda: refreshed(job).done >= 40, what="a few chunks")

    with transaction.atomic():  # hold the job's row (SQLite: the database): no step commits
        Job.objects.select_for_update().get(pk=job.pk)
        first.kill()
        first.wait()
    stopped_at = refreshed(job).done
    assert 40 <= stopped_at < PENDING + APPROVED
    workers()

    wait_for(lambda: not refreshed(job).active, what="the resumed job")
    assert job.attempts == 2
    assert_approved_once_each(moderator, job)


def test_a_killed_worker_is_replaced_and_the_import_restarts_whole(editor, workers, tmp_path):
    export = tmp_path / "export.xml"
    write_disqus_export(export, comments=IMPORTED_COMMENTS, threads=40)
    with export.open("rb") as stream:
        pending = stage_upload(File(stream), file_name="export.xml", user=editor)
    first = workers()
    preview_job = wait_for(
        lambda: (job := refreshed(pending.preview_job)).status == Job.Status.DONE and job,
        what="the preview",
    )
    pending.refresh_from_db()
    assert pending.preview["comments_new"] == IMPORTED_COMMENTS
    assert preview_job.total == IMPORTED_COMMENTS

    job = confirm_import(pending, user=editor)
    wait_for(lambda: refreshed(job).status == Job.Status.RUNNING, what="the import to start")
    first.kill()
    first.wait()
    workers()

    wait_for(lambda: not refreshed(job).active, what="the restarted import")
    assert job.status == Job.Status.DONE and job.attempts == 2
    assert Comment.objects.count() == IMPORTED_COMMENTS
    assert job.result["comments_created"] == IMPORTED_COMMENTS
    assert job.result["created_by_status"] == pending.preview["new_by_status"]
    run = ImportRun.objects.get()  # the killed attempt left no history entry
    assert run.succeeded and run.user == editor and run.origin == "web"
    assert not PendingImport.objects.exists()
    # The file goes right after the commit (never before it: a failed import keeps it).
    wait_for(lambda: not default_storage.exists(pending.file.name), what="the file to go")
