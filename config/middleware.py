"""Security headers Django 5.2 does not set itself, and a request-body size limit."""

from django.conf import settings
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.html import escape

REFUSAL_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>{title}</title>"
    "<h1>{title}</h1><p>{text}</p></html>"
)


class SecurityHeadersMiddleware:
    """Add Content-Security-Policy and Permissions-Policy to every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = policy_headers()

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers:
            response.setdefault(name, value)
        return response


class NotModifiedWithoutLengthMiddleware:
    """Drop the `Content-Length: 0` Django's CommonMiddleware puts on every 304.

    A 304 has no body, and RFC 9110 (8.6) forbids a Content-Length on it other than the full
    page's; a cache that copies the 304's headers onto its stored page would otherwise think
    the page empty. First in MIDDLEWARE, so it sees every response last.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 304 and response.has_header("Content-Length"):
            del response.headers["Content-Length"]
        return response


def policy_headers() -> list[tuple[str, str]]:
    """The policies configured (an empty setting sends none)."""
    policies = {
        "Content-Security-Policy": settings.CONTENT_SECURITY_POLICY,
        "Permissions-Policy": settings.PERMISSIONS_POLICY,
    }
    return [(name, value) for name, value in policies.items() if value]


class RequestBodyLimitMiddleware:
    """Refuse a body over MAX_REQUEST_BODY_BYTES by its declared length, on every URL, before
    CSRF or a view reads a byte of it. A chunked body (no length to check) is refused too:
    browsers always send a length with a form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.refusal(request.META)
        return refusal or self.get_response(request)

    def refusal(self, meta) -> HttpResponse | None:
        limit = settings.MAX_REQUEST_BODY_BYTES
        declared = (meta.get("CONTENT_LENGTH") or "").strip()
        if not declared:
            if "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower():
                return refuse(411, "Length required", "Send the request with a Content-Length.")
            return None
        if not declared.isdigit():
            return refuse(400, "Bad request", "The Content-Length header is not a number.")
        if int(declared) > limit:
            return refuse(
                413,
                "Too large",
                f"The request is {filesizeformat(int(declared))}; the limit is "
                f"{filesizeformat(limit)}. Nothing was read or saved.",
            )
        return None


def refuse(status: int, title: str, text: str) -> HttpResponse:
    page = REFUSAL_PAGE.format(title=escape(title), text=escape(text))
    return HttpResponse(page, status=status)
