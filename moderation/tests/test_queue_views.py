"""The moderation desk's URLs: who may see and do what."""

import pytest
from django.urls import reverse

from articles.models import Comment
from articles.tests.factory import make_comment
from moderation.models import ModerationEvent

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Comment.objects.order_by("pk").values_list("pk", "status", "version")),
        ModerationEvent.objects.count(),
    )


def desk_requests(comment):
    return [
        ("get", reverse("moderation:queue"), {}),
        ("post", reverse("moderation:approve", args=[comment.pk]), {}),
        ("post", reverse("moderation:hide", args=[comment.pk]), {"reason": "spam"}),
        ("post", reverse("moderation:reply", args=[comment.pk]), {"body": "hello"}),
    ]


def test_anonymous_is_sent_to_login_and_nothing_changes(client):
    comment = make_comment()
    before = snapshot()
    for method, url, data in desk_requests(comment):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    assert snapshot() == before


def test_signed_in_without_the_role_gets_403_and_nothing_changes(client, staff_without_role):
    comment = make_comment()
    client.force_login(staff_without_role)
    before = snapshot()
    for method, url, data in desk_requests(comment):
        assert getattr(client, method)(url, data).status_code == 403, url
    assert snapshot() == before


def test_editor_is_not_a_moderator(client, editor):
    client.force_login(editor)
    assert client.get(reverse("moderation:queue")).status_code == 403


@pytest.mark.parametrize("name", ["moderation:approve", "moderation:hide", "moderation:reply"])
def test_actions_refuse_get(moderator_client, name):
    comment = make_comment()
    assert moderator_client.get(reverse(name, args=[comment.pk])).status_code == 405
    assert Comment.objects.get().status == "pending"


def test_queue_lists_pending_comments_with_article_and_author(moderator_client):
    waiting = make_comment(author_name="Waiting Walter", body="<p>Please approve</p>")
    make_comment(author_name="Done Dora", status="approved")

    html = moderator_client.get(reverse("moderation:queue")).content.decode()

    assert "Waiting Walter" in html and "Please approve" in html
    assert waiting.article.title in html
    assert "Done Dora" not in html


@pytest.mark.parametrize("item_count", [1, 3, 10])
def test_queue_query_count_is_fixed(moderator_client, django_assert_num_queries, item_count):
    for _ in range(item_count):
        make_comment(parent=make_comment(status="approved"))
    # session, user, permissions (user + group), count, page of comments
    # with article and parent joined, this moderator's recent bulk jobs.
    with django_assert_num_queries(7):
        assert moderator_client.get(reverse("moderation:queue")).status_code == 200


def test_approve_hide_reply_through_the_desk(moderator_client, moderator):
    a, b, c = make_comment(), make_comment(), make_comment()

    moderator_client.post(reverse("moderation:approve", args=[a.pk]), {"version": a.version})
    moderator_client.post(
        reverse("moderation:hide", args=[b.pk]), {"reason": "off_topic", "note": "golf"}
    )
    response = moderator_client.post(
        reverse("moderation:reply", args=[c.pk]), {"body": "Thanks!"}, follow=True
    )

    assert "Published your reply" in response.content.decode()
    statuses = dict(Comment.objects.filter(is_staff_reply=False).values_list("pk", "status"))
    assert statuses == {a.pk: "approved", b.pk: "hidden", c.pk: "approved"}
    reply = Comment.objects.get(is_staff_reply=True)
    assert reply.parent_id == c.pk and reply.staff_author == moderator


def test_hide_with_a_wrong_reason_is_refused_clearly(moderator_client):
    comment = make_comment()

    response = moderator_client.post(
        reverse("moderation:hide", args=[comment.pk]), {"reason": "because"}, follow=True
    )

    assert "Select a valid choice" in response.content.decode()
    assert Comment.objects.get().status == "pending"


def test_stale_page_shows_who_acted_instead_of_overwriting(moderator_client, moderator):
    comment = make_comment()
    seen = comment.version
    moderator_client.post(reverse("moderation:approve", args=[comment.pk]), {"version": seen})

    response = moderator_client.post(
        reverse("moderation:hide", args=[comment.pk]),
        {"reason": "spam", "version": seen},
        follow=True,
    )

    assert "Approved by Dana Scully" in response.content.decode()
    assert Comment.objects.get().status == "approved"


def test_next_parameter_cannot_leave_the_site(moderator_client):
    comment = make_comment()
    response = moderator_client.post(
        reverse("moderation:approve", args=[comment.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("moderation:queue")
