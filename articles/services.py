"""Article-level rules shared by importers, admin and the moderation app."""

import re
from collections.abc import Iterable

from django.utils import timezone
from django.utils.text import slugify

from .models import Article

SLUG_MAX = Article._meta.get_field("slug").max_length
APOSTROPHES = re.compile(r"['\u2019\u02bc]")
# Dashes, slashes, dots and other punctuation between words: Django's slugify
# would delete them and glue the words ("internetfor").
BETWEEN_WORDS = re.compile(r"[^\w\s-]+|_+")


def readable_slug(title: str) -> str:
    """'Internet\u2014For Foreigners' -> 'internet-for-foreigners'; "Don't" -> 'dont'."""
    return slugify(BETWEEN_WORDS.sub(" ", APOSTROPHES.sub("", title)))


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """A readable slug from the title, suffixed -2, -3… when taken."""
    base = (readable_slug(title) or "article")[: SLUG_MAX - 8].strip("-") or "article"
    taken = set(
        Article.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def mark_articles_changed(article_ids: Iterable[int]) -> None:
    """Record that these articles' public pages changed (cache keys and ETags follow)."""
    ids = sorted(set(article_ids))
    if ids:
        Article.objects.filter(pk__in=ids).update(updated_at=timezone.now())
