"""Whole-page caching of public article pages, keyed on the article's `updated_at`.

Every decision, reply or import that touches an article's comments bumps `updated_at`
(`articles.services.mark_articles_changed`), so a changed article gets a new cache key and
a new ETag: nothing has to be deleted, and every app process agrees on what is current.
"""

import gzip
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag

from .models import Article


def version_of(article: Article) -> str:
    """What the page depends on: the article's last change and the deployed templates."""
    stamp = int(article.updated_at.timestamp() * 1_000_000)
    return f"{article.pk}-{stamp}-{settings.PUBLIC_PAGE_VERSION}"


def page_key(request: HttpRequest, article: Article) -> str:
    # The host is part of the key because the page carries absolute canonical/OG links.
    return f"article-page:{version_of(article)}:{request.scheme}:{request.get_host()}"


def last_modified(updated_at: datetime) -> int:
    return int(updated_at.timestamp())


def cached_page(request: HttpRequest, article: Article, render: Callable[[], str]) -> HttpResponse:
    """The anonymous page: 304 when the reader has it, else cached HTML, else `render()`.

    The page is kept both plain and gzipped (compressed once, when rendered), so
    browsers get the small copy without compressing on every request.
    """
    gzipped = accepts_gzip(request)
    etag = quote_etag(version_of(article) + ("-gz" if gzipped else ""))
    modified = last_modified(article.updated_at)
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        key = page_key(request, article)
        copies = cache.get(key)
        if copies is None:
            html = render().encode()
            copies = (html, gzip.compress(html, compresslevel=6))
            cache.set(key, copies, settings.PUBLIC_PAGE_CACHE_SECONDS)
        response = HttpResponse(copies[1] if gzipped else copies[0])
        if gzipped:
            response.headers["Content-Encoding"] = "gzip"
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(modified)
    patch_vary_headers(response, ["Accept-Encoding"])
    # Shared caches may keep it but must ask again each time: a decision shows at once.
    patch_cache_control(response, public=True, no_cache=True)
    return response


def accepts_gzip(request: HttpRequest) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()
