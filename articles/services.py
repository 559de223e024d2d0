"""Article-level rules shared by importers, admin and the moderation app."""

import re
from collections.abc import Iterable
from datetime import datetime

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


# What readers see of the article itself; a change to one of these is a revision.
CONTENT_FIELDS = ("title", "deck", "body", "image_credit", "source_url", "published_at")
# A BCP 47 language tag as sources write it ("en", "en-US", "zh_TW", "pt-br").
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """A readable slug from the title, suffixed -2, -3… when taken."""
    base = slug_base(title)
    taken = set(
        Article.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    return free_slug(base, taken)


def slug_base(title: str) -> str:
    """What `unique_slug` suffixes: the title's readable slug, short enough for "-N"."""
    return (readable_slug(title) or "article")[: SLUG_MAX - 8].strip("-") or "article"


def free_slug(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`… the first one not in `taken` (slugs starting with base)."""
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


def mark_revised(article: Article, changed: Iterable[str], *, at: datetime) -> list[str]:
    """Stamp `revised_at` when a changed field is content; returns the fields to save."""
    changed = list(changed)
    if set(changed) & set(CONTENT_FIELDS):
        article.revised_at = at
        return [*changed, "revised_at"]
    return changed


def language_tag(value: str) -> str:
    """A source's language as an HTML `lang` value ("en_US" -> "en-US"); empty when unusable."""
    tag = (value or "").strip().replace("_", "-").lower()
    if not LANGUAGE_TAG.match(tag):
        return ""
    primary, *rest = tag.split("-")
    # Region subtags are upper case by convention ("pt-BR"), scripts title case ("zh-Hant").
    rest = [p.upper() if len(p) == 2 else p.title() if len(p) == 4 else p for p in rest]
    return "-".join([primary, *rest])[:35]
