"""Row actions: plain forms redirect with a message; desk.js gets the redrawn row."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Comment
from articles.tests.factory import make_comment, make_user
from moderation import services
from moderation.models import ModerationEvent

pytestmark = pytest.mark.django_db
ROW = {"headers": {"X-Desk-Row": "1"}}


def test_approve_answers_desk_js_with_a_done_row_and_undo(moderator_client):
    comment = make_comment(author_name="Gabriel")

    response = moderator_client.post(
        reverse("moderation:approve", args=[comment.pk]),
        {"version": 1, "tab": "pending", "next": "/moderation/"},
        **ROW,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "queue-done" in html and "Approved the comment by Gabriel." in html
    assert reverse("moderation:restore", args=[comment.pk]) in html and "Undo" in html
    assert 'value="2"' in html  # the undo carries the new version


def test_undo_is_a_new_event_and_redraws_the_full_row(moderator_client, moderator):
    comment = make_comment()
    services.approve(comment, actor=moderator)

    response = moderator_client.post(
        reverse("moderation:restore", args=[comment.pk]),
        {"version": 2, "tab": "pending"},
        **ROW,
    )

    assert "queue-item" in response.content.decode()
    assert Comment.objects.get().status == "pending"
    assert list(ModerationEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "approve",
        "restore",
    ]


def test_conflict_redraws_the_row_with_who_acted_and_fresh_controls(moderator_client):
    comment = make_comment()
    mulder = make_user("mulder", groups=["Moderators"], first_name="Fox", last_name="Mulder")
    services.approve(comment, actor=mulder)
    event = ModerationEvent.objects.get()
    moment = event.created_at + timedelta(minutes=2)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        response = moderator_client.post(
            reverse("moderation:hide", args=[comment.pk]),
            {"reason": "spam", "version": 1, "tab": "pending"},
            **ROW,
        )

    html = response.content.decode()
    assert response.status_code == 409
    assert "Approved by Fox Mulder 2 minutes ago." in html
    assert 'name="version" value="2"' in html  # choose again, knowingly
    assert Comment.objects.get().status == "approved"
    assert ModerationEvent.objects.count() == 1


def test_invalid_hide_answers_400_with_the_reason(moderator_client):
    comment = make_comment()
    response = moderator_client.post(
        reverse("moderation:hide", args=[comment.pk]), {"reason": "other", "note": " "}, **ROW
    )
    assert response.status_code == 400
    assert "Say why in a note" in response.content.decode()
    assert Comment.objects.get().status == "pending"


def test_reply_from_the_queue_row(moderator_client):
    comment = make_comment(author_name="Jo")
    response = moderator_client.post(
        reverse("moderation:reply", args=[comment.pk]), {"body": "Thanks", "tab": "pending"}, **ROW
    )
    assert "Published your reply to Jo." in response.content.decode()
    assert Comment.objects.filter(is_staff_reply=True, parent=comment).exists()


def test_edit_own_reply_is_recorded(moderator_client, moderator):
    staff_reply = services.reply(make_comment(), actor=moderator, body="Frist")

    response = moderator_client.post(
        reverse("moderation:edit_reply", args=[staff_reply.pk]), {"body": "First"}, follow=True
    )

    assert "Saved your edited reply." in response.content.decode()
    staff_reply.refresh_from_db()
    assert staff_reply.source_body == "First" and staff_reply.edited_at
    assert "Frist" in ModerationEvent.objects.get(action="edit_reply").note


def test_a_decision_on_the_queue_answers_with_the_new_tab_counts(moderator_client):
    comment = make_comment()
    make_comment()
    make_comment(status="hidden", hidden_reason="spam")

    response = moderator_client.post(
        reverse("moderation:approve", args=[comment.pk]),
        {"version": 1, "tab": "pending", "next": "/moderation/?tab=pending"},
        **ROW,
    )

    counts = json.loads(response.headers["X-Desk-Counts"])
    assert counts == {"pending": "1", "approved": "1", "hidden": "1", "all": "3"}


def test_the_new_tab_counts_keep_the_queue_filters(moderator_client):
    comment = make_comment(body="<p>Trams at dawn</p>")
    make_comment(body="<p>Buses at dusk</p>")

    response = moderator_client.post(
        reverse("moderation:hide", args=[comment.pk]),
        {"version": 1, "reason": "spam", "tab": "pending", "next": "/moderation/?q=trams"},
        **ROW,
    )

    counts = json.loads(response.headers["X-Desk-Counts"])
    assert counts == {"pending": "0", "approved": "0", "hidden": "1", "all": "1"}


def test_a_row_drawn_outside_the_queue_gets_no_counts(moderator_client):
    comment = make_comment()

    response = moderator_client.post(
        reverse("moderation:approve", args=[comment.pk]),
        {"version": 1, "next": reverse("moderation:comment", args=[comment.pk])},
        **ROW,
    )

    assert response.status_code == 200 and "X-Desk-Counts" not in response.headers


def hidden_meanwhile(comment):
    other = make_user(groups=["Moderators"], first_name="Fox", last_name="Mulder")
    services.hide(comment, actor=other, reason="spam")


def test_reply_under_a_comment_hidden_meanwhile_is_a_conflict_row(moderator_client):
    comment = make_comment(author_name="Jo")
    seen = comment.version
    hidden_meanwhile(comment)

    response = moderator_client.post(
        reverse("moderation:reply", args=[comment.pk]),
        {"body": "Thanks", "tab": "pending", "version": seen},
        **ROW,
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Not changed: someone got there first. Hidden by Fox Mulder just now." in html
    assert not Comment.objects.filter(is_staff_reply=True).exists()


def test_reply_under_a_comment_hidden_meanwhile_is_refused_from_the_comment_page(
    moderator_client,
):
    comment = make_comment(author_name="Jo")
    page = moderator_client.get(reverse("moderation:comment", args=[comment.pk]))
    seen = comment.version
    assert f'name="version" value="{seen}"' in page.content.decode()
    hidden_meanwhile(comment)

    response = moderator_client.post(
        reverse("moderation:reply", args=[comment.pk]),
        {"body": "Thanks", "version": seen},
        follow=True,
    )

    assert "Hidden by Fox Mulder just now." in response.content.decode()
    assert not Comment.objects.filter(is_staff_reply=True).exists()


def test_the_queue_rows_reply_link_carries_the_version(moderator_client):
    comment = make_comment()
    services.approve(comment, actor=make_user(groups=["Moderators"]))
    services.restore(comment, actor=make_user(groups=["Moderators"]))

    html = moderator_client.get(reverse("moderation:queue")).content.decode()

    assert 'data-desk-reply-version="3"' in html
    assert 'name="version" value="" data-desk-reply-version' in html


def test_editing_a_reply_changed_meanwhile_is_a_conflict(moderator_client, moderator):
    staff_reply = services.reply(make_comment(), actor=moderator, body="Frist")
    seen = staff_reply.version
    services.edit_reply(staff_reply, actor=moderator, body="First, in another tab")

    response = moderator_client.post(
        reverse("moderation:edit_reply", args=[staff_reply.pk]),
        {"body": "First", "version": seen},
        follow=True,
    )

    assert "Not changed: someone got there first." in response.content.decode()
    staff_reply.refresh_from_db()
    assert staff_reply.source_body == "First, in another tab"
