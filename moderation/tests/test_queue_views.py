"""The queue and its row actions as plain forms (who may see and do what: test_desk_access)."""

import pytest
from django.urls import reverse

from articles.models import Comment
from articles.tests.factory import make_comment

pytestmark = pytest.mark.django_db


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
