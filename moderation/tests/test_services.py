"""The moderation rules every screen goes through."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles.models import Comment
from articles.tests.factory import make_comment, make_user
from moderation import services
from moderation.models import ModerationEvent

pytestmark = pytest.mark.django_db
Status = Comment.Status


def test_approve_records_an_event(moderator):
    comment = make_comment()

    event = services.approve(comment, actor=moderator, note="fine")

    comment.refresh_from_db()
    assert comment.status == Status.APPROVED and comment.moderated_at is not None
    assert (event.action, event.status_before, event.status_after) == (
        "approve",
        "pending",
        "approved",
    )
    assert (event.actor, event.note) == (moderator, "fine")


def test_hide_needs_a_reason_and_records_it(moderator):
    comment = make_comment()

    with pytest.raises(ValidationError):
        services.hide(comment, actor=moderator, reason="")
    with pytest.raises(ValidationError):
        services.hide(comment, actor=moderator, reason="other", note="  ")
    services.hide(comment, actor=moderator, reason="abuse")

    comment.refresh_from_db()
    assert (comment.status, comment.hidden_reason) == ("hidden", "abuse")
    assert ModerationEvent.objects.get().reason == "abuse"


def test_reversal_is_a_new_event_and_the_old_one_stays(moderator):
    comment = make_comment()
    services.hide(comment, actor=moderator, reason="spam")

    services.approve(comment, actor=moderator)

    comment.refresh_from_db()
    assert (comment.status, comment.hidden_reason) == ("approved", "")
    assert list(ModerationEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "hide",
        "approve",
    ]


def test_a_decision_that_changes_nothing_records_nothing(moderator):
    comment = make_comment(status=Status.APPROVED)

    assert services.approve(comment, actor=moderator) is None
    assert not ModerationEvent.objects.exists()


def test_stale_version_is_a_conflict_naming_who_acted(moderator):
    comment = make_comment()
    seen_version = comment.version
    other = make_user("mulder", groups=["Moderators"], first_name="Fox", last_name="Mulder")
    services.approve(comment, actor=other)

    with pytest.raises(services.ModerationConflict) as conflict:
        services.hide(comment, actor=moderator, reason="spam", expected_version=seen_version)

    assert "Approved by Fox Mulder" in str(conflict.value)
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert ModerationEvent.objects.count() == 1


def test_reply_is_approved_staff_and_threaded(moderator):
    comment = make_comment(status=Status.APPROVED)

    reply = services.reply(comment, actor=moderator, body="Thanks <b>for</b> this.\n\nSecond.")

    assert reply.parent == comment and reply.article == comment.article
    assert reply.status == Status.APPROVED and reply.is_staff_reply
    assert reply.staff_author == moderator and reply.author_name == "Dana Scully"
    assert reply.body == "<p>Thanks &lt;b&gt;for&lt;/b&gt; this.</p>\n<p>Second.</p>"
    event = ModerationEvent.objects.get()
    assert (event.action, event.comment, event.related_comment) == ("reply", comment, reply)


def test_replying_to_a_pending_comment_approves_it(moderator):
    comment = make_comment()

    services.reply(comment, actor=moderator, body="Welcome.")

    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert list(ModerationEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "approve",
        "reply",
    ]


def test_empty_reply_is_refused(moderator):
    with pytest.raises(ValidationError):
        services.reply(make_comment(), actor=moderator, body="   ")
    assert Comment.objects.count() == 1


def test_staff_can_edit_only_their_own_reply(moderator):
    reply = services.reply(make_comment(), actor=moderator, body="Frist")
    other = make_user(groups=["Moderators"])

    with pytest.raises(PermissionDenied):
        services.edit_reply(reply, actor=other, body="Hijacked")
    services.edit_reply(reply, actor=moderator, body="First")

    reply.refresh_from_db()
    assert reply.body == "<p>First</p>" and reply.edited_at is not None
    edit = ModerationEvent.objects.get(action="edit_reply")
    assert "Frist" in edit.note


def test_without_the_permission_nothing_changes(staff_without_role):
    comment = make_comment()

    with pytest.raises(PermissionDenied):
        services.approve(comment, actor=staff_without_role)
    with pytest.raises(PermissionDenied):
        services.reply(comment, actor=staff_without_role, body="hi")

    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert Comment.objects.count() == 1 and not ModerationEvent.objects.exists()


def test_bulk_decisions_record_one_event_per_comment(moderator, django_assert_num_queries):
    comments = [make_comment() for _ in range(5)]
    make_comment(status=Status.HIDDEN, hidden_reason="spam")
    ids = [c.pk for c in comments]
    stale = {ids[0]: comments[0].version}
    services.approve(comments[0], actor=moderator)  # someone acted meanwhile

    # Savepoint, lock+read, the dashboard's counts (recent decisions, add to the day's
    # counter, arrivals of pending ones, first decisions), update, insert events,
    # bump articles, release.
    with django_assert_num_queries(10):
        result = services.bulk_hide(ids, actor=moderator, reason="spam", expected=stale)

    assert (result.changed, result.conflicts, result.unchanged) == (4, 1, 0)
    assert Comment.objects.filter(status=Status.HIDDEN).count() == 5
    assert ModerationEvent.objects.filter(action="hide").count() == 4


def test_events_cannot_be_changed_or_deleted(moderator):
    event = services.approve(make_comment(), actor=moderator)

    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        ModerationEvent.objects.all().delete()
    with pytest.raises(PermissionDenied):
        ModerationEvent.objects.update(note="x")


@pytest.mark.parametrize(
    ("start", "decision", "end"),
    [
        ("pending", "approve", "approved"),
        ("pending", "hide", "hidden"),
        ("approved", "hide", "hidden"),
        ("approved", "restore", "pending"),
        ("hidden", "approve", "approved"),
        ("hidden", "restore", "pending"),
    ],
)
def test_every_transition_is_recorded(moderator, start, decision, end):
    reason = "spam" if start == "hidden" else ""
    comment = make_comment(status=start, hidden_reason=reason)
    kwargs = {"reason": "abuse"} if decision == "hide" else {}

    event = getattr(services, decision)(comment, actor=moderator, **kwargs)

    comment.refresh_from_db()
    assert comment.status == end and comment.version == 2
    assert (event.status_before, event.status_after) == (start, end)
    assert comment.hidden_reason == ("abuse" if end == "hidden" else "")


def test_hide_reasons_are_the_moderator_choices(moderator):
    for reason in ["spam", "abuse", "off_topic", "personal_information", "duplicate"]:
        comment = make_comment()
        services.hide(comment, actor=moderator, reason=reason)
    with pytest.raises(ValidationError):
        services.hide(make_comment(), actor=moderator, reason="removed_at_source")
    services.hide(make_comment(), actor=moderator, reason="other", note="Libel")
    assert ModerationEvent.objects.get(reason="other").note == "Libel"


def test_conflict_wording_says_how_long_ago(moderator):
    from datetime import timedelta

    comment = make_comment()
    event = services.approve(comment, actor=moderator)

    two_minutes = services.time_ago(event.created_at, event.created_at + timedelta(minutes=2))
    message = services.describe_change(comment, event)

    assert two_minutes == "2 minutes ago"
    assert message == "Approved by Dana Scully just now."


def test_bulk_skips_comments_decided_after_the_page_was_drawn(moderator):
    from django.utils import timezone

    early, late = make_comment(), make_comment()
    drawn_at = timezone.now()
    services.hide(late, actor=moderator, reason="spam")

    result = services.bulk_approve([early.pk, late.pk], actor=moderator, unchanged_since=drawn_at)

    assert (result.changed, result.conflicts) == (1, 1)
    assert Comment.objects.get(pk=late.pk).status == "hidden"


def test_bulk_of_many_runs_a_few_queries_per_chunk(
    moderator, django_assert_num_queries, django_assert_max_num_queries
):
    from django.db import connection

    comments = [make_comment() for _ in range(services.BULK_CHUNK + 1)]
    moderator.has_perm(services.MODERATE_PERM)  # permissions are loaded once per user
    # Savepoint; per chunk of 2,000: lock+read, the dashboard's counts (4 queries),
    # update, insert events (x2 chunks); bump articles; release. SQLite splits
    # inserts by its variable limit.
    if connection.vendor == "postgresql":
        counted = django_assert_num_queries(17)
    else:
        counted = django_assert_max_num_queries(40)
    with counted:
        result = services.bulk_approve([c.pk for c in comments], actor=moderator)
    assert result.changed == len(comments)
    assert ModerationEvent.objects.count() == len(comments)


def test_reply_checks_the_version_the_moderator_saw(moderator):
    comment = make_comment()
    seen = comment.version
    services.hide(comment, actor=moderator, reason="spam")

    with pytest.raises(services.ModerationConflict, match="Hidden by"):
        services.reply(comment, actor=moderator, body="Thanks", expected_version=seen)

    assert not Comment.objects.filter(is_staff_reply=True).exists()
    assert services.reply(comment, actor=moderator, body="Thanks", expected_version=seen + 1)


def test_hiding_a_hidden_comment_for_another_reason_is_a_decision(moderator):
    comment = make_comment(status="hidden", hidden_reason="spam")

    event = services.hide(comment, actor=moderator, reason="duplicate")

    assert (event.status_before, event.status_after, event.reason) == (
        "hidden",
        "hidden",
        "duplicate",
    )
    comment.refresh_from_db()
    assert (comment.hidden_reason, comment.version) == ("duplicate", 2)


def test_the_callers_copy_shows_what_is_stored_after_a_decision(moderator):
    comment = make_comment()

    event = services.hide(comment, actor=moderator, reason="spam")

    # The admin and the desk redraw from this object: it must not show the old state.
    assert (comment.status, comment.hidden_reason, comment.version) == ("hidden", "spam", 2)
    assert comment.moderated_at == event.created_at


def test_a_stale_copy_is_brought_up_to_date_by_a_decision_that_changes_nothing(moderator):
    comment = make_comment()
    stale = Comment.objects.get(pk=comment.pk)
    services.approve(comment, actor=moderator)

    assert services.approve(stale, actor=moderator) is None

    assert (stale.status, stale.hidden_reason, stale.version) == ("approved", "", 2)
    assert stale.moderated_at == comment.moderated_at is not None


def test_the_dashboard_counts_each_decision_its_reversal_and_the_wait(moderator):
    from datetime import timedelta

    from django.utils import timezone

    from moderation import dashboard

    comment = make_comment(created_at=timezone.now() - timedelta(minutes=10))
    services.hide(comment, actor=moderator, reason="spam")
    services.approve(comment, actor=moderator)  # undoes the hide: a reversal

    week = dashboard.period_ending_today(7)
    [dana] = dashboard.decision_figures(week).moderators
    assert (dana.name, dana.by_action, dana.reversals) == (
        "Dana Scully",
        {"hide": 1, "approve": 1},
        1,
    )
    [waited] = [day for day in dashboard.wait_figures(week) if day.decided]
    assert waited.decided == 1 and 600 <= waited.median_seconds < 660


def test_a_reply_without_any_text_is_refused(moderator):
    with pytest.raises(ValidationError) as refused:
        services.reply(make_comment(), actor=moderator, body=None)
    assert refused.value.messages == ["A reply needs some text."]
    assert Comment.objects.count() == 1 and not ModerationEvent.objects.exists()


def test_a_decision_made_as_the_page_was_drawn_is_no_conflict(moderator):
    """The page drawn at that moment already showed it; only later decisions conflict."""
    comment = make_comment()
    services.hide(comment, actor=moderator, reason="spam")
    comment.refresh_from_db()

    result = services.bulk_approve(
        [comment.pk], actor=moderator, unchanged_since=comment.moderated_at
    )

    assert (result.changed, result.conflicts) == (1, 0)
