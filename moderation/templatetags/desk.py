import difflib
import html
from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

from articles.importers.report import sanitised_summary
from moderation import services
from moderation.search import About, AtLeast
from moderation.selectors import COUNT_CAP

register = template.Library()


@register.filter
def tally(count: int) -> str:
    """1234 -> "1,234"; above the counting cap -> "10,000+"; a floor -> "2,001+"."""
    if isinstance(count, About):
        return f"~{round(count, -3 if count >= 10_000 else -2 if count >= 1_000 else 0):,}"
    if isinstance(count, AtLeast):
        return f"{min(count, COUNT_CAP):,}+"
    if count > COUNT_CAP:
        return f"{COUNT_CAP:,}+"
    return f"{count:,}"


@register.filter
def capped(count: int) -> bool:
    return count > COUNT_CAP or isinstance(count, AtLeast | About)


@register.simple_tag
def reply_max_length() -> int:
    """`maxlength` of every reply box: the limit `services.reply()` enforces."""
    return services.MAX_REPLY_LENGTH


@register.filter
def desk_url(pk: int, name: str) -> str:
    """{{ comment.pk|desk_url:"approve" }}: a row's action URLs without a reverse() each."""
    return url_pattern(name).replace("/0/", f"/{int(pk)}/", 1)


@lru_cache
def url_pattern(name: str) -> str:
    return reverse(f"moderation:{name}", args=[0])


@register.simple_tag
def source_diff(before_html: str, after_html: str) -> str:
    """What the source changed in a comment's text, word by word: <del>old</del> <ins>new</ins>."""
    before, after = (
        html.unescape(strip_tags(markup)).split() for markup in (before_html, after_html)
    )
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(format_html("{}", " ".join(before[a1:a2])))
            continue
        if a2 > a1:
            parts.append(format_html("<del>{}</del>", " ".join(before[a1:a2])))
        if b2 > b1:
            parts.append(format_html("<ins>{}</ins>", " ".join(after[b1:b2])))
    return mark_safe(" ".join(parts))  # noqa: S308 - every part went through format_html


def words_of(markup: str) -> list[str]:
    return html.unescape(strip_tags(markup)).split()


@register.filter
def sanitised(counts: dict | None) -> str:
    """{"script": 3, "onerror": 1} -> "script ×3, onerror ×1": what an import's cleaning removed."""
    return sanitised_summary(counts or {})


@register.filter
def held_status(key: str) -> str:
    """A held status as an ImportRun keeps it ("hidden:spam") in words: "hidden (spam)"."""
    status, _, reason = key.partition(":")
    return f"{status} ({reason.replace('_', ' ')})" if reason else status


@register.filter
def seconds_left(seconds: int) -> str:
    """75 -> "1 min 15 s"; under a minute, seconds."""
    minutes, rest = divmod(int(seconds), 60)
    if minutes >= 60:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"
