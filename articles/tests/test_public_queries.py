"""Public pages run a fixed, small number of queries however many comments there are."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Comment
from articles.tests.factory import make_article, make_user
from moderation import services

pytestmark = pytest.mark.django_db


def add_comments(article, total: int) -> None:
    """Half top-level comments, then a reply to each: approved, hidden, pending and staff."""
    now = timezone.now()
    staffer = make_user(first_name="Dana", last_name="Scully")
    tops = Comment.objects.bulk_create(
        Comment(article=article, body=f"<p>Top {n}</p>", status="approved", created_at=now)
        for n in range(total // 2)
    )
    statuses = ["approved", "hidden", "pending", "approved"]
    Comment.objects.bulk_create(
        Comment(
            article=article,
            parent=top,
            body=f"<p>Reply {n}</p>",
            status=statuses[n % 4],
            hidden_reason="spam" if statuses[n % 4] == "hidden" else "",
            is_staff_reply=n % 4 == 3,
            staff_author=staffer if n % 4 == 3 else None,
            created_at=now,
        )
        for n, top in enumerate(tops)
    )


@pytest.mark.parametrize("comment_count", [10, 5000])
def test_article_page_queries_do_not_grow_with_comments(
    client, django_assert_num_queries, comment_count
):
    article = make_article()
    add_comments(article, comment_count)

    # 1. the article's version by slug; 2. the whole article, to render; 3. the shape of
    # its approved and hidden comments; 4. what the page's comments show, with staff names.
    with django_assert_num_queries(4):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    threads = min(comment_count // 2, settings.PUBLIC_THREADS_PER_PAGE)
    assert response.content.count(b'<li class="comment') > threads

    # Cached: only the article's `updated_at`.
    with django_assert_num_queries(1):
        assert client.get(article.get_absolute_url()).status_code == 200

    # The reader already has this version: only the article.
    with django_assert_num_queries(1):
        response = client.get(
            article.get_absolute_url(), headers={"if-none-match": response.headers["ETag"]}
        )
    assert response.status_code == 304


@pytest.mark.parametrize("comment_count", [10, 5000])
def test_page_after_one_decision_runs_the_same_queries(
    client, django_assert_num_queries, moderator, comment_count
):
    article = make_article()
    add_comments(article, comment_count)
    client.get(article.get_absolute_url())
    first = Comment.objects.filter(article=article).order_by("id").first()
    services.hide(first, actor=moderator, reason="spam")

    # 1. the article's version; 2. the article; 3. its comments' shape; 4. the page's
    # comments. The other threads' fragments come from the cache, which costs no query.
    with django_assert_num_queries(4):
        response = client.get(article.get_absolute_url())
    assert b"<p>Top 0</p>" not in response.content
    assert b"This comment was removed by a moderator." in response.content


@pytest.mark.parametrize("comment_count", [10, 5000])
def test_comment_permalink_queries_do_not_grow(client, django_assert_num_queries, comment_count):
    article = make_article()
    add_comments(article, comment_count)
    last = Comment.objects.filter(article=article, parent=None).order_by("id").last()

    # 1. the article by slug; 2. the shape of its approved and hidden comments.
    with django_assert_num_queries(2):
        response = client.get(reverse("articles:comment", args=[article.slug, last.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("article_count", [1, 30])
def test_index_queries_do_not_grow_with_articles(client, django_assert_num_queries, article_count):
    for _ in range(article_count):
        add_comments(make_article(), 4)

    # 1. count for the paginator; 2. the page of articles with approved counts.
    with django_assert_num_queries(2):
        assert client.get(reverse("articles:index")).status_code == 200


@pytest.mark.parametrize("article_count", [1, 30])
def test_feed_and_sitemap_queries_do_not_grow(client, django_assert_num_queries, article_count):
    for _ in range(article_count):
        make_article()

    with django_assert_num_queries(1):
        assert client.get(reverse("articles:feed-atom")).status_code == 200
    # 1. count for the sitemap's paginator; 2. the articles.
    with django_assert_num_queries(2):
        assert client.get("/sitemap.xml").status_code == 200
