"""A comment's page (thread, history, author's record) and an article's staff page."""

import re

import pytest
from django.urls import reverse

from articles.tests.factory import make_article, make_comment
from moderation import services

pytestmark = pytest.mark.django_db


def arrange_thread(article):
    """root > (target > (reply > deep), sibling); other root."""
    root = make_comment(article, author_name="Root", status="approved")
    target = make_comment(
        article, parent=root, author_name="Target", status="hidden", hidden_reason="spam"
    )
    reply = make_comment(article, parent=target, author_name="Reply")
    deep = make_comment(article, parent=reply, author_name="Deep")
    sibling = make_comment(article, parent=root, author_name="Sibling")
    other = make_comment(article, author_name="Elsewhere")
    return root, target, reply, deep, sibling, other


def test_comment_page_shows_thread_around_it_with_every_status(moderator_client):
    _, target, *_ = arrange_thread(make_article())

    response = moderator_client.get(reverse("moderation:comment", args=[target.pk]))

    rows = [(row.comment.author_name, row.depth) for row in response.context["thread"]]
    assert rows == [("Root", 0), ("Target", 1), ("Reply", 2), ("Deep", 3), ("Sibling", 1)]
    html = response.content.decode()
    assert "Hidden: spam" in html and "Pending" in html


def test_comment_page_history_and_author_record(moderator_client, moderator):
    comment = make_comment(author_name="Kim")
    make_comment(author_name="kim", status="approved")
    make_comment(author_name="Kim", status="hidden", hidden_reason="abuse")
    services.hide(comment, actor=moderator, reason="other", note="Doxxing a neighbour")
    services.approve(comment, actor=moderator, note="Context was fine")

    response = moderator_client.get(reverse("moderation:comment", args=[comment.pk]))

    assert response.context["record"] == {"total": 3, "pending": 0, "approved": 2, "hidden": 1}
    html = response.content.decode()
    assert "Doxxing a neighbour" in html and "Context was fine" in html
    assert html.index("Context was fine") < html.index("Doxxing a neighbour")  # newest first
    assert "by Dana Scully" in html


def test_article_page_lists_every_comment_in_thread_order_with_counts(moderator_client):
    article = make_article()
    arrange_thread(article)

    response = moderator_client.get(reverse("moderation:article", args=[article.pk]))

    names = [row.comment.author_name for row in response.context["thread"]]
    assert names == ["Root", "Target", "Reply", "Deep", "Sibling", "Elsewhere"]
    assert response.context["counts"] == {"pending": 4, "approved": 1, "hidden": 1}


@pytest.mark.parametrize("item_count", [1, 3, 50])
def test_pages_run_a_fixed_number_of_queries(
    moderator_client, moderator, django_assert_num_queries, item_count
):
    article = make_article()
    target = make_comment(article)
    for _ in range(item_count):
        make_comment(article, parent=target)
        services.approve(make_comment(article, parent=target), actor=moderator)
    services.hide(target, actor=moderator, reason="spam")
    comment_url = reverse("moderation:comment", args=[target.pk])
    article_url = reverse("moderation:article", args=[article.pk])
    # session, user, user permissions, group permissions, the comment with its
    # article and triage row, the article's comments, events with actors, the author's
    # record, the newest learned model (to explain its score).
    with django_assert_num_queries(9):
        assert moderator_client.get(comment_url).status_code == 200
    # session, user, user permissions, group permissions, article, its comments.
    with django_assert_num_queries(6):
        assert moderator_client.get(article_url).status_code == 200


def test_every_reply_box_takes_its_length_limit_from_the_service(
    moderator_client, moderator, monkeypatch
):
    monkeypatch.setattr(services, "MAX_REPLY_LENGTH", 1234)
    comment = make_comment(author_name="Kim")
    own_reply = services.reply(comment, actor=moderator, body="Thanks, Kim.")

    boxes = {
        "queue": moderator_client.get(reverse("moderation:queue")),
        "reply under a comment": moderator_client.get(
            reverse("moderation:comment", args=[comment.pk])
        ),
        "edit own reply": moderator_client.get(reverse("moderation:comment", args=[own_reply.pk])),
    }

    for where, response in boxes.items():
        html = response.content.decode()
        assert html.count("<textarea") == html.count('maxlength="1234"') >= 1, where


def forms_for(comment, html: str) -> list[str]:
    """The POST forms aimed at one comment's URLs."""
    prefix = re.escape(reverse("moderation:comment", args=[comment.pk]))
    return re.findall(rf'<form method="post" action="{prefix}[^"]+".*?</form>', html, re.S)


def test_every_decision_form_sends_version_next_and_the_queue_tab(moderator_client):
    comment = make_comment(status="approved", removed_at_source=True, version=3)

    queue = moderator_client.get(reverse("moderation:queue") + "?tab=all").content.decode()
    page = moderator_client.get(reverse("moderation:comment", args=[comment.pk])).content.decode()

    queue_forms, page_forms = forms_for(comment, queue), forms_for(comment, page)
    assert len(queue_forms) == 3  # hide, hide: removed at source, back to pending
    assert len(page_forms) == 4  # the same, and a staff reply
    for form in queue_forms + page_forms:
        assert '<input type="hidden" name="version" value="3">' in form
        assert '<input type="hidden" name="next" value="/moderation/' in form
    assert all('<input type="hidden" name="tab" value="all">' in f for f in queue_forms)
    assert not any('name="tab"' in f for f in page_forms)
