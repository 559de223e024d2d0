"""Admin parity: the same decisions through the same services; the log is read-only."""

import pytest
from django.urls import reverse

from articles.models import Comment
from articles.tests.factory import make_comment, make_user
from moderation import services
from moderation.models import ModerationEvent

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:articles_comment_changelist")


def test_changelist_filters_and_search(moderator_client):
    make_comment(author_name="Searchable Sue", status="hidden", hidden_reason="spam")
    make_comment(author_name="Other Otto")

    hidden = moderator_client.get(CHANGELIST, {"status__exact": "hidden"}).content.decode()
    found = moderator_client.get(CHANGELIST, {"q": "Sue"}).content.decode()

    assert "Searchable Sue" in hidden and "Other Otto" not in hidden
    assert "Searchable Sue" in found and "Other Otto" not in found


def test_bulk_actions_record_events(moderator_client):
    a, b = make_comment(), make_comment()
    ids = [a.pk, b.pk]

    moderator_client.post(CHANGELIST, {"action": "approve_selected", "_selected_action": ids})
    moderator_client.post(
        CHANGELIST,
        {"action": "hide_selected", "_selected_action": ids, "reason": "duplicate"},
    )
    moderator_client.post(CHANGELIST, {"action": "restore_selected", "_selected_action": [a.pk]})

    assert dict(Comment.objects.values_list("pk", "status")) == {a.pk: "pending", b.pk: "hidden"}
    actions = list(ModerationEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["approve", "approve", "hide", "hide", "restore"]


def test_decide_from_the_change_page_with_conflict(moderator_client, moderator):
    comment = make_comment()
    decide = reverse("admin:articles_comment_decide", args=[comment.pk])
    other = make_user(groups=["Moderators"], first_name="Fox", last_name="Mulder")
    services.approve(comment, actor=other)

    stale = moderator_client.post(
        decide, {"decision": "hide", "reason": "spam", "version": 1}, follow=True
    )
    fresh = moderator_client.post(
        decide, {"decision": "hide", "reason": "spam", "version": 2}, follow=True
    )

    assert "Approved by Fox Mulder just now." in stale.content.decode()
    assert "Done." in fresh.content.decode()
    assert Comment.objects.get().status == "hidden"


def test_reply_and_edit_reply_from_the_admin(moderator_client, moderator):
    comment = make_comment()
    decide = reverse("admin:articles_comment_decide", args=[comment.pk])
    moderator_client.post(decide, {"decision": "reply", "body": "Frist"})
    staff_reply = Comment.objects.get(is_staff_reply=True)

    edit = reverse("admin:articles_comment_decide", args=[staff_reply.pk])
    moderator_client.post(edit, {"decision": "edit_reply", "body": "First"})

    staff_reply.refresh_from_db()
    assert staff_reply.source_body == "First"
    assert ModerationEvent.objects.filter(action="edit_reply").count() == 1


def test_decide_refuses_get(moderator_client):
    comment = make_comment()
    decide = reverse("admin:articles_comment_decide", args=[comment.pk])
    assert moderator_client.get(decide).status_code == 405


def test_events_are_read_only_and_cannot_be_deleted_in_admin(client, moderator):
    superuser = make_user("root", is_staff=True, is_superuser=True)
    event = services.approve(make_comment(), actor=moderator)
    client.force_login(superuser)

    change = client.get(reverse("admin:moderation_moderationevent_change", args=[event.pk]))
    delete = client.get(reverse("admin:moderation_moderationevent_delete", args=[event.pk]))
    bulk_delete = client.post(
        reverse("admin:moderation_moderationevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk]},
    )

    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert delete.status_code == 403
    assert bulk_delete.status_code in (200, 302)
    assert ModerationEvent.objects.filter(pk=event.pk).exists()


def test_a_staff_alias_made_in_the_admin_records_who_made_it(client, moderator):
    from articles.models import ImportRun, StaffAlias

    admin_user = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)

    client.post(reverse("admin:articles_staffalias_add"), {"name": "dscully", "user": moderator.pk})

    alias = StaffAlias.objects.get()
    assert (alias.name, alias.user, alias.created_by) == ("dscully", moderator, admin_user)
    run = ImportRun.objects.create(file_name="f.json", format="json", source_statuses="kept")
    page = client.get(reverse("admin:articles_importrun_change", args=[run.pk]))
    assert "Source statuses" in page.content.decode()


def test_reply_from_the_admin_under_a_comment_hidden_meanwhile_is_a_conflict(moderator_client):
    comment = make_comment()
    page = moderator_client.get(reverse("admin:articles_comment_change", args=[comment.pk]))
    assert 'value="reply"><input type="hidden" name="version" value="1">' in page.content.decode()
    other = make_user(groups=["Moderators"], first_name="Fox", last_name="Mulder")
    services.hide(comment, actor=other, reason="spam")

    response = moderator_client.post(
        reverse("admin:articles_comment_decide", args=[comment.pk]),
        {"decision": "reply", "body": "Thanks", "version": 1},
        follow=True,
    )

    assert "Not changed: Hidden by Fox Mulder just now." in response.content.decode()
    assert not Comment.objects.filter(is_staff_reply=True).exists()
