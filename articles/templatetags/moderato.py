from datetime import datetime

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import sanitize

register = template.Library()


@register.filter
def comment_html(value: str) -> str:
    """Comment HTML, sanitised again on the way out: an old row may predate the rules."""
    return mark_safe(sanitize.sanitize_html(value or ""))  # noqa: S308 - output of the sanitiser


@register.filter
def article_html(value: str) -> str:
    """Article HTML, sanitised again on the way out."""
    return mark_safe(sanitize.sanitize_article_html(value or ""))  # noqa: S308 - sanitiser output


@register.filter
def safe_url(value: str) -> str:
    """The URL when its scheme is http, https or mailto; otherwise empty (no javascript:)."""
    return sanitize.safe_url(value)


@register.filter
def machine_time(value: datetime | None) -> str:
    """For `<time datetime>`: HTML allows at most three decimals of a second; we send none."""
    if value is None:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


@register.simple_tag
def comment_time(value: datetime | None) -> str:
    """`<time>` with a readable absolute time ("4 Mar 2026, 17:05 UTC"), cheap for 1,000s."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    readable = f"{local.day} {local:%b %Y, %H:%M} {local.tzname() or ''}".strip()
    return format_html(
        '<time class="comment-time" datetime="{}">{}</time>', machine_time(local), readable
    )


@register.simple_tag
def site_name() -> str:
    return settings.SITE_NAME


@register.simple_tag
def site_description() -> str:
    return settings.SITE_DESCRIPTION
