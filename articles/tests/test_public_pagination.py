"""Big threads: pages of top-level threads with plain links, and permalinks that find them."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.tests.factory import make_article, make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def two_threads_a_page(settings):
    settings.PUBLIC_THREADS_PER_PAGE = 2


def threads(article, count, **kwargs):
    """`count` approved top-level comments, oldest first."""
    start = timezone.now() - timedelta(days=1)
    return [
        make_comment(
            article,
            status="approved",
            body=f"<p>Thread {n}</p>",
            created_at=start + timedelta(minutes=n),
            **kwargs,
        )
        for n in range(count)
    ]


def shown_threads(html):
    return re.findall(r"<p>Thread (\d+)</p>", html)


def test_each_page_holds_whole_threads_in_order(client):
    article = make_article()
    tops = threads(article, 5)
    make_comment(article, parent=tops[1], status="approved", body="<p>Reply to one</p>")

    first = client.get(article.get_absolute_url()).content.decode()
    second = client.get(article.get_absolute_url() + "?page=2").content.decode()
    third = client.get(article.get_absolute_url() + "?page=3").content.decode()

    assert shown_threads(first) == ["0", "1"] and "Reply to one" in first
    assert shown_threads(second) == ["2", "3"] and "Reply to one" not in second
    assert shown_threads(third) == ["4"]
    assert "6 comments" in second  # the heading counts every page


def test_pages_link_to_each_other_without_javascript(client):
    article = make_article(slug="long-read")
    threads(article, 7)

    first = client.get(article.get_absolute_url()).content.decode()
    second = client.get(article.get_absolute_url() + "?page=2").content.decode()

    assert 'href="/articles/long-read/?page=2#comments-heading" rel="next"' in first
    assert 'rel="prev"' not in first and "Page 1 of 4" in first
    assert 'href="/articles/long-read/#comments-heading" rel="prev"' in second
    assert 'href="/articles/long-read/?page=4#comments-heading">Last page' in second
    assert "<script" not in first


def test_one_page_of_threads_has_no_page_links(client):
    article = make_article()
    threads(article, 2)

    html = client.get(article.get_absolute_url()).content.decode()

    assert "Pages of comments" not in html


def test_canonical_url_of_a_later_page_is_itself(client):
    article = make_article(slug="paged")
    threads(article, 3)

    first = client.get(article.get_absolute_url()).content.decode()
    second = client.get(article.get_absolute_url() + "?page=2&utm_source=x").content.decode()

    assert '<link rel="canonical" href="http://testserver/articles/paged/">' in first
    assert '<link rel="canonical" href="http://testserver/articles/paged/?page=2">' in second


@pytest.mark.parametrize("page", ["0", "abc", "-1", "3", "²"])
def test_a_page_that_does_not_exist_is_not_found(client, page):
    article = make_article()
    threads(article, 3)

    assert client.get(article.get_absolute_url(), {"page": page}).status_code == 404


def test_permalink_lands_on_the_page_of_its_thread(client):
    article = make_article(slug="busy")
    tops = threads(article, 5)
    reply = make_comment(article, parent=tops[3], status="approved")

    response = client.get(reverse("articles:comment", args=["busy", reply.pk]))

    assert response.status_code == 302
    assert response["Location"] == f"/articles/busy/?page=2#comment-{reply.pk}"
    landed = client.get(response["Location"].split("#")[0]).content.decode()
    assert f'id="comment-{reply.pk}"' in landed


def test_permalink_to_the_first_page_needs_no_page_number(client):
    article = make_article(slug="short")
    first, *_ = threads(article, 3)

    response = client.get(reverse("articles:comment", args=["short", first.pk]))

    assert response["Location"] == f"/articles/short/#comment-{first.pk}"


def test_permalink_never_reveals_a_comment_readers_cannot_see(client):
    article = make_article(slug="quiet")
    pending = make_comment(article, status="pending")
    under_pending = make_comment(article, parent=pending, status="approved")
    hidden = make_comment(article, status="hidden", hidden_reason="spam")
    elsewhere = make_comment(make_article(), status="approved")

    for comment in (pending, under_pending, hidden, elsewhere):
        url = reverse("articles:comment", args=["quiet", comment.pk])
        assert client.get(url).status_code == 404


def test_permalink_answers_get_only(client):
    article = make_article(slug="posted")
    (comment,) = threads(article, 1)

    response = client.post(reverse("articles:comment", args=["posted", comment.pk]))

    assert response.status_code == 405
