"""The WSGI front answers readers' cached article pages exactly as Django alone would.

Each request goes to two apps made from the same settings: Django's own WSGI handler, and
the front (`config.front.CachedArticlePages`) with that handler behind it. They must agree on
status, headers (and their order) and body, byte for byte; and the front must answer a
reader's cached page itself, without calling Django.
"""

import gzip
from contextlib import contextmanager

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory

from articles.caching import ArticleStamp, article_stamp
from articles.models import Article
from articles.tests.factory import make_article, make_comment
from config.front import CachedArticlePages, RecentPages
from moderation import services

pytestmark = pytest.mark.django_db
LONG_AGO = "Mon, 01 Jan 2001 00:00:00 GMT"


@contextmanager
def keeping_the_test_transaction():
    """As Django's test client does: a request must not close the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class CountingApp:
    """Django's WSGI handler, counting the requests that reach it."""

    def __init__(self):
        self.django = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.django(environ, start_response)


def call(app, method="GET", path="/", *, secure=False, data=b"", **headers):
    """(status, headers, body) of one request to a WSGI app."""
    request = RequestFactory().generic(method, path, data, secure=secure, headers=headers)
    environ = request.environ
    sent = {}

    def start_response(status, response_headers, exc_info=None):
        sent.update(status=status, headers=response_headers)

    with keeping_the_test_transaction():
        chunks = app(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
    return sent["status"], sent["headers"], body


class TwoPaths:
    """The front and Django alone, made from the current settings."""

    def __init__(self):
        self.behind = CountingApp()
        self.front = CachedArticlePages(self.behind)
        self.django = WSGIHandler()

    def same(self, method="GET", path="/", **kwargs):
        """Ask both; assert they answer alike; the front's answer."""
        through_front = call(self.front, method, path, **kwargs)
        django_alone = call(self.django, method, path, **kwargs)
        assert through_front == django_alone
        return through_front

    def answered_in_front(self, method="GET", path="/", **kwargs):
        """Ask both; assert they answer alike and Django was not called for it."""
        calls = self.behind.calls
        answer = self.same(method, path, **kwargs)
        assert self.behind.calls == calls, "Django answered instead of the front"
        return answer


@pytest.fixture
def paths():
    return TwoPaths()


@pytest.fixture
def article():
    article = make_article()
    make_comment(article, status="approved", body="<p>Cached words</p>")
    return article


def header(answer, name):
    values = [value for key, value in answer[1] if key.lower() == name.lower()]
    assert len(values) == 1, (name, answer[1])
    return values[0]


def test_a_warm_page_is_answered_in_front(paths, article):
    first = paths.same(path=article.get_absolute_url())  # rendered and stored by Django

    warm = paths.answered_in_front(path=article.get_absolute_url())

    assert warm == first and warm[0] == "200 OK" and b"Cached words" in warm[2]
    assert header(warm, "X-Frame-Options") == "DENY"
    assert "frame-ancestors 'none'" in header(warm, "Content-Security-Policy")


def test_a_warm_page_costs_one_query(paths, article, django_assert_num_queries):
    paths.same(path=article.get_absolute_url())

    with django_assert_num_queries(1):  # the article's stamp; the page comes from the cache
        status, _, _ = call(paths.front, path=article.get_absolute_url())

    assert status == "200 OK" and paths.behind.calls == 1


def test_gzip_and_plain_are_each_answered_in_front(paths, article):
    url = article.get_absolute_url()
    paths.same(path=url)

    plain = paths.answered_in_front(path=url)
    zipped = paths.answered_in_front(path=url, accept_encoding="gzip, br")

    assert header(zipped, "Content-Encoding") == "gzip"
    assert gzip.decompress(zipped[2]) == plain[2]
    assert header(zipped, "ETag") != header(plain, "ETag")


@pytest.mark.parametrize("accept", ["", "gzip"])
def test_a_reader_who_has_the_page_gets_304_in_front(paths, article, accept):
    url = article.get_absolute_url()
    paths.same(path=url, accept_encoding=accept)
    sent = paths.answered_in_front(path=url, accept_encoding=accept)

    by_etag = paths.answered_in_front(
        path=url, accept_encoding=accept, if_none_match=header(sent, "ETag")
    )
    by_date = paths.answered_in_front(
        path=url, accept_encoding=accept, if_modified_since=header(sent, "Last-Modified")
    )

    assert by_etag[0] == by_date[0] == "304 Not Modified"
    assert by_etag[2] == b""
    # RFC 9110 8.6: no Content-Length on a 304 but the full page's (Django's alone added 0).
    assert not [key for key, _ in by_etag[1] + by_date[1] if key.lower() == "content-length"]


def test_an_old_copy_gets_the_page_not_a_304(paths, article, moderator):
    url = article.get_absolute_url()
    old = paths.same(path=url)
    services.approve(make_comment(article, body="<p>New words</p>"), actor=moderator)
    paths.same(path=url)

    answer = paths.answered_in_front(path=url, if_none_match=header(old, "ETag"))

    assert answer[0] == "200 OK" and b"New words" in answer[2]


def test_head_is_answered_in_front(paths, article):
    paths.same(path=article.get_absolute_url())

    head = paths.answered_in_front("HEAD", article.get_absolute_url())

    assert head[0] == "200 OK"


def test_a_later_page_of_threads_is_answered_in_front(paths, settings):
    settings.PUBLIC_THREADS_PER_PAGE = 1
    article = make_article()
    make_comment(article, status="approved", body="<p>First thread</p>")
    make_comment(article, status="approved", body="<p>Second thread</p>")
    url = article.get_absolute_url() + "?page=2"
    paths = TwoPaths()
    paths.same(path=url)

    second = paths.answered_in_front(path=url)

    assert b"Second thread" in second[2] and b"First thread" not in second[2]


@pytest.mark.parametrize("query", ["?page=abc", "?page=0", "?page=3", "?page=%C2%B2"])
def test_a_bad_page_number_is_left_to_django(paths, article, query):
    paths.same(path=article.get_absolute_url())

    status, _, _ = paths.same(path=article.get_absolute_url() + query)

    assert status == "404 Not Found"


def test_an_unknown_article_is_left_to_django(paths):
    status, _, _ = paths.same(path="/articles/no-such-story/")

    assert status == "404 Not Found"


def test_signed_in_staff_never_get_the_readers_copy(paths, article, moderator):
    url = article.get_absolute_url()
    paths.same(path=url)  # the readers' copy is cached
    staff = Client()
    staff.force_login(moderator)
    cookie = f"sessionid={staff.cookies['sessionid'].value}"
    calls = paths.behind.calls

    _, headers, body = call(paths.front, path=url, cookie=cookie)

    assert paths.behind.calls == calls + 1  # Django answered
    assert b"Moderation desk" in body
    assert "private" in dict(headers)["Cache-Control"]


def test_a_changed_article_is_never_answered_from_before(paths, article, moderator):
    url = article.get_absolute_url()
    paths.same(path=url)
    before = paths.answered_in_front(path=url)  # now also kept in the front's memory

    services.hide(Article.objects.get().comments.get(), actor=moderator, reason="spam")
    calls = paths.behind.calls
    after = call(paths.front, path=url)

    assert paths.behind.calls == calls + 1  # not cached yet: Django rendered it
    assert b"Cached words" in before[2] and b"Cached words" not in after[2]
    assert paths.answered_in_front(path=url) == after


def test_https_pages_carry_hsts_in_front(settings, article):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    paths = TwoPaths()
    url = article.get_absolute_url()
    paths.same(path=url, secure=True)

    secure = paths.answered_in_front(path=url, secure=True)
    plain_http = paths.same(path=url)

    assert header(secure, "Strict-Transport-Security").endswith("includeSubDomains; preload")
    assert plain_http[0] == "301 Moved Permanently"  # Django's redirect to https


def test_a_host_django_refuses_is_refused_alike(paths, article):
    paths.same(path=article.get_absolute_url())

    status, _, _ = paths.same(path=article.get_absolute_url(), host="evil.example")

    assert status == "400 Bad Request"


@pytest.mark.parametrize(
    ("method", "headers", "expected"),
    [
        ("POST", {}, "403 Forbidden"),  # no CSRF token
        ("GET", {"if_match": '"nothing-like-it"'}, "412 Precondition Failed"),
        ("GET", {"if_unmodified_since": LONG_AGO}, "412 Precondition Failed"),
        ("GET", {"data": b"a body"}, "200 OK"),  # Django's limit on bodies decides
    ],
)
def test_other_requests_are_left_to_django(paths, article, method, headers, expected):
    url = article.get_absolute_url()
    paths.same(path=url)
    calls = paths.behind.calls

    status, _, _ = paths.same(method, url, **headers)

    assert paths.behind.calls == calls + 1
    assert status == expected


def test_without_a_page_cache_django_renders_every_request(settings, article):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    paths = TwoPaths()
    url = article.get_absolute_url()

    for _ in range(2):
        paths.same(path=url)

    assert paths.behind.calls == 2


def test_the_stamp_reads_alike_whether_or_not_queries_are_recorded(article):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    unrecorded = article_stamp(article.slug, through_driver=True)
    with CaptureQueriesContext(connection) as recorded:
        assert article_stamp(article.slug, through_driver=True) == unrecorded
        assert article_stamp(article.slug) == unrecorded
    assert len(recorded) == 2
    assert unrecorded.pk == article.pk and unrecorded.updated_at == article.updated_at
    assert article_stamp("no-such-story", through_driver=True) is None


def test_recent_pages_are_kept_for_the_same_stamp_only(article, monkeypatch):
    clock = [100.0]
    monkeypatch.setattr("config.front.time.monotonic", lambda: clock[0])
    recent = RecentPages(max_bytes=10, seconds=60)
    stamp = article_stamp(article.slug)
    answer = ("200 OK", [], b"12345")
    recent.keep("page", stamp, answer)

    assert recent.get("page", stamp) == answer
    older = ArticleStamp(stamp.pk, stamp.updated_at.replace(year=2000))
    assert recent.get("page", older) is None
    assert recent.get("page", stamp) is None  # dropped with the other version
    recent.keep("page", stamp, answer)
    clock[0] += 61
    assert recent.get("page", stamp) is None  # kept 60 s at most


def test_recent_pages_drop_the_oldest_past_their_size(article):
    recent = RecentPages(max_bytes=10, seconds=60)
    stamp = article_stamp(article.slug)
    for name in ("one", "two", "three"):
        recent.keep(name, stamp, ("200 OK", [], b"1234"))

    assert recent.get("one", stamp) is None
    assert recent.get("two", stamp) and recent.get("three", stamp)
    assert recent.size == 8


def test_a_server_adding_to_the_headers_changes_no_later_answer(paths, article):
    url = article.get_absolute_url()
    paths.same(path=url)
    environ = RequestFactory().get(url).environ

    def adding_server(status, headers, exc_info=None):
        headers.append(("Connection", "close"))  # as runserver's handler may

    with keeping_the_test_transaction():
        paths.front(environ, adding_server)
        paths.front(dict(environ), adding_server)

    assert ("Connection", "close") not in paths.answered_in_front(path=url)[1]


def test_a_failed_stamp_read_is_left_to_django(paths, article, monkeypatch):
    from django.db import OperationalError

    url = article.get_absolute_url()
    paths.same(path=url)

    def dead_connection(slug, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("config.front.article_stamp", dead_connection)
    calls = paths.behind.calls
    status, _, body = call(paths.front, path=url)

    assert paths.behind.calls == calls + 1 and status == "200 OK" and b"Cached words" in body
