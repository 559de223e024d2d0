"""Gzip and conditional GET for public responses that are rendered on every request.

The article page keeps its own gzipped copy in the cache (`caching.py`); the index, the
feeds and the sitemap are small to render, so Django's middleware logic, applied per view,
is enough: an ETag from the content (plus `Last-Modified` where the view sets it) answers
`If-None-Match`/`If-Modified-Since` with 304, and what is sent is gzipped when the client
accepts it. Scoped to these views rather than site-wide: the desk's htmx fragments and
forms gain nothing from it.
"""

from collections.abc import Callable

from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import conditional_page


def compressed_and_conditional(view: Callable) -> Callable:
    """Wrap a view: 304 when the client's copy is current, else the body gzipped if accepted."""
    # The ETag is taken from the plain body, then gzip marks it weak (W/"…"): a client
    # sending it back still gets its 304, as If-None-Match compares weakly.
    return gzip_page(conditional_page(view))
