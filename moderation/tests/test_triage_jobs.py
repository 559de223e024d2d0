"""Triage's long work as jobs: run the rules over the pending queue, undo a rule's decisions
since a moment, train the learned score; started from the rules page and on a schedule."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Comment
from articles.tests.factory import make_article, make_comment
from jobs import services as jobs
from jobs.models import Job
from jobs.testing import run_queued_jobs
from moderation import services
from moderation.models import CommentTriage, LearnedModel, ModerationEvent, TriageRules
from moderation.triage import tasks

from .test_triage_learning import decide_fixture

pytestmark = pytest.mark.django_db
RULES_URL = reverse("moderation:rules")


@pytest.fixture(autouse=True)
def small_jobs(settings):
    settings.BULK_JOB_THRESHOLD = 2
    settings.BULK_JOB_CHUNK = 2


def pending_queue_with_banned_words() -> dict[str, list[Comment]]:
    """Five pending comments (three with the banned word) and one a person already approved."""
    article = make_article()
    queue = {
        "banned": [make_comment(article, body=f"<p>you scoundrel {n}</p>") for n in range(3)],
        "fine": [make_comment(article, body=f"<p>thank you {n}</p>") for n in range(2)],
        "decided": [make_comment(article, body="<p>scoundrel</p>", status="approved")],
    }
    TriageRules.objects.filter(pk=TriageRules.current().pk).update(banned_words="scoundrel")
    return queue


def statuses(comments: list[Comment]) -> list[str]:
    return [Comment.objects.get(pk=c.pk).status for c in comments]


def test_a_large_queue_is_run_over_as_a_job_from_the_rules_page(moderator_client):
    queue = pending_queue_with_banned_words()

    response = moderator_client.post(reverse("moderation:rules_run"))

    job = Job.objects.get()
    assert response["Location"] == reverse("moderation:job", args=[job.pk])
    assert statuses(queue["banned"]) == ["pending"] * 3  # nothing done in the request
    assert "Waiting for a worker" in moderator_client.get(RULES_URL).content.decode()

    [job] = run_queued_jobs()

    assert job.status == "done" and job.done == job.total == 5
    assert job.result["hidden"] == 3 and job.result["judged"] == 5
    assert statuses(queue["banned"]) == ["hidden"] * 3
    assert statuses(queue["fine"] + queue["decided"]) == ["pending", "pending", "approved"]
    assert ModerationEvent.objects.filter(rule="banned_words").count() == 3
    assert not CommentTriage.objects.filter(comment=queue["decided"][0]).exists()
    page = moderator_client.get(reverse("moderation:job", args=[job.pk])).content.decode()
    assert "3 hidden as banned" in page and reverse("moderation:rules") in page


def test_a_queue_below_the_threshold_is_run_at_once(moderator_client, settings):
    settings.BULK_JOB_THRESHOLD = 10
    queue = pending_queue_with_banned_words()

    response = moderator_client.post(reverse("moderation:rules_run"), follow=True)

    assert not Job.objects.exists()
    assert "3 hidden as banned" in response.content.decode()
    assert statuses(queue["banned"]) == ["hidden"] * 3


def test_the_run_leaves_comments_that_arrive_after_it_was_started(moderator):
    queue = pending_queue_with_banned_words()
    tasks.start_run_over_pending(moderator)
    later = make_comment(queue["fine"][0].article, body="<p>scoundrel again</p>")

    [job] = run_queued_jobs()

    assert job.result["judged"] == 5 and Comment.objects.get(pk=later.pk).status == "pending"


class WorkerKilled(BaseException):
    """Not an Exception: like SIGKILL, nothing in the runner handles it."""


def test_a_run_interrupted_mid_way_resumes_without_doubled_events(moderator, monkeypatch):
    queue = pending_queue_with_banned_words()
    job = tasks.start_run_over_pending(moderator)
    real_judge = tasks.judge_and_apply
    calls = []

    def dies_in_the_second_chunk(ids, triage):
        calls.append(ids)
        if len(calls) == 2:
            real_judge(ids, triage)  # its work is done, then the worker dies before commit
            raise WorkerKilled
        return real_judge(ids, triage)

    monkeypatch.setattr(tasks, "judge_and_apply", dies_in_the_second_chunk)
    with pytest.raises(WorkerKilled):
        run_queued_jobs()
    monkeypatch.setattr(tasks, "judge_and_apply", real_judge)
    job.refresh_from_db()
    assert job.status == "running" and job.committed_done == 2  # the first chunk only
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))

    assert jobs.reap() == [job.pk]
    [resumed] = run_queued_jobs()

    assert resumed.status == "done" and resumed.attempts == 2
    assert resumed.result["hidden"] == 3 and resumed.result["judged"] == 5
    assert statuses(queue["banned"]) == ["hidden"] * 3
    events = ModerationEvent.objects.filter(rule="banned_words")
    assert sorted(events.values_list("comment_id", flat=True)) == [c.pk for c in queue["banned"]]


def decided_by_rule(count: int) -> list[Comment]:
    comments = [make_comment() for _ in range(count)]
    services.decide_by_rule(
        [c.pk for c in comments], rule="banned_words", status="hidden", reason="banned_word"
    )
    return comments


def test_undoing_many_decisions_of_a_rule_runs_as_a_job(moderator_client, moderator):
    since = timezone.now()
    undone = decided_by_rule(4)
    redecided = undone.pop()
    services.approve(redecided, actor=moderator)  # a person decided after the rule
    since_field = timezone.localtime(since).strftime("%Y-%m-%dT%H:%M:%S.%f")
    response = moderator_client.post(
        reverse("moderation:rules_undo"), {"rule": "banned_words", "since": since_field}
    )
    job = Job.objects.get()
    assert response["Location"] == reverse("moderation:job", args=[job.pk])
    assert statuses(undone) == ["hidden"] * 3
    after_start = decided_by_rule(1)  # decided after the job was asked for: left alone

    [job] = run_queued_jobs()

    assert job.status == "done" and job.done == job.total == 3
    assert job.result["changed"] == 3
    assert job.result["summary"] == "Returned 3 comments to pending."
    assert statuses(undone) == ["pending"] * 3
    assert statuses([redecided, *after_start]) == ["approved", "hidden"]
    restores = ModerationEvent.objects.filter(action="restore", actor=moderator)
    assert sorted(restores.values_list("comment_id", flat=True)) == [c.pk for c in undone]


def test_undo_job_run_again_records_no_event_twice(moderator):
    since = timezone.now()
    undone = decided_by_rule(3)
    job = tasks.start_undo_rule(moderator, rule="banned_words", since=since)
    run_queued_jobs()
    Job.objects.filter(pk=job.pk).update(status="queued", cursor={})  # as if never recorded

    [again] = run_queued_jobs()

    assert again.status == "done" and again.result["changed"] == 0
    assert ModerationEvent.objects.filter(action="restore").count() == 3
    assert statuses(undone) == ["pending"] * 3


def test_train_now_starts_a_job_that_stores_a_new_version(moderator_client, moderator, settings):
    settings.TRIAGE_MIN_DECISIONS = 20
    decide_fixture(moderator)

    response = moderator_client.post(reverse("moderation:rules_train"))

    job = Job.objects.get()
    assert response["Location"] == reverse("moderation:job", args=[job.pk])
    assert not LearnedModel.objects.exists()
    [job] = run_queued_jobs()
    model = LearnedModel.objects.get()
    assert job.status == "done" and job.result["version"] == model.version
    assert model.trained_by == moderator
    page = moderator_client.get(reverse("moderation:job", args=[job.pk])).content.decode()
    assert f"Trained the learned score, version {model.version}" in page


def test_training_refused_fails_the_job_with_the_reason(moderator_client):
    moderator_client.post(reverse("moderation:rules_train"))

    [job] = run_queued_jobs()

    assert job.status == "failed"
    assert job.error.startswith("Training needs at least 200 decisions by people")
    page = moderator_client.get(RULES_URL).content.decode()
    assert "Training needs at least 200 decisions by people" in page
    assert not LearnedModel.objects.exists()


def test_retraining_is_scheduled_daily_by_default(settings, moderator):
    settings.TRIAGE_MIN_DECISIONS = 20
    decide_fixture(moderator)
    assert settings.JOBS_PERIODIC[tasks.TRAIN_KIND] == 86400
    settings.JOBS_PERIODIC = {tasks.TRAIN_KIND: 86400}
    now = timezone.now()

    [scheduled] = jobs.enqueue_due(now)
    assert jobs.enqueue_due(now + timedelta(hours=23)) == []
    [job] = run_queued_jobs()

    assert scheduled.title == "Train the learned triage score on people's decisions (a new version)"
    assert job.status == "done" and LearnedModel.objects.get().trained_by is None


@pytest.mark.parametrize("job_count", [1, 3])
def test_the_rules_page_shows_triage_jobs_in_a_fixed_number_of_queries(
    moderator_client, moderator, django_assert_num_queries, job_count
):
    TriageRules.current()
    for _ in range(job_count):
        tasks.start_training(moderator)
    # session, user, user permissions, group permissions, the rules row, the newest
    # learned model, the pending count, this manager's recent triage jobs.
    with django_assert_num_queries(8):
        page = moderator_client.get(RULES_URL).content.decode()
    assert page.count('class="mb-2 triage-job"') == job_count


def test_the_commands_can_queue_their_work_as_jobs(moderator, settings):
    settings.TRIAGE_MIN_DECISIONS = 20
    decide_fixture(moderator)
    queue = pending_queue_with_banned_words()
    out = StringIO()

    call_command("triage_run", "--as-job", stdout=out)
    call_command("triage_train", "--as-job", stdout=out)

    assert statuses(queue["banned"]) == ["pending"] * 3 and not LearnedModel.objects.exists()
    assert [job.status for job in run_queued_jobs()] == ["done", "done"]
    assert statuses(queue["banned"]) == ["hidden"] * 3 and LearnedModel.objects.count() == 1
    assert out.getvalue().count("Queued job") == 2
