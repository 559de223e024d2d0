"""What readers see: only approved comments, threaded, staff replies marked."""

import re

import pytest
from django.urls import reverse

from articles.tests.factory import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_index_lists_newest_first_with_approved_counts(client):
    from datetime import timedelta

    from django.utils import timezone

    old = make_article(title="Old news", published_at=timezone.now() - timedelta(days=3))
    new = make_article(title="Fresh news")
    make_comment(old, status="approved")
    make_comment(old, status="pending")
    make_comment(old, status="hidden", hidden_reason="spam")

    html = client.get(reverse("articles:index")).content.decode()

    assert html.index("Fresh news") < html.index("Old news")
    counts = re.findall(r'<span class="comment-count">([^<]*)</span>', html)
    assert counts == ["0 comments", "1 comment"]  # Fresh news, then Old news
    assert new.title in html


def test_only_approved_text_reaches_the_page(client):
    article = make_article()
    make_comment(article, body="<p>APPROVED-TEXT</p>", status="approved")
    make_comment(article, body="<p>PENDING-TEXT</p>", author_name="Pending Pat")
    make_comment(article, body="<p>HIDDEN-TEXT</p>", status="hidden", hidden_reason="abuse")

    html = page(client, article)

    assert "APPROVED-TEXT" in html
    assert "PENDING-TEXT" not in html and "Pending Pat" not in html
    assert "HIDDEN-TEXT" not in html
    assert "removed by a moderator" not in html  # no replies under it: no placeholder


def test_hidden_parent_with_approved_reply_leaves_a_placeholder(client):
    article = make_article()
    parent = make_comment(
        article, body="<p>SECRET</p>", author_name="Troll", status="hidden", hidden_reason="abuse"
    )
    make_comment(article, parent=parent, body="<p>Calm down</p>", status="approved")

    html = page(client, article)

    assert "removed by a moderator" in html and "Calm down" in html
    assert "SECRET" not in html and "Troll" not in html


def test_pending_child_under_approved_parent_is_absent(client):
    article = make_article()
    parent = make_comment(article, body="<p>Visible</p>", status="approved")
    make_comment(article, parent=parent, body="<p>NOT-YET</p>")

    html = page(client, article)

    assert "Visible" in html and "NOT-YET" not in html


def test_approved_reply_deep_under_a_hidden_one(client):
    article = make_article()
    top = make_comment(article, body="<p>Top</p>", status="approved")
    gone = make_comment(
        article, parent=top, body="<p>GONE</p>", status="hidden", hidden_reason="spam"
    )
    middle = make_comment(article, parent=gone, body="<p>Middle</p>", status="approved")
    make_comment(article, parent=middle, body="<p>Deep reply</p>", status="approved")

    html = page(client, article)

    assert html.index("Top") < html.index("removed by a moderator") < html.index("Middle")
    assert "Deep reply" in html and "GONE" not in html


def test_staff_reply_is_threaded_and_marked(client):
    article = make_article()
    parent = make_comment(article, body="<p>Question?</p>", status="approved")
    staffer = make_user(first_name="Dana", last_name="Scully")
    make_comment(
        article,
        parent=parent,
        body="<p>Answer.</p>",
        status="approved",
        is_staff_reply=True,
        staff_author=staffer,
        author_name="Dana Scully",
    )

    html = page(client, article)

    reply = re.search(r'<li class="comment comment-staff".*?</li>', html, re.S).group()
    assert '<span class="badge staff-badge">Staff</span>' in reply
    assert '<h3 class="comment-author">Dana Scully</h3>' in reply
    assert html.index("Question?") < html.index("Answer.")
    assert "comment-replies" in html


def test_staff_reply_shows_the_staff_members_current_name(client):
    article = make_article()
    parent = make_comment(article, status="approved")
    staffer = make_user(first_name="Fox", last_name="Mulder")
    make_comment(
        article,
        parent=parent,
        status="approved",
        is_staff_reply=True,
        staff_author=staffer,
        author_name="fmulder",
    )

    assert '<h3 class="comment-author">Fox Mulder</h3>' in page(client, article)


def test_pending_parent_takes_its_approved_replies_with_it(client):
    article = make_article()
    waiting = make_comment(article, body="<p>WAITING</p>")
    make_comment(article, parent=waiting, body="<p>ORPHAN-REPLY</p>", status="approved")

    html = page(client, article)

    assert "WAITING" not in html and "ORPHAN-REPLY" not in html
    assert "0 comments" in html


def test_hidden_leaf_under_hidden_parent_leaves_nothing(client):
    article = make_article()
    gone = make_comment(article, status="hidden", hidden_reason="spam")
    make_comment(article, parent=gone, status="hidden", hidden_reason="abuse")

    html = page(client, article)

    assert "removed by a moderator" not in html and "No comments yet." in html


def test_placeholder_is_not_counted(client):
    article = make_article()
    gone = make_comment(article, status="hidden", hidden_reason="spam")
    make_comment(article, parent=gone, status="approved")

    assert '<h2 id="comments-heading" class="comments-heading">1 comment</h2>' in page(
        client, article
    )


def test_deep_replies_stop_indenting_and_say_whom_they_answer(client):
    from articles.threads import MAX_VISIBLE_DEPTH

    article = make_article()
    parent = None
    for n in range(MAX_VISIBLE_DEPTH + 3):
        parent = make_comment(
            article,
            parent=parent,
            author_name=f"Person{n}",
            body=f"<p>Level {n}</p>",
            status="approved",
        )

    html = page(client, article)

    assert html.count('<ol class="comment-replies') == MAX_VISIBLE_DEPTH
    deepest = MAX_VISIBLE_DEPTH + 2
    assert "In reply to <a href=" in html and f">Person{deepest - 1}</a>" in html
    assert html.index(f"Level {deepest - 1}") < html.index(f"Level {deepest}")


def test_times_are_machine_readable_and_readable(client):
    from datetime import UTC, datetime

    article = make_article(published_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    make_comment(article, status="approved", created_at=datetime(2026, 3, 4, 17, 5, tzinfo=UTC))

    html = page(client, article)

    assert '<time datetime="2026-03-02T09:30:00+00:00">2 March 2026</time>' in html
    assert 'datetime="2026-03-04T17:05:00+00:00">4 Mar 2026, 17:05 UTC</time>' in html


def test_article_page_is_semantic(client):
    article = make_article(deck="A deck", image_credit="Photo by Ann")
    make_comment(article, status="approved")

    html = page(client, article)

    assert '<html lang="en">' in html
    assert html.count("<h1") == 1
    assert '<article class="article' in html and '<main id="main"' in html
    assert '<section class="comments" aria-labelledby="comments-heading">' in html
    assert '<ol class="comment-thread' in html
    assert "Photo by Ann" in html


def test_javascript_source_link_is_dropped(client):
    article = make_article(source_url="javascript:alert(1)")

    assert "javascript:" not in page(client, article)


def test_unsafe_html_in_an_old_row_is_not_rendered(client):
    article = make_article(body='<p>ok</p><script>alert("a")</script>')
    make_comment(
        article, body='<p onclick="x()">hi<script>alert(1)</script></p>', status="approved"
    )

    html = page(client, article)

    assert "<script>alert" not in html and "onclick" not in html


def test_public_pages_have_no_write_endpoint(client):
    article = make_article()
    assert client.post(article.get_absolute_url()).status_code == 405
    assert client.post(reverse("articles:index")).status_code == 405


def test_unknown_article_is_a_friendly_404(client):
    response = client.get("/articles/nope/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert f'href="{reverse("articles:index")}"' in html
