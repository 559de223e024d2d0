"""A WSGI app in front of Django that answers readers' cached article pages.

A reader's article page never depends on sessions, CSRF, authentication or messages, and
once it is cached, sending it is a database read of the article's `updated_at`, a cache read
and a few headers. Going through Django for that (a request object, eleven middleware, the
URL resolver, a response object) cost four times the work itself, so this app takes the
requests it can answer whole and hands every other one to Django untouched:

- a GET or HEAD of `/articles/<slug>/` (optionally `?page=N`), without a body;
- without a session cookie (only those can belong to staff, who get a live page);
- for a host `ALLOWED_HOSTS` accepts, and over HTTPS when `SECURE_SSL_REDIRECT` is on;
- whose page is cached, or whose conditional headers make it a 304.

What it sends is built by the same functions as the view's answer (`articles.caching`),
plus the headers the middleware above the view adds to every page (`page_security_headers`).
`config/tests/test_front.py` asks for the same pages through this app and through Django
alone and compares status, headers and body byte for byte.
"""

import functools
import io
import re
import threading
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError, connection
from django.urls import reverse
from django.urls.converters import SlugConverter
from django.utils.cache import get_conditional_response

from articles.caching import (
    STAMP_READ_IN_FRONT,
    ArticleStamp,
    accepts_gzip,
    article_stamp,
    body_headers,
    cached_copy,
    is_conditional,
    last_modified,
    page_etag,
    page_key,
    requested_page,
    validators,
)
from config.middleware import policy_headers

ARTICLE_PAGE = "articles:detail"
# What the scheme and host of a request are made of, as Django reads them.
ORIGIN_KEYS = (
    "wsgi.url_scheme",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
)
# A 412 is left to Django, which logs it.
PRECONDITIONS = ("HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")

# Pages this process sent lately, kept for sending again (see RecentPages).
RECENT_PAGES_BYTES = 16 * 1024 * 1024
RECENT_PAGES_SECONDS = 60

Answer = tuple[str, list[tuple[str, str]], bytes]


class CachedArticlePages:
    """Answer a reader's cached article page (or its 304); pass anything else to Django.

    Settings are read when the app is made, as Django's middleware reads them.
    """

    def __init__(self, django_app: Callable):
        self.django_app = django_app
        # The article page's own URL (`articles/<slug:slug>/`), matched with one regex rather
        # than the whole resolver.
        prefix = reverse(ARTICLE_PAGE, kwargs={"slug": "slug"}).removesuffix("slug/")
        self.article_path = re.compile(rf"{re.escape(prefix)}({SlugConverter.regex})/")
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.content_type = ("Content-Type", f"text/html; charset={settings.DEFAULT_CHARSET}")
        self.security = {secure: page_security_headers(secure) for secure in (False, True)}
        self.origin_of = functools.lru_cache(maxsize=256)(django_origin)
        proxy_header = settings.SECURE_PROXY_SSL_HEADER
        self.origin_keys = ORIGIN_KEYS + ((proxy_header[0],) if proxy_header else ())
        self.ssl_redirect = settings.SECURE_SSL_REDIRECT
        self.recent = RecentPages(RECENT_PAGES_BYTES, RECENT_PAGES_SECONDS)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        slug_and_page = self.reader_page(environ)
        answer = None
        if slug_and_page is not None:
            origin = self.origin_of(tuple((key, environ.get(key)) for key in self.origin_keys))
            if origin is not None:
                answer = self.cached_answer(environ, *slug_and_page, *origin)
        if answer is None:
            return self.django_app(environ, start_response)
        status, headers, body = answer
        # A copy: some servers add to the list they are given (runserver adds Connection),
        # and the same answer may be sent again.
        start_response(status, list(headers))
        return [body]

    def reader_page(self, environ: dict) -> tuple[str, int] | None:
        """The article slug and page of a reader's plain GET or HEAD, else None."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        # Any mention of the session cookie goes to Django, which reads the cookies properly.
        if self.session_cookie in environ.get("HTTP_COOKIE", ""):
            return None
        # A body is left to Django's limit on bodies (`RequestBodyLimitMiddleware`).
        if environ.get("CONTENT_LENGTH", "0") not in ("", "0") or (
            "HTTP_TRANSFER_ENCODING" in environ
        ):
            return None
        if any(header in environ for header in PRECONDITIONS):
            return None
        match = self.article_path.fullmatch(environ.get("PATH_INFO", ""))
        page = match and requested_page(environ)
        return (match[1], page) if page else None

    def cached_answer(
        self, environ: dict, slug: str, page: int, scheme: str, host: str
    ) -> Answer | None:
        """The 304 or cached page for this article, or None when there is neither."""
        secure = scheme == "https"
        if self.ssl_redirect and not secure:
            return None  # Django's SecurityMiddleware redirects it
        fresh_connection()
        try:
            article = article_stamp(slug, through_driver=True)
        except DatabaseError:
            return None  # Django answers with its error page (and reconnects), and logs it
        if article is None:
            return None
        gzipped = accepts_gzip(environ)
        if is_conditional(environ) and self.not_modified(environ, article, page, gzipped):
            # No Content-Length: see config.middleware.NotModifiedWithoutLengthMiddleware.
            headers = [*validators(article, page, gzipped), *self.security[secure]]
            return "304 Not Modified", headers, b""
        sent_before = (slug, page, gzipped, scheme, host)
        answer = self.recent.get(sent_before, article)
        if answer is not None:
            return answer
        body = cached_copy(page_key(scheme, host, article, page), gzipped)
        if body is None:
            environ[STAMP_READ_IN_FRONT] = article  # the view need not read it again
            return None
        headers = [
            self.content_type,
            *body_headers(body, gzipped),
            *validators(article, page, gzipped),
            *self.security[secure],
        ]
        answer = "200 OK", headers, body
        self.recent.keep(sent_before, article, answer)
        return answer

    @staticmethod
    def not_modified(environ: dict, article: ArticleStamp, page: int, gzipped: bool) -> bool:
        """Whether the reader has this copy already, by Django's own rules (a 304)."""
        response = get_conditional_response(
            WSGIRequest(environ),
            etag=page_etag(article, page, gzipped),
            last_modified=last_modified(article.updated_at),
        )
        return response is not None


class RecentPages:
    """The last pages this process sent, so sending one again costs no read of the shared
    cache (a Redis round trip, or unpickling 70-200 KB from local memory) and no headers.

    A page is sent again only for the same article stamp, just as the shared cache's key
    would find it; and for `seconds` at most, so a page the shared cache has dropped
    (expired, evicted, cleared) is not kept alive here for long. The oldest go first when
    the pages kept pass `max_bytes`.
    """

    def __init__(self, max_bytes: int, seconds: float):
        self.max_bytes = max_bytes
        self.seconds = seconds
        self.pages: dict[tuple, tuple[ArticleStamp, float, Answer]] = {}
        self.size = 0
        self.lock = threading.Lock()  # for threaded servers (gunicorn's gthread workers)

    def get(self, key: tuple, article: ArticleStamp) -> Answer | None:
        kept = self.pages.get(key)
        if kept is None:
            return None
        stamp, until, answer = kept
        if stamp == article and time.monotonic() < until:
            return answer
        with self.lock:
            self.drop(key)
        return None

    def keep(self, key: tuple, article: ArticleStamp, answer: Answer) -> None:
        body = answer[2]
        with self.lock:
            self.drop(key)
            if len(body) > self.max_bytes:
                return
            while self.size + len(body) > self.max_bytes:
                self.drop(next(iter(self.pages)))
            self.pages[key] = (article, time.monotonic() + self.seconds, answer)
            self.size += len(body)

    def drop(self, key: tuple) -> None:
        """Forget one page (the caller holds the lock)."""
        kept = self.pages.pop(key, None)
        if kept is not None:
            self.size -= len(kept[2][2])


def fresh_connection() -> None:
    """Close the connection if it is past `CONN_MAX_AGE` or broken by an error, as Django
    does when a request starts (its `request_started` signal costs more than the whole
    page otherwise: it visits every connection and cache).

    Never inside a transaction: only tests run requests in one, and Django's test client
    skips this check there too.
    """
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


def django_origin(values: tuple) -> tuple[str, str] | None:
    """The scheme and host Django reads from these environ values (`ORIGIN_KEYS`), or None
    for a host `ALLOWED_HOSTS` refuses (Django answers that one with a 400, and logs it)."""
    environ = {"REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO()}
    environ.update((key, value) for key, value in values if value is not None)
    request = WSGIRequest(environ)
    try:
        return request.scheme, request.get_host()
    except DisallowedHost:
        return None


def page_security_headers(secure: bool) -> list[tuple[str, str]]:
    """What the middleware above the view adds to a reader's page, in the order it does.

    `XFrameOptionsMiddleware`, then ours (`SecurityHeadersMiddleware`), then Django's
    `SecurityMiddleware`, each reading the settings it reads.
    """
    headers = [("X-Frame-Options", settings.X_FRAME_OPTIONS.upper()), *policy_headers()]
    if secure and settings.SECURE_HSTS_SECONDS:
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers.append(("Strict-Transport-Security", hsts))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    referrer = settings.SECURE_REFERRER_POLICY
    if referrer:
        values = referrer.split(",") if isinstance(referrer, str) else referrer
        headers.append(("Referrer-Policy", ",".join(value.strip() for value in values)))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    return headers
