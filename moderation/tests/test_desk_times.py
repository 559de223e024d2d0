"""Desk pages write `<time datetime>` with whole seconds, as the Nu HTML checker requires."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from articles.models import ImportRun
from articles.tests.factory import make_article, make_comment, make_user
from jobs.models import Job
from moderation import services
from moderation.models import CommentTriage, LearnedModel
from moderation.views.imports import IMPORT_KIND

pytestmark = pytest.mark.django_db
# HTML allows at most three decimals of a second; we write none.
VALID_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")
WITH_MICROSECONDS = datetime(2026, 3, 4, 17, 5, 9, 123456, tzinfo=UTC)


def datetimes(html: str) -> list[str]:
    return re.findall(r'<time[^>]* datetime="([^"]*)"', html)


def test_comment_thread_and_history_times_have_whole_seconds(moderator_client, moderator):
    article = make_article()
    root = make_comment(article, created_at=WITH_MICROSECONDS)
    reply = make_comment(article, parent=root, created_at=WITH_MICROSECONDS)
    services.approve(reply, actor=moderator)  # the event's time has microseconds too

    pages = [
        reverse("moderation:comment", args=[reply.pk]),
        reverse("moderation:article", args=[article.pk]),
        reverse("moderation:queue") + "?tab=all",
    ]
    for url in pages:
        found = datetimes(moderator_client.get(url).content.decode())
        assert found, url
        assert [d for d in found if not VALID_DATETIME.fullmatch(d)] == [], url
    comment_page = moderator_client.get(pages[0]).content.decode()
    assert 'datetime="2026-03-04T17:05:09+00:00">4 Mar 2026, 17:05</time>' in comment_page
    assert ">just now</time>" in comment_page  # the history's event


def test_import_list_times_have_whole_seconds(client):
    editor = make_user(groups=["Editors"])
    ImportRun.objects.create(
        user=editor,
        file_name="comments.xml",
        format="disqus",
        started_at=WITH_MICROSECONDS,
        succeeded=True,
        source_statuses=ImportRun.SourceStatuses.ACCEPTED,
        statuses_decided_by=editor,
        statuses_decided_at=WITH_MICROSECONDS,
    )
    Job.objects.create(
        kind=IMPORT_KIND,
        title="Import of comments.xml",
        created_by=editor,
        created_at=WITH_MICROSECONDS,
    )
    client.force_login(editor)

    html = client.get(reverse("moderation:imports")).content.decode()

    # The job, the run, and when its statuses were accepted.
    assert datetimes(html) == ["2026-03-04T17:05:09+00:00"] * 3


def test_when_triage_judged_a_comment_is_a_valid_time(moderator_client):
    comment = make_comment()
    CommentTriage.objects.create(comment=comment, evaluated_at=WITH_MICROSECONDS)

    html = moderator_client.get(reverse("moderation:comment", args=[comment.pk])).content.decode()

    assert 'Judged <time datetime="2026-03-04T17:05:09+00:00" title="4 Mar 2026, 17:05:09">' in html


def test_when_the_learned_score_was_trained_is_a_valid_time(moderator_client):
    LearnedModel.objects.create(
        version=1,
        file_name="v1.joblib",
        data=b"",
        sha256="0" * 64,
        decisions=40,
        trained_at=WITH_MICROSECONDS,
    )

    html = moderator_client.get(reverse("moderation:rules")).content.decode()

    assert 'trained <time datetime="2026-03-04T17:05:09+00:00">4 Mar 2026, 17:05</time>' in html
