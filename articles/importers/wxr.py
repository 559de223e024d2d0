"""WordPress eXtended RSS (WXR 1.0, 1.1, 1.2; see docs/import-formats.md).

    <rss xmlns:wp="http://wordpress.org/export/1.2/" ...><channel>
      <item> title, link, guid, content:encoded, excerpt:encoded, wp:post_id, wp:post_date_gmt,
        <wp:comment> wp:comment_id, wp:comment_parent, wp:comment_approved, wp:comment_type,
          wp:comment_author(_email, _url), wp:comment_date(_gmt), wp:comment_content
      </item>
    </channel></rss>

The channel's <language> (e.g. "en-US") applies to every item and its comments.
Every item, whatever its post_type, is yielded as an article. Published posts
and pages with content stand alone (comments may come in a later export); the
loader drops other items (attachments, drafts, menu entries) that get no
comments. Comment ids are WordPress's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import BinaryIO
from xml.etree.ElementTree import Element

from ..sanitize import html_to_text
from .dates import ZERO_DATE, parse_datetime_utc
from .records import (
    APPROVED,
    HIDDEN,
    KIND_COMMENT,
    KIND_PINGBACK,
    KIND_TRACKBACK,
    PENDING,
    REASON_REMOVED_AT_SOURCE,
    REASON_SPAM,
    ArticleRecord,
    CommentRecord,
    ImportFormatError,
    ParseContext,
    derived_key,
)
from .xmlsafe import RECORD, iter_records, local, namespace, text_of

# wp: and excerpt: namespaces of every WXR version, http or https.
WP_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")
EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
APPROVAL = {
    "1": (APPROVED, ""),
    "approve": (APPROVED, ""),
    "0": (PENDING, ""),
    "hold": (PENDING, ""),
    "spam": (HIDDEN, REASON_SPAM),
    "trash": (HIDDEN, REASON_REMOVED_AT_SOURCE),
}
KINDS = {"": KIND_COMMENT, "comment": KIND_COMMENT, "pingback": KIND_PINGBACK}
KINDS["trackback"] = KIND_TRACKBACK
STANDALONE_TYPES = {"post", "page"}
RECORD_TAGS = frozenset({"item", "language"})


def parse(stream: BinaryIO, ctx: ParseContext) -> Iterator[ArticleRecord | CommentRecord]:
    """Yield each item of a WXR file as an article followed by its comments."""
    article_keys: set[str] = set()
    comment_keys: set[str] = set()
    language = ""  # the channel's <language>, which comes before its items
    for event, elem, line in iter_records(stream, RECORD_TAGS.__contains__):
        if event == RECORD and elem.tag == "language":
            language = text_of(elem)
            continue
        if event != RECORD:
            if elem.tag != "rss":
                raise ImportFormatError(
                    f"expected a WordPress export (<rss> with wp: elements), found"
                    f" <{local(elem.tag)}>",
                    line=line,
                )
            continue
        article = article_record(item_fields(elem), line, ctx)
        article.language = language
        if article.key in article_keys:
            # WordPress post ids are site-wide: a repeated item is the same post again.
            ctx.warn(f"item {article.key} appears again; its comments join the first one", line)
        else:
            article_keys.add(article.key)
            yield article
        yield from item_comments(elem, article.key, line, ctx, comment_keys)


@lru_cache(maxsize=512)  # a file has a few dozen tags, each met once per comment
def field_name(tag: str) -> str:
    """A child's name with its prefix normalised: 'wp:post_id', 'content:encoded', 'title'."""
    ns = namespace(tag)
    if not ns:
        return local(tag)
    if WP_NS.match(ns):
        return "wp:" + local(tag)
    if EXCERPT_NS.match(ns):
        return "excerpt:" + local(tag)
    if ns == CONTENT_NS:
        return "content:" + local(tag)
    return ""


def item_fields(elem: Element) -> dict[str, str]:
    """First text of each simple child (categories, postmeta and comments are not fields)."""
    fields: dict[str, str] = {}
    for sub in elem:
        name = field_name(sub.tag)
        if name and name not in fields and len(sub) == 0:
            fields[name] = sub.text or ""
    return fields


def article_record(fields: dict[str, str], line: int, ctx: ParseContext) -> ArticleRecord:
    link = fields.get("link", "").strip()
    key = (
        fields.get("wp:post_id", "").strip()
        or fields.get("guid", "").strip()
        or link
        or derived_key("wxr-item", fields.get("title", ""), fields.get("content:encoded", ""))
    )
    title = fields.get("title", "").strip() or link or f"Untitled item {key}"
    date = fields.get("wp:post_date_gmt", "").strip()
    if not date or date == ZERO_DATE:
        # Drafts carry no GMT date; the local date is the best there is (site offset unknown).
        date = fields.get("wp:post_date", "")
    return ArticleRecord(
        key=key,
        title=title,
        source_url=link,
        deck=html_to_text(fields.get("excerpt:encoded", "")),  # excerpts are HTML
        body=fields.get("content:encoded", ""),
        published_at=parse_datetime_utc(date, ctx, line, "wp:post_date"),
        stands_alone=is_published_content(fields),
        line=line,
    )


def is_published_content(fields: dict[str, str]) -> bool:
    """A published post or page with a body: an article even before it has comments."""
    return (
        fields.get("wp:status", "").strip() == "publish"
        and fields.get("wp:post_type", "post").strip() in STANDALONE_TYPES
        and bool(fields.get("content:encoded", "").strip())
    )


def item_comments(
    item: Element, article_key: str, item_line: int, ctx: ParseContext, file_keys: set[str]
) -> Iterator[CommentRecord]:
    comments: list[CommentRecord] = []
    local_keys: set[str] = set()
    renamed: dict[str, str] = {}
    for elem in item:
        if field_name(elem.tag) != "wp:comment":
            continue
        comment = comment_record(elem, article_key, item_line, ctx)
        if comment.key in local_keys:
            ctx.warn(
                f"comment id {comment.key} appears twice in one item; kept the first", item_line
            )
            continue
        local_keys.add(comment.key)
        if comment.key in file_keys:
            # WordPress ids are site-wide, but hand-made files reuse them across items.
            new_key = f"{comment.key}@{article_key}"
            ctx.warn(
                f"comment id {comment.key} was used by an earlier item; key {new_key}", item_line
            )
            renamed[comment.key] = new_key
            comment.key = new_key
        file_keys.add(comment.key)
        comments.append(comment)
    for comment in comments:
        if comment.parent_key in renamed:
            comment.parent_key = renamed[comment.parent_key]
        yield comment


def comment_record(
    elem: Element, article_key: str, item_line: int, ctx: ParseContext
) -> CommentRecord:
    fields = {field_name(sub.tag): sub for sub in elem}

    def text(name: str) -> str:
        return text_of(fields.get("wp:" + name), ctx, item_line)

    body = text("comment_content")
    author = text("comment_author").strip()
    date = text("comment_date_gmt").strip()
    if not date or date == ZERO_DATE:
        date = text("comment_date")
    key = text("comment_id").strip()
    if not key:
        key = derived_key("wxr", article_key, author, date, body)
        ctx.warn(f"a comment has no comment_id; gave it the derived key {key}", item_line)
    parent = text("comment_parent").strip()
    approved = text("comment_approved").strip()
    if approved.lower() in APPROVAL:
        status, reason = APPROVAL[approved.lower()]
    else:
        status, reason = PENDING, ""
        ctx.warn(f"comment {key}: comment_approved {approved!r} unknown; left pending", item_line)
    comment_type = text("comment_type").strip().lower()
    if comment_type not in KINDS:
        ctx.warn(f"comment {key}: comment_type {comment_type!r} imported as a comment", item_line)
    return CommentRecord(
        key=key,
        article_key=article_key,
        parent_key=None if parent in ("", "0") else parent,
        body=body,
        author_name=author,
        # Exports wrap long addresses onto the next line; no address holds whitespace.
        author_email="".join(text("comment_author_email").split()),
        author_url=text("comment_author_url").strip(),
        created_at=parse_datetime_utc(date, ctx, item_line, "comment date"),
        status=status,
        hidden_reason=reason,
        source_status=approved,
        kind=KINDS.get(comment_type, KIND_COMMENT),
        line=item_line,
    )
