"""The article page is cached whole, and every decision, reply or import shows at once."""

import pytest
from django.test import Client
from django.utils.http import http_date

from articles.importers.service import import_file
from articles.models import Article, Comment
from articles.tests.factory import make_article, make_comment
from conftest import SEED
from moderation import services

pytestmark = pytest.mark.django_db


def html_of(client, article, **headers):
    response = client.get(article.get_absolute_url(), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def seeded(db):
    import_file(SEED)
    return Article.objects.get()


def comments_of(article):
    return list(Comment.objects.filter(article=article).order_by("id"))


def test_second_reader_gets_the_cached_page(client, django_assert_num_queries):
    article = make_article()
    make_comment(article, status="approved", body="<p>Cached words</p>")
    first = html_of(client, article)

    with django_assert_num_queries(1):  # the article; the HTML comes from the cache
        second = html_of(client, article)

    assert first == second and "Cached words" in second


def test_approve_shows_the_comment(client, seeded, moderator):
    gabriel, *_ = comments_of(seeded)
    assert "Good news for traveling" not in html_of(client, seeded)

    services.approve(gabriel, actor=moderator)

    assert "Good news for traveling" in html_of(client, Article.objects.get())


def test_hide_removes_the_comment(client, seeded, moderator):
    gabriel, *_ = comments_of(seeded)
    services.approve(gabriel, actor=moderator)
    assert "Good news for traveling" in html_of(client, Article.objects.get())

    services.hide(gabriel, actor=moderator, reason="spam")

    assert "Good news for traveling" not in html_of(client, Article.objects.get())


def test_restore_to_pending_removes_the_comment(client, seeded, moderator):
    gabriel, *_ = comments_of(seeded)
    services.approve(gabriel, actor=moderator)
    assert "Good news for traveling" in html_of(client, Article.objects.get())

    services.restore(gabriel, actor=moderator)

    assert "Good news for traveling" not in html_of(client, Article.objects.get())


def test_bulk_decisions_show(client, seeded, moderator):
    ids = [c.pk for c in comments_of(seeded)]
    assert "0 comments" in html_of(client, seeded)

    services.bulk_approve(ids, actor=moderator)
    assert "3 comments" in html_of(client, Article.objects.get())

    services.bulk_hide(ids[:2], actor=moderator, reason="off_topic")
    assert "1 comment<" in html_of(client, Article.objects.get())


def test_staff_reply_shows(client, seeded, moderator):
    _, jordan, _ = comments_of(seeded)
    services.approve(jordan, actor=moderator)
    assert "we will follow this story" not in html_of(client, Article.objects.get())

    services.reply(jordan, actor=moderator, body="Thanks, we will follow this story.")

    assert "we will follow this story" in html_of(client, Article.objects.get())


def test_edited_staff_reply_shows(client, seeded, moderator):
    _, jordan, _ = comments_of(seeded)
    staff_reply = services.reply(jordan, actor=moderator, body="First words.")
    assert "First words." in html_of(client, Article.objects.get())

    services.edit_reply(staff_reply, actor=moderator, body="Better words.")

    html = html_of(client, Article.objects.get())
    assert "Better words." in html and "First words." not in html


def test_import_that_changes_the_article_shows(client, seeded, tmp_path):
    assert "Mobile Internet is coming" in html_of(client, seeded)
    changed = tmp_path / "changed.txt"
    text = SEED.read_text(encoding="utf-8")
    changed.write_text(text.replace("Mobile Internet is coming", "Mobile data is coming"))

    import_file(changed)

    html = html_of(client, Article.objects.get())
    assert "Mobile data is coming" in html and "Mobile Internet is coming" not in html


def test_etag_and_last_modified_give_304(client):
    article = make_article()
    response = client.get(article.get_absolute_url())
    etag = response.headers["ETag"]
    assert response.headers["Last-Modified"] == http_date(int(article.updated_at.timestamp()))
    assert "no-cache" in response.headers["Cache-Control"]

    by_etag = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    by_date = client.get(
        article.get_absolute_url(),
        headers={"if-modified-since": response.headers["Last-Modified"]},
    )

    assert by_etag.status_code == 304 and by_etag.headers["ETag"] == etag
    assert by_date.status_code == 304
    assert by_etag.content == b""


def test_a_decision_changes_the_etag(client, seeded, moderator):
    etag = client.get(seeded.get_absolute_url()).headers["ETag"]

    services.approve(comments_of(seeded)[0], actor=moderator)

    response = client.get(seeded.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag


def test_readers_get_no_cookie_and_no_vary_on_cookie(client):
    article = make_article()

    for url in (article.get_absolute_url(), "/"):
        response = client.get(url)
        assert not response.cookies
        assert "Cookie" not in response.headers.get("Vary", "")


def test_staff_see_their_links_and_a_private_page(moderator_client):
    article = make_article()
    html_of(Client(), article)  # a reader's copy is now cached

    response = moderator_client.get(article.get_absolute_url())

    assert "Moderation desk" in response.content.decode()
    assert "private" in response.headers["Cache-Control"]
    assert "ETag" not in response.headers
    assert "Cookie" in response.headers["Vary"]


def test_readers_never_see_staff_links(moderator_client):
    article = make_article()
    moderator_client.get(article.get_absolute_url())

    html = html_of(Client(), article)

    assert "Moderation desk" not in html and "Log out" not in html


def test_browsers_get_the_cached_page_gzipped(client, django_assert_num_queries):
    import gzip

    article = make_article()
    make_comment(article, status="approved", body="<p>Squeezed words</p>")
    plain = client.get(article.get_absolute_url())

    with django_assert_num_queries(1):
        zipped = client.get(article.get_absolute_url(), headers={"accept-encoding": "gzip, br"})

    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content)
    assert zipped.headers["ETag"] != plain.headers["ETag"]  # two representations
    again = client.get(
        article.get_absolute_url(),
        headers={"accept-encoding": "gzip", "if-none-match": zipped.headers["ETag"]},
    )
    assert again.status_code == 304


@pytest.mark.parametrize("accept", ["", "gzip"])
def test_a_cached_page_carries_every_header_a_rendered_one_does(client, accept):
    article = make_article()
    headers = {"accept-encoding": accept}
    rendered = client.get(article.get_absolute_url(), headers=headers)

    cached = client.get(article.get_absolute_url(), headers=headers)

    assert dict(cached.headers) == dict(rendered.headers)
    assert cached.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in cached.headers["Content-Security-Policy"]


def test_a_later_page_is_cached_apart_from_the_first(client, settings):
    settings.PUBLIC_THREADS_PER_PAGE = 1
    article = make_article()
    make_comment(article, status="approved", body="<p>First thread</p>")
    make_comment(article, status="approved", body="<p>Second thread</p>")
    first = html_of(client, article)

    response = client.get(article.get_absolute_url() + "?page=2")

    assert "Second thread" in response.content.decode() and "Second thread" not in first


@pytest.mark.parametrize("path", ["article", "index"])
def test_a_made_up_session_cookie_gets_the_readers_cached_page(client, path):
    article = make_article()
    url = article.get_absolute_url() if path == "article" else "/"
    html_of(Client(), article)  # a reader's copy is now cached
    client.cookies["sessionid"] = "made-up-by-a-scraper"

    response = client.get(url)

    assert "private" not in response.headers.get("Cache-Control", "")
    assert "Moderation desk" not in response.content.decode()
    assert "Cookie" not in response.headers.get("Vary", "")
    assert not response.cookies


def test_a_made_up_session_cookie_costs_one_lookup(client, django_assert_num_queries):
    article = make_article()
    html_of(Client(), article)
    client.cookies["sessionid"] = "made-up-by-a-scraper"

    # 1. the session by its key (none found); 2. the article's version, as for any reader.
    with django_assert_num_queries(2):
        response = client.get(article.get_absolute_url())

    assert response.status_code == 200 and "ETag" in response.headers


def test_an_expired_session_gets_the_readers_page(moderator_client):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    article = make_article()
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))

    response = moderator_client.get(article.get_absolute_url())

    assert "public" in response.headers["Cache-Control"]
    assert "Moderation desk" not in response.content.decode()
