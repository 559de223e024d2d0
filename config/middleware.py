"""Security headers Django 5.2 does not set itself, and the fast path for cached pages."""

from django.conf import settings
from django.urls import Resolver404, resolve, reverse

from articles.caching import article_stamp, cached_page, may_be_signed_in, requested_page

ARTICLE_PAGE = "articles:detail"


class SecurityHeadersMiddleware:
    """Add Content-Security-Policy and Permissions-Policy to every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            "Content-Security-Policy": settings.CONTENT_SECURITY_POLICY,
            "Permissions-Policy": settings.PERMISSIONS_POLICY,
        }

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            if value:
                response.setdefault(name, value)
        return response


class CachedArticlePageMiddleware:
    """Answer a reader's GET of a cached article page (or its 304) before the rest of the stack.

    A reader's page never depends on sessions, CSRF, authentication or messages, so the
    middleware below this one has nothing to add to it. It sits under the security
    middleware, so the cached page carries every security header a rendered one does. On a
    miss the request goes on to the view, which renders and stores the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # Only paths under the article pages' prefix are worth resolving.
        self.prefix = reverse(ARTICLE_PAGE, kwargs={"slug": "slug"}).removesuffix("slug/")

    def __call__(self, request):
        return self.cached_response(request) or self.get_response(request)

    def cached_response(self, request):
        if request.method not in ("GET", "HEAD") or may_be_signed_in(request):
            return None
        if not request.path_info.startswith(self.prefix):
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        page = requested_page(request)
        if match.view_name != ARTICLE_PAGE or page is None:
            return None
        article = article_stamp(match.kwargs["slug"])
        if article is None:
            return None
        request.article_stamp = article  # the view need not look it up again
        return cached_page(request, article, page)
