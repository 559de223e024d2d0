"""Every desk URL and action: who may see and do what, and GET never changes anything."""

import pytest
from django.urls import reverse

from articles.models import Comment
from articles.tests.factory import make_comment, make_user
from moderation import services
from moderation.models import ModerationEvent

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Comment.objects.order_by("pk").values_list("pk", "status", "version", "body")),
        ModerationEvent.objects.count(),
    )


def pages(comment):
    return [
        reverse("moderation:queue"),
        reverse("moderation:comment", args=[comment.pk]),
        reverse("moderation:article", args=[comment.article_id]),
    ]


def actions(comment, staff_reply):
    version = {"version": comment.version}
    return [
        (reverse("moderation:approve", args=[comment.pk]), version),
        (reverse("moderation:hide", args=[comment.pk]), {"reason": "spam", **version}),
        (reverse("moderation:restore", args=[comment.pk]), version),
        (reverse("moderation:reply", args=[comment.pk]), {"body": "hi"}),
        (reverse("moderation:edit_reply", args=[staff_reply.pk]), {"body": "changed"}),
        (reverse("moderation:bulk"), {"decision": "approve", "selected": f"{comment.pk}:1"}),
        (reverse("moderation:bulk"), {"decision": "approve", "all_matching": "on"}),
    ]


@pytest.fixture
def arranged(moderator):
    comment = make_comment(status="approved")
    staff_reply = services.reply(comment, actor=moderator, body="Ours")
    return comment, staff_reply


def test_anonymous_goes_to_login_everywhere(client, arranged):
    comment, staff_reply = arranged
    before = snapshot()
    for url in pages(comment):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url, data in actions(comment, staff_reply):
        response = client.post(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["staff_without_role", "editor"])
def test_signed_in_without_the_right_gets_403(client, arranged, persona, request):
    comment, staff_reply = arranged
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()
    for url in pages(comment):
        assert client.get(url).status_code == 403, url
    for url, data in actions(comment, staff_reply):
        assert client.post(url, data).status_code == 403, url
    assert snapshot() == before


def test_moderator_sees_every_page(moderator_client, arranged):
    comment, _ = arranged
    for url in pages(comment):
        assert moderator_client.get(url).status_code == 200, url


def test_every_action_refuses_get_with_405(moderator_client, arranged):
    comment, staff_reply = arranged
    before = snapshot()
    for url, _ in actions(comment, staff_reply):
        assert moderator_client.get(url).status_code == 405, url
    assert snapshot() == before


def test_moderator_without_reply_right_cannot_reply(client, arranged):
    comment, staff_reply = arranged
    client.force_login(make_user(perms=["moderation.moderate_comments"]))
    before = snapshot()
    assert (
        client.post(reverse("moderation:reply", args=[comment.pk]), {"body": "x"}).status_code
        == 403
    )
    edit = reverse("moderation:edit_reply", args=[staff_reply.pk])
    assert client.post(edit, {"body": "x"}).status_code == 403
    assert snapshot() == before


def test_only_the_author_may_edit_a_staff_reply(client, arranged):
    _, staff_reply = arranged
    client.force_login(make_user(groups=["Moderators"]))
    before = snapshot()
    edit = reverse("moderation:edit_reply", args=[staff_reply.pk])
    assert client.post(edit, {"body": "hijack"}).status_code == 403
    assert snapshot() == before


def test_actions_need_csrf(arranged, moderator):
    from django.test import Client

    comment, _ = arranged
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    before = snapshot()
    response = client.post(reverse("moderation:hide", args=[comment.pk]), {"reason": "spam"})
    assert response.status_code == 403
    assert snapshot() == before
