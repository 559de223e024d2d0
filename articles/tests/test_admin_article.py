"""The admin's article page: a count of the comments and a link to them, never the comments."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from articles.tests.factory import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(groups=["Editors"], is_staff=True))
    return client


def test_the_article_page_links_to_its_comments_instead_of_listing_them(editor_client):
    article = make_article()
    for n in range(3):
        make_comment(article, body=f"<p>Inline comment {n}</p>")
    make_comment(body="<p>On another article</p>")

    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    listed = editor_client.get(
        reverse("admin:articles_comment_changelist"), {"article__id__exact": article.pk}
    )

    html = page.content.decode()
    assert "Inline comment" not in html
    link = f"{reverse('admin:articles_comment_changelist')}?article__id__exact={article.pk}"
    assert f'<a href="{link}">3 comments</a>' in html
    listed_html = listed.content.decode()
    assert listed.status_code == 200
    assert all(f"Inline comment {n}" in listed_html for n in range(3))
    assert "On another article" not in listed_html


def test_one_comment_is_counted_in_the_singular(editor_client):
    article = make_article()
    make_comment(article)

    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content

    assert b">1 comment</a>" in html


def test_the_add_page_has_no_comments_yet(editor_client):
    html = editor_client.get(reverse("admin:articles_article_add")).content.decode()

    assert "None yet" in html


@pytest.mark.parametrize("comment_count", [1, 50])
def test_the_article_page_query_count_does_not_grow_with_comments(
    editor_client, django_assert_num_queries, comment_count
):
    article = make_article()
    for _ in range(comment_count):
        make_comment(article)
    url = reverse("admin:articles_article_change", args=[article.pk])
    ContentType.objects.clear_cache()  # else only the first test of a run looks it up

    # session, user, the article, the user's permissions (direct and through groups),
    # the article's content type, the comment count.
    with django_assert_num_queries(7):
        assert editor_client.get(url).status_code == 200
