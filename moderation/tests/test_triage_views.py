"""The rules page: who may use it, saving, the test box, the preview, running, undoing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Comment
from articles.tests.factory import make_comment, make_user
from jobs.models import Job
from jobs.testing import run_queued_jobs
from moderation import services
from moderation.models import CommentTriage, LearnedModel, ModerationEvent, TriageRules

pytestmark = pytest.mark.django_db
RULES_URL = reverse("moderation:rules")


def snapshot():
    rules = TriageRules.current()
    return (
        list(Comment.objects.order_by("pk").values_list("pk", "status", "version")),
        ModerationEvent.objects.count(),
        CommentTriage.objects.count(),
        LearnedModel.objects.count(),
        Job.objects.count(),
        (rules.banned_words, rules.suspect_words, rules.max_links),
    )


def rules_data(**changes) -> dict:
    """Every field of the rules form as the page would post it, with changes."""
    from moderation.triage.forms import RulesForm

    form = RulesForm(instance=TriageRules.current())
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def posts():
    return [
        (RULES_URL, rules_data(action="save", banned_words="spam")),
        (RULES_URL, rules_data(action="test", text="hello")),
        (reverse("moderation:rules_run"), {}),
        (reverse("moderation:rules_undo"), {"rule": "banned_words", "since": "2020-01-01T00:00"}),
        (reverse("moderation:rules_train"), {}),
    ]


def test_anonymous_goes_to_login(client):
    make_comment()
    before = snapshot()
    assert "/accounts/login/" in client.get(RULES_URL)["Location"]
    for url, data in posts():
        assert "/accounts/login/" in client.post(url, data)["Location"], url
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["staff_without_role", "editor", "plain_moderator"])
def test_without_the_manage_rules_right_gets_403(client, persona, request):
    user = (
        make_user(perms=["moderation.moderate_comments"])
        if persona == "plain_moderator"
        else request.getfixturevalue(persona)
    )
    client.force_login(user)
    make_comment()
    before = snapshot()
    assert client.get(RULES_URL).status_code == 403
    for url, data in posts():
        assert client.post(url, data).status_code == 403, url
    assert snapshot() == before


def test_post_only_actions_refuse_get_with_405(moderator_client):
    for url, _ in posts()[2:]:
        assert moderator_client.get(url).status_code == 405, url


def test_moderators_save_the_rules(moderator_client, moderator):
    response = moderator_client.post(RULES_URL, rules_data(action="save", suspect_words="rubbish"))
    assert response.status_code == 302
    rules = TriageRules.current()
    assert (rules.suspect_words, rules.updated_by) == ("rubbish", moderator)


def test_a_threshold_outside_0_to_1_is_refused(moderator_client):
    response = moderator_client.post(RULES_URL, rules_data(action="save", offensive_threshold="3"))
    assert response.status_code == 400
    assert "Choose a number from 0 to 1." in response.content.decode()
    assert TriageRules.current().offensive_threshold == 0.8


def test_the_test_box_uses_the_unsaved_rules_and_highlights_safely(moderator_client):
    data = rules_data(action="test", suspect_words="rubbish", text="<b>Rubbish</b> & more")
    response = moderator_client.post(RULES_URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "suspect word “rubbish”" in html
    assert "<mark>Rubbish</mark> &amp; more" in html  # user text escaped, only <mark> is ours
    assert "<b>Rubbish" not in html
    assert "Offensive-language score" in html
    assert TriageRules.current().suspect_words == ""


def test_the_preview_counts_what_a_change_would_hold_and_release(moderator_client):
    held = make_comment(body="<p>rubbish everywhere</p>")
    make_comment(body="<p>a fine thought</p>")
    make_comment(body="<p>utter tosh</p>")
    TriageRules.objects.filter(pk=1).update(
        suspect_words="rubbish", new_commenter_enabled=False, offensive_enabled=False
    )
    from moderation.triage.service import run_over_pending

    run_over_pending()
    assert CommentTriage.objects.get(comment=held).holding_markers
    before = snapshot()
    data = rules_data(
        action="preview",
        suspect_words="tosh",
        new_commenter_enabled=False,
        offensive_enabled=False,
    )
    html = moderator_client.post(RULES_URL, data).content.decode()
    assert (
        "Of 3 pending comments (1 held now), this change would hold 1 more and release 1; "
        "0 would be hidden as banned and 0 approved as trusted."
    ) in html
    assert snapshot() == before


def test_running_the_rules_over_the_pending_queue(moderator_client):
    banned = make_comment(body="<p>you scoundrel</p>")
    decided = make_comment(body="<p>you scoundrel</p>", status="approved")
    TriageRules.objects.filter(pk=1).update(banned_words="scoundrel")
    response = moderator_client.post(reverse("moderation:rules_run"), follow=True)
    assert "1 hidden as banned" in response.content.decode()
    banned.refresh_from_db()
    assert (banned.status, banned.hidden_reason) == ("hidden", "banned_word")
    decided.refresh_from_db()
    assert decided.status == "approved" and not CommentTriage.objects.filter(comment=decided)


def test_undo_everything_a_rule_did_since_a_moment(moderator_client, moderator):
    before, after, redecided = (make_comment() for _ in range(3))
    services.decide_by_rule([before.pk], rule="banned_words", status="hidden", reason="banned_word")
    since = timezone.localtime(ModerationEvent.objects.get(comment=before).created_at)
    since += timedelta(microseconds=1)
    services.decide_by_rule(
        [after.pk, redecided.pk], rule="banned_words", status="hidden", reason="banned_word"
    )
    services.approve(redecided, actor=moderator)  # a person decided after the rule
    response = moderator_client.post(
        reverse("moderation:rules_undo"),
        {"rule": "banned_words", "since": since.strftime("%Y-%m-%dT%H:%M:%S.%f")},
        follow=True,
    )
    assert "Returned 1 comment to pending." in response.content.decode()
    for comment in (before, after, redecided):
        comment.refresh_from_db()
    assert (before.status, after.status, redecided.status) == ("hidden", "pending", "approved")
    undo = ModerationEvent.objects.filter(comment=after).first()
    assert undo.actor == moderator and undo.action == "restore"
    assert undo.note.startswith("Undid the rule “Banned word” since ")


def test_one_automatic_decision_is_undone_like_any_other(moderator):
    comment = make_comment()
    services.decide_by_rule(
        [comment.pk], rule="banned_words", status="hidden", reason="banned_word"
    )
    services.restore(comment, actor=moderator)
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert [e.actor_name for e in comment.events.all()] == ["Dana Scully", "rule “Banned word”"]


def test_training_refusal_is_shown(moderator_client):
    moderator_client.post(reverse("moderation:rules_train"))
    run_queued_jobs()  # training runs in a worker
    response = moderator_client.get(RULES_URL)
    assert "Training needs at least 200 decisions by people" in response.content.decode()


@pytest.mark.parametrize("item_count", [1, 3])
def test_rules_page_runs_a_fixed_number_of_queries(
    moderator_client, django_assert_num_queries, item_count
):
    for _ in range(item_count):
        make_comment()
    TriageRules.current()
    # session, user, user permissions, group permissions, the rules row, the newest
    # learned model, the pending count, this manager's recent triage jobs.
    with django_assert_num_queries(8):
        assert moderator_client.get(RULES_URL).status_code == 200
