from django import template
from django.utils.safestring import mark_safe

from articles.sanitize import sanitize_article_html, sanitize_html

register = template.Library()


@register.filter
def comment_html(value: str) -> str:
    """Comment HTML, sanitised again on the way out: an old row may predate the rules."""
    return mark_safe(sanitize_html(value or ""))  # noqa: S308 - output of the sanitiser


@register.filter
def article_html(value: str) -> str:
    return mark_safe(sanitize_article_html(value or ""))  # noqa: S308 - output of the sanitiser
