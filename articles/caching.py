"""Whole-page caching of public article pages, keyed on the article's `updated_at`.

Every decision, reply or import that touches an article's comments bumps `updated_at`
(`articles.services.mark_articles_changed`), so a changed article gets a new cache key and
a new ETag: nothing has to be deleted, and every app process agrees on what is current.

`config.front.CachedArticlePages`, a WSGI app in front of Django, answers a reader's request
for a cached page (or a 304) from here before Django builds a request; the view answers the
requests it leaves (signed-in staff, a made-up session cookie) and renders and stores the
page when the cache does not have it. Both build the answer from the functions below, which
read the WSGI environ (`request.META` in a view), so they send the same bytes and headers.
"""

import functools
import gzip
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.db import connection
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from .models import Article

PAGE_PARAMETER = "page"
# A request without any of these cannot be answered with a 304 (or a 412).
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)
# Where the WSGI front leaves the stamp it read when it has no cached page to send, so the
# view need not read it again (the environ is `request.META`; no header can name this key).
STAMP_READ_IN_FRONT = "moderato.article_stamp"
# Shared caches may keep the page but must ask again each time: a decision shows at once.
CACHE_CONTROL = "public, no-cache"


def requested_page(meta: Mapping) -> int | None:
    """The comment page asked for (1 when none is), or None for a malformed number."""
    if not meta.get("QUERY_STRING"):
        return 1  # the common case, without parsing a query string
    # Parsed as Django parses `request.GET`, so both paths read the same number.
    raw = QueryDict(get_bytes_from_wsgi(meta, "QUERY_STRING", "")).get(PAGE_PARAMETER)
    if raw is None:
        return 1
    if raw.isascii() and raw.isdigit() and 0 < int(raw) < 1_000_000:
        return int(raw)
    return None


@dataclass(frozen=True)
class ArticleStamp:
    """All a cached page needs from the database: which article, and its last change."""

    pk: int
    updated_at: datetime


def article_stamp(slug: str, *, through_driver: bool = False) -> ArticleStamp | None:
    """The article's id and `updated_at` by slug, or None.

    Plain SQL on purpose: this is the one query of a cached page, and building it with the
    ORM cost about ten times as much as running it (measured: 500 µs against 40 µs).

    `through_driver` is the WSGI front's read: the driver's own cursor, without Django's
    wrappers (which time and record queries, and check the connection's health on a
    request's first query) that cost twice as much as the query itself. A failed read there
    is left to Django, which reconnects. When queries are being recorded (DEBUG, or a test
    counting them), Django's cursor runs it anyway, so it is counted.
    """
    if through_driver and not connection.queries_logged:
        connection.ensure_connection()
        # Driver errors become Django's, and mark the connection for closing, as Django does.
        with connection.wrap_database_errors:
            cursor = connection.connection.cursor()
            try:
                cursor.execute(stamp_sql(driver_placeholder()), [slug])
                row = cursor.fetchone()
            finally:
                cursor.close()
    else:
        with connection.cursor() as cursor:
            cursor.execute(stamp_sql("%s"), [slug])
            row = cursor.fetchone()
    if row is None:
        return None
    pk, updated_at = row
    return ArticleStamp(pk, database_datetime(updated_at))


def database_datetime(value: datetime | None) -> datetime | None:
    """A date and time read with plain SQL, as the ORM would give it (aware under USE_TZ)."""
    if value is not None and settings.USE_TZ and timezone.is_naive(value):
        return timezone.make_aware(value, connection.timezone)  # SQLite keeps UTC, no zone
    return value


def driver_placeholder() -> str:
    """How the database driver marks a parameter (`?` for sqlite3, `%s` for psycopg)."""
    return "?" if connection.Database.paramstyle == "qmark" else "%s"


@functools.cache
def stamp_sql(placeholder: str) -> str:
    quote = connection.ops.quote_name
    table, meta = quote(Article._meta.db_table), Article._meta
    pk, updated, slug = (quote(meta.get_field(f).column) for f in ("id", "updated_at", "slug"))
    return f"SELECT {pk}, {updated} FROM {table} WHERE {slug} = {placeholder}"  # noqa: S608


def version_of(article: ArticleStamp, page: int) -> str:
    """What the page depends on: the article's last change, the page and the templates."""
    stamp = int(article.updated_at.timestamp() * 1_000_000)
    return f"{article.pk}-{stamp}-p{page}-{settings.PUBLIC_PAGE_VERSION}"


def page_key(scheme: str, host: str, article: ArticleStamp, page: int) -> str:
    # The host is part of the key because the page carries absolute canonical/OG links.
    return f"article-page:{version_of(article, page)}:{scheme}:{host}"


def copy_key(key: str, gzipped: bool) -> str:
    """Each copy (plain, gzipped) under its own key: a request reads and unpickles only its own."""
    return key + ":gz" if gzipped else key


def page_etag(article: ArticleStamp, page: int, gzipped: bool) -> str:
    return quote_etag(version_of(article, page) + ("-gz" if gzipped else ""))


def last_modified(updated_at: datetime) -> int:
    return int(updated_at.timestamp())


@functools.lru_cache(maxsize=4096)
def http_date_of(seconds: int) -> str:
    """`http_date`, remembered: formatting it was a tenth of a cached page's time."""
    return http_date(seconds)


def accepts_gzip(meta: Mapping) -> bool:
    return "gzip" in meta.get("HTTP_ACCEPT_ENCODING", "").lower()


def is_conditional(meta: Mapping) -> bool:
    return any(header in meta for header in CONDITIONAL_HEADERS)


def validators(article: ArticleStamp, page: int, gzipped: bool) -> list[tuple[str, str]]:
    """The headers every answer for this copy carries, a 304 as much as a 200."""
    return [
        ("ETag", page_etag(article, page, gzipped)),
        ("Last-Modified", http_date_of(last_modified(article.updated_at))),
        ("Vary", "Accept-Encoding"),
        ("Cache-Control", CACHE_CONTROL),
    ]


def body_headers(body: bytes, gzipped: bool) -> list[tuple[str, str]]:
    """Length and encoding of a page's body (Content-Type is the response's default)."""
    headers = [("Content-Length", str(len(body)))]
    if gzipped:
        headers.append(("Content-Encoding", "gzip"))
    return headers


def cached_copy(key: str, gzipped: bool) -> bytes | None:
    if not settings.PUBLIC_PAGE_CACHE_SECONDS:
        return None
    return cache.get(copy_key(key, gzipped))


def cached_page(
    request: HttpRequest, article: ArticleStamp, page: int, render: Callable[[], str]
) -> HttpResponse:
    """The anonymous page: 304 when the reader has it, else the cached copy, else `render()`.

    The page is kept both plain and gzipped (compressed once, when rendered), so browsers
    get the small copy without compressing on every request.
    """
    gzipped = accepts_gzip(request.META)
    response = None
    if is_conditional(request.META):
        response = get_conditional_response(
            request,
            etag=page_etag(article, page, gzipped),
            last_modified=last_modified(article.updated_at),
        )
    if response is None:
        key = page_key(request.scheme, request.get_host(), article, page)
        body = cached_copy(key, gzipped)
        if body is None:
            body = store_page(key, render(), gzipped)
        response = HttpResponse(body)
        for name, value in body_headers(body, gzipped):
            response.headers[name] = value
    # Set whole (the response is new): patch_* would parse them first, on every request.
    for name, value in validators(article, page, gzipped):
        response.headers[name] = value
    return response


def store_page(key: str, html: str, gzipped: bool) -> bytes:
    """Keep both copies of a freshly rendered page; the copy this request asked for."""
    plain = html.encode()
    if not settings.PUBLIC_PAGE_CACHE_SECONDS:  # nothing is kept: compress only if asked
        return gzip.compress(plain, compresslevel=6) if gzipped else plain
    compressed = gzip.compress(plain, compresslevel=6)
    copies = {copy_key(key, False): plain, copy_key(key, True): compressed}
    cache.set_many(copies, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return compressed if gzipped else plain
