"""Threads are drawn from cached fragments: a change re-renders only its own thread, and
every decision still shows on the very next request."""

from contextlib import contextmanager

import pytest

from articles import fragments
from articles.models import Article, Comment
from articles.services import mark_articles_changed
from articles.tests.factory import make_article, make_comment
from moderation import services

pytestmark = pytest.mark.django_db


@contextmanager
def comment_renders():
    """Collect the ids of the comments whose fragment was drawn (not taken from the cache)."""
    drawn = []
    draw = fragments.comment_fragment

    def record(node, *args):
        drawn.append(node.pk)
        return draw(node, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fragments, "comment_fragment", record)
        yield drawn


def html_of(client, article):
    response = client.get(Article.objects.get(pk=article.pk).get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def discussion(db):
    """Three approved threads; the second has a reply with a reply of its own."""
    article = make_article()
    one = make_comment(article, status="approved", body="<p>One</p>")
    two = make_comment(article, status="approved", body="<p>Two</p>")
    reply = make_comment(article, parent=two, status="approved", body="<p>Reply</p>")
    deep = make_comment(article, parent=reply, status="approved", body="<p>Deep</p>")
    three = make_comment(article, status="approved", body="<p>Three</p>")
    return article, one, two, reply, deep, three


def test_a_decision_redraws_only_the_changed_comment_and_its_ancestors(
    client, discussion, moderator
):
    article, one, two, reply, deep, three = discussion
    with comment_renders() as first:
        html_of(client, article)
    assert sorted(first) == sorted(c.pk for c in (one, two, reply, deep, three))

    services.hide(deep, actor=moderator, reason="abuse")
    with comment_renders() as after:
        html = html_of(client, article)

    # `deep` is gone (no replies to keep it as a placeholder): only its ancestors redraw.
    assert sorted(after) == sorted([two.pk, reply.pk])
    assert "<p>Deep</p>" not in html and "<p>One</p>" in html and "<p>Three</p>" in html


def test_an_approval_shows_on_the_very_next_request(client, discussion, moderator):
    article, one, *_ = discussion
    late = make_comment(article, parent=one, status="pending", body="<p>Late</p>")
    assert "<p>Late</p>" not in html_of(client, article)

    services.approve(late, actor=moderator)

    assert "<p>Late</p>" in html_of(client, article)


def test_a_pending_comment_never_shows_even_inside_cached_threads(client, discussion, moderator):
    article, one, two, reply, *_ = discussion
    make_comment(article, parent=reply, status="pending", body="<p>Waiting</p>")
    html_of(client, article)

    services.approve(make_comment(article, parent=one, status="pending"), actor=moderator)
    services.restore(two, actor=moderator)  # back to pending: its whole thread leaves

    html = html_of(client, article)
    assert "<p>Waiting</p>" not in html
    assert "<p>Two</p>" not in html and "<p>Reply</p>" not in html and "<p>Deep</p>" not in html


def test_a_changed_body_shows_even_when_the_version_was_not_bumped(client, discussion):
    article, one, *_ = discussion
    html_of(client, article)

    Comment.objects.filter(pk=one.pk).update(body="<p>Corrected</p>")
    mark_articles_changed([article.pk])

    html = html_of(client, article)
    assert "<p>Corrected</p>" in html and "<p>One</p>" not in html


def test_a_staff_rename_redraws_their_replies(client, discussion, moderator):
    article, one, *_ = discussion
    services.reply(one, actor=moderator, body="Noted.")
    assert "Dana Scully" in html_of(client, article)

    moderator.first_name = "Fox"
    moderator.last_name = "Mulder"
    moderator.save()
    mark_articles_changed([article.pk])

    assert "Fox Mulder" in html_of(client, article)


def test_the_page_is_the_same_with_no_cache_at_all(client, discussion, settings):
    article, *_ = discussion
    cached = html_of(client, article)
    html_of(client, article)

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    assert html_of(client, article) == cached


def test_a_comment_decided_between_the_two_reads_shows_no_text(discussion):
    from articles.threads import load_details, thread_shape

    article, one, *_ = discussion
    shape = thread_shape(article)  # the shape: `one` is approved here
    threads = shape.threads(shape.roots)
    Comment.objects.filter(pk=one.pk).update(status="pending")

    load_details(threads)

    (first, *_) = threads
    assert first.pk == one.pk and first.is_removed and first.body == "" and first.author_name == ""


def test_a_new_article_language_reaches_every_cached_comment(client, discussion):
    article, *_ = discussion
    Article.objects.filter(pk=article.pk).update(language="en")
    assert html_of(client, article).count('class="comment-body" lang="en"') == 5

    Article.objects.filter(pk=article.pk).update(language="fr")
    mark_articles_changed([article.pk])

    html = html_of(client, article)
    assert html.count('class="comment-body" lang="fr"') == 5
    assert 'class="comment-body" lang="en"' not in html


def test_with_the_cache_off_every_request_draws_every_comment(client, discussion, settings):
    article, *_ = discussion
    cached = html_of(client, article)
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    html_of(client, article)

    with comment_renders() as again:
        html = html_of(client, article)

    assert len(again) == 5 and html == cached
