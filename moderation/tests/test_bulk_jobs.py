"""Above BULK_JOB_THRESHOLD, "all N matching" becomes a job; its progress and result show
on the desk. (test_jobs_worker.py runs the same job in a real worker process.)"""

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Comment
from articles.tests.factory import make_article, make_comment, make_user
from jobs.models import Job
from jobs.testing import run_queued_jobs
from moderation import services
from moderation.models import ModerationEvent

pytestmark = pytest.mark.django_db
QUEUE = reverse("moderation:queue")
DESK_JOBS = reverse("moderation:desk_jobs")


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.BULK_JOB_THRESHOLD = 2


def hide_all_pills(client, article, drawn_at):
    """The bulk form as the page drew it: with its newest comment id."""
    newest_id = Comment.objects.order_by("-pk").values_list("pk", flat=True).first()
    return client.post(
        reverse("moderation:bulk"),
        {
            "decision": "hide",
            "reason": "spam",
            "all_matching": "on",
            "article": article.pk,
            "q": "pills",
            "tab": "pending",
            "drawn_at": drawn_at.isoformat(),
            "newest_id": newest_id,
            "next": QUEUE,
        },
        follow=True,
    )


def test_a_large_bulk_decision_runs_as_a_job_with_the_same_result(moderator_client, moderator):
    article = make_article()
    matching = [make_comment(article, body="<p>buy pills</p>") for _ in range(4)]
    make_comment(article, body="<p>fine</p>")
    drawn_at = timezone.now()
    services.approve(matching[0], actor=moderator)  # changed after the page was drawn

    response = hide_all_pills(moderator_client, article, drawn_at)

    html = response.content.decode()
    assert "runs in the background" in html and "Waiting for a worker" in html
    assert f'hx-get="{DESK_JOBS}"' in html  # htmx polls the panel while the job is active
    assert not Comment.objects.filter(status="hidden").exists()

    [job] = run_queued_jobs()

    assert job.result == {"changed": 3, "unchanged": 0, "conflicts": 1}
    hidden = set(Comment.objects.filter(status="hidden").values_list("pk", flat=True))
    assert hidden == {c.pk for c in matching[1:]}
    assert ModerationEvent.objects.filter(action="hide").count() == 3
    panel = moderator_client.get(DESK_JOBS).content.decode()
    assert "3 changed, 0 already were, 1 skipped as conflicts" in panel
    assert "hx-get" not in panel  # finished: no more polling


def test_the_job_is_bounded_by_the_newest_comment_when_it_was_asked_for(
    moderator_client, moderator
):
    article = make_article()
    before = [make_comment(article, body="<p>pills</p>") for _ in range(3)]
    hide_all_pills(moderator_client, article, timezone.now())
    imported_meanwhile = make_comment(article, body="<p>pills</p>")

    run_queued_jobs()

    assert {c.pk for c in Comment.objects.filter(status="hidden")} == {c.pk for c in before}
    assert Comment.objects.get(pk=imported_meanwhile.pk).status == "pending"


def test_small_bulk_decisions_stay_immediate(moderator_client):
    article = make_article()
    make_comment(article, body="<p>pills</p>")

    hide_all_pills(moderator_client, article, timezone.now())

    assert not Job.objects.exists() and Comment.objects.get().status == "hidden"


def test_the_desk_panel_needs_the_moderate_permission(client, editor, moderator):
    assert client.get(DESK_JOBS).status_code == 302
    client.force_login(editor)
    assert client.get(DESK_JOBS).status_code == 403
    client.force_login(moderator)
    assert client.get(DESK_JOBS).status_code == 200


def test_a_job_page_is_for_the_person_who_started_it(client, moderator, moderator_client):
    article = make_article()
    for _ in range(3):
        make_comment(article, body="<p>pills</p>")
    hide_all_pills(moderator_client, article, timezone.now())
    job_url = reverse("moderation:job", args=[Job.objects.get().pk])

    page = moderator_client.get(job_url)
    fragment = moderator_client.get(job_url, headers={"HX-Request": "true"})

    assert page.status_code == 200 and "<html" in page.content.decode()
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    assert 'id="job-state"' in fragment.content.decode()
    other = make_user(groups=["Moderators"])
    client.force_login(other)
    assert client.get(job_url).status_code == 403
    assert client.post(job_url).status_code == 405
