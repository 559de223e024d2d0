"""Links from the dashboard's numbers into the queue, and durations in words."""

from datetime import date
from functools import cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag
def queue_url(**filters) -> str:
    """The queue filtered to what a number counts; empty values are left out."""
    params = {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in filters.items()
        if value not in (None, "")
    }
    return f"{queue_path(get_script_prefix(), get_urlconf())}?{urlencode(params)}"


@cache
def queue_path(script_prefix: str, urlconf) -> str:
    """Reversed once per prefix: reverse() costs more than the rest of a link, and a 90-day
    page has a thousand links."""
    return reverse("moderation:queue", urlconf=urlconf)


@register.simple_tag(takes_context=True)
def count_link(context, count, **filters) -> str:
    """A count opening the queue filtered to what it counts; plain for 0, or for a reader
    who cannot open the queue (an Editor)."""
    if not count or not context.get("can_open_queue"):
        return format_html("{}", count)
    return format_html('<a href="{}">{}</a>', queue_url(**filters), count)


@register.filter
def duration(seconds) -> str:
    """45 s, 12 min, 3 h 5 min, 2 d 4 h: two units at most; an em dash for no value."""
    if seconds is None:
        return "—"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if hours < 1:
        return f"{minutes} min"
    if days < 1:
        rest = minutes % 60
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    rest = hours % 24
    return f"{days} d {rest} h" if rest else f"{days} d"


@register.filter
def item(mapping: dict, key):
    """`{{ day.by_action|item:action }}`: a dict's value for a key held in a variable."""
    return mapping.get(key, 0)
