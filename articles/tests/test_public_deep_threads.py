"""Threads thousands of replies deep draw like any other (no recursion over the raw depth)."""

import pytest
from django.urls import reverse

from articles.models import Comment
from articles.tests.factory import make_article
from articles.threads import MAX_VISIBLE_DEPTH

pytestmark = pytest.mark.django_db

DEPTH = 3000  # past Python's default recursion limit of 1,000


def reply_chain(article, depth: int) -> list[Comment]:
    """One top-level comment and a chain of replies, each answering the one before."""
    chain = [Comment.objects.create(article=article, body="<p>Link 0</p>", status="approved")]
    for n in range(1, depth):
        chain.append(
            Comment.objects.create(
                article=article, parent=chain[-1], body=f"<p>Link {n}</p>", status="approved"
            )
        )
    return chain


def test_a_reply_chain_thousands_deep_is_drawn_flat_past_the_last_indent(client):
    article = make_article()
    chain = reply_chain(article, DEPTH)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<p>Link {DEPTH - 1}</p>" in html
    assert html.count('<ol class="comment-replies') == MAX_VISIBLE_DEPTH
    assert f'In reply to <a href="#comment-{chain[-2].pk}">' in html


def test_a_permalink_deep_in_a_chain_finds_its_page(client):
    article = make_article()
    chain = reply_chain(article, DEPTH)

    response = client.get(reverse("articles:comment", args=[article.slug, chain[-1].pk]))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#comment-{chain[-1].pk}")
