"""The dashboard page and its CSV: who may see it, what it shows, and a fixed query count."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Comment
from articles.tests.factory import make_article, make_comment, make_user
from moderation import rollup, services
from moderation.models import DailyDecisionCount, FirstDecision, ModerationEvent

pytestmark = pytest.mark.django_db
URL = "/moderation/dashboard/"


def snapshot():
    return (
        list(Comment.objects.order_by("pk").values_list("pk", "status", "version")),
        ModerationEvent.objects.count(),
        DailyDecisionCount.objects.count(),
    )


def dashboard_urls():
    exports = ["waits", "decisions", "moderators", "busiest-articles", "imports"]
    return [URL, *[reverse("moderation:dashboard_export", args=[name]) for name in exports]]


def test_anonymous_is_sent_to_log_in(client):
    make_comment()
    before = snapshot()
    for url in dashboard_urls():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert snapshot() == before


def test_staff_without_a_role_is_refused(client, staff_without_role):
    make_comment()
    client.force_login(staff_without_role)
    before = snapshot()
    for url in dashboard_urls():
        assert client.get(url).status_code == 403, url
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["moderator", "editor"])
def test_moderators_and_editors_see_it(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in dashboard_urls():
        assert client.get(url).status_code == 200, url
    assert client.post(URL).status_code == 405


def test_shows_the_queue_and_links_each_number_to_the_queue(moderator_client, moderator):
    article = make_article(title="Harbour storm")
    old = make_comment(article, created_at=timezone.now() - timedelta(hours=30))
    make_comment(article, created_at=timezone.now() - timedelta(hours=2))
    decided = make_comment(article, created_at=timezone.now() - timedelta(minutes=5))
    services.hide(decided, actor=moderator, reason="spam")

    html = moderator_client.get(URL).content.decode()

    assert 'href="/moderation/?tab=pending">2</a>' in html
    assert 'href="/moderation/?tab=pending&amp;older_than=24&amp;order=oldest">1</a>' in html
    assert 'href="/moderation/?tab=pending&amp;older_than=1&amp;order=oldest">2</a>' in html
    today = timezone.localdate().isoformat()
    spam_today = f"tab=all&amp;decided=hide&amp;decided_reason=spam&amp;decided_from={today}"
    assert f'href="/moderation/?{spam_today}&amp;decided_to={today}">1</a>' in html
    assert f"article={article.pk}" in html and "Harbour storm" in html
    assert old.created_at.isoformat()[:16] in html  # the oldest pending comment's time
    assert 'id="dashboard-data" type="application/json"' in html
    assert "<script>" not in html and "style=" not in html  # nothing a strict CSP blocks


def test_editors_see_the_numbers_without_links_into_the_queue(client, editor, moderator):
    make_comment()
    services.approve(make_comment(), actor=moderator)
    client.force_login(editor)

    html = client.get(URL).content.decode()

    assert "<dt>Waiting</dt><dd>1</dd>" in html
    assert 'href="/moderation/?' not in html


def test_period_comes_from_the_url_and_falls_back_to_a_week(moderator_client):
    assert moderator_client.get(URL + "?days=30").context["data"].period.days == 30
    assert moderator_client.get(URL + "?days=5").context["data"].period.days == 7
    assert moderator_client.get(URL + "?days=x").context["data"].period.days == 7


def test_csv_has_the_numbers_behind_the_decisions_chart(moderator_client, moderator):
    services.approve(make_comment(), actor=moderator)
    services.hide(make_comment(), actor=moderator, reason="abuse")

    response = moderator_client.get(reverse("moderation:dashboard_export", args=["decisions"]))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0][:4] == ["day", "approve", "hide", "restore"]
    assert len(rows) == 1 + 7
    today = dict(zip(rows[0], rows[-1], strict=True))
    assert (today["day"], today["approve"], today["hide"], today["hidden_abuse"]) == (
        timezone.localdate().isoformat(),
        "1",
        "1",
        "1",
    )
    missing = reverse("moderation:dashboard_export", args=["nothing"])
    assert moderator_client.get(missing).status_code == 404


def many_events(count: int, moderator) -> None:
    """`count` decisions over the last 30 days by two people and the rules, then the roll-up."""
    other = make_user(groups=["Moderators"])
    comments = Comment.objects.bulk_create(
        [
            Comment(article=make_article(), body="x", created_at=timezone.now())
            for _ in range(max(1, count // 50))
        ]
    )
    now = timezone.now()
    actions = [("approve", ""), ("hide", "spam"), ("restore", ""), ("hide", "abuse")]
    ModerationEvent.objects.bulk_create(
        [
            ModerationEvent(
                comment=comments[n % len(comments)],
                actor=[moderator, other, None][n % 3],
                action=actions[n % 4][0],
                reason=actions[n % 4][1],
                status_before="pending",
                status_after="approved",
                created_at=now - timedelta(minutes=n * 4),
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    rollup.rebuild()


@pytest.mark.parametrize("events", [10, 10_000])
def test_query_count_is_the_same_at_10_and_10000_events(
    moderator_client, moderator, django_assert_num_queries, events
):
    many_events(events, moderator)
    Group.objects.get(name="Moderators")  # warm nothing: every request loads its own
    # Session, user, permissions (user's, groups'); the queue figures; the busiest articles
    # with their titles; decisions; kept waits of closed days; the other days' waits; storing
    # the closed days no page had shown; imports.
    with django_assert_num_queries(11):
        response = moderator_client.get(URL + "?days=30")
    assert response.status_code == 200
    assert response.context["data"].decisions.totals.total > 0
    # Once the closed days' waits are kept, nothing is stored.
    with django_assert_num_queries(10):
        again = moderator_client.get(URL + "?days=30")
    assert again.context["data"].waits == response.context["data"].waits


def test_services_keep_the_counts_the_log_would_give(moderator):
    """Whatever the path (one, bulk, reply, undo), the running totals equal a rebuild."""
    other = make_user(groups=["Moderators"])
    comments = [make_comment() for _ in range(6)]
    services.approve(comments[0], actor=moderator)
    services.hide(comments[0], actor=other, reason="abuse")  # a reversal
    services.restore(comments[0], actor=other)  # undoes a hide: a reversal
    services.bulk_hide([c.pk for c in comments[:4]], actor=moderator, reason="spam")
    services.reply(comments[4], actor=other, body="Thanks")  # approves: a first decision
    services.bulk_approve([c.pk for c in comments], actor=other)  # reverses three hides
    kept = counts_and_waits()

    rollup.rebuild()

    assert counts_and_waits() == kept
    totals = DailyDecisionCount.objects.values_list("actor_id", "action", "decisions", "reversals")
    assert sorted(totals) == sorted(
        [
            (moderator.pk, "approve", 1, 0),
            (moderator.pk, "hide", 4, 0),
            (other.pk, "hide", 1, 1),
            (other.pk, "restore", 1, 1),
            (other.pk, "approve", 6, 4),
        ]
    )
    assert FirstDecision.objects.count() == 6


def counts_and_waits():
    return (
        sorted(
            DailyDecisionCount.objects.values_list(
                "day", "actor_id", "action", "reason", "decisions", "reversals"
            )
        ),
        sorted(FirstDecision.objects.values_list("comment_id", "decided_at", "waited_seconds")),
    )


def test_a_decision_after_the_source_changed_the_text_is_no_reversal(moderator):
    comment = make_comment()
    services.approve(comment, actor=moderator)
    ModerationEvent.objects.create(  # what an import records when the source rewrote it
        comment=comment,
        actor=None,
        action=ModerationEvent.Action.TEXT_CHANGED_AT_SOURCE,
        status_before="approved",
        status_after="pending",
    )
    Comment.objects.filter(pk=comment.pk).update(status="pending")
    services.approve(comment, actor=moderator)
    kept = counts_and_waits()

    rollup.rebuild()

    assert counts_and_waits() == kept
    assert DailyDecisionCount.objects.values_list("action", "decisions", "reversals").get() == (
        "approve",
        2,
        0,
    )
