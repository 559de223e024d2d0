from datetime import datetime

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from articles import sanitize, times

register = template.Library()


@register.filter
def comment_html(value: str) -> str:
    """Comment HTML, sanitised again on the way out: an old row may predate the rules."""
    return mark_safe(sanitize.sanitize_stored_html(value or ""))  # noqa: S308 - sanitiser output


@register.filter
def article_html(value: str) -> str:
    """Article HTML, sanitised again on the way out."""
    html = sanitize.sanitize_stored_html(value or "", tags=sanitize.ARTICLE_TAGS)
    return mark_safe(html)  # noqa: S308 - sanitiser output


@register.filter
def safe_url(value: str) -> str:
    """The URL when its scheme is http, https or mailto; otherwise empty (no javascript:)."""
    return sanitize.safe_url(value)


@register.filter
def machine_time(value: datetime | None) -> str:
    """For a `datetime` or `content` attribute: whole seconds (see articles.times)."""
    return times.machine_time(value) if value else ""


@register.simple_tag
def time_element(value: datetime | None, style: str = "minute", css_class: str = "") -> str:
    """{% time_element comment.created_at "zone" css_class="comment-time" %}: see articles.times."""
    return times.time_element(value, style, css_class)


@register.simple_tag
def site_name() -> str:
    return settings.SITE_NAME


@register.simple_tag
def site_description() -> str:
    return settings.SITE_DESCRIPTION
