"""Disqus XML export (see docs/import-formats.md).

    <disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
      <category dsq:id="..">..</category>
      <thread dsq:id="..">  link, title, message, createdAt  </thread>
      <post dsq:id="..">    message, createdAt, isDeleted, isSpam, author{name,email,username},
                            <thread dsq:id=".."/>, <parent dsq:id=".."/>  </post>
    </disqus>

Every thread is yielded as an article (the loader drops those that get no comments).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO
from xml.etree.ElementTree import Element

from .dates import parse_datetime_utc
from .records import (
    APPROVED,
    HIDDEN,
    PENDING,
    REASON_REMOVED_AT_SOURCE,
    REASON_SPAM,
    ArticleRecord,
    CommentRecord,
    ImportFormatError,
    ParseContext,
    derived_key,
)
from .xmlsafe import RECORD, iter_records, local, text_of

NS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"
BOOLEANS = {"true": True, "false": False, "1": True, "0": False, "": False}
RECORD_TAGS = frozenset({NS + "thread", NS + "post"})


def parse(stream: BinaryIO, ctx: ParseContext) -> Iterator[ArticleRecord | CommentRecord]:
    """Yield the threads and posts of a Disqus export in file order."""
    seen_posts: set[str] = set()
    seen_threads: set[str] = set()
    for event, elem, line in iter_records(stream, RECORD_TAGS.__contains__):
        if event != RECORD:
            if elem.tag != NS + "disqus":
                raise ImportFormatError(
                    f'expected a Disqus export (<disqus xmlns="http://disqus.com">),'
                    f" found <{local(elem.tag)}>",
                    line=line,
                )
        elif elem.tag == NS + "thread":
            article = thread_record(elem, line, ctx, seen_threads)
            if article:
                yield article
        else:
            comment = post_record(elem, line, ctx, seen_posts)
            if comment:
                yield comment


def child(elem: Element, name: str) -> Element | None:
    return elem.find(NS + name)


def child_text(elem: Element, name: str) -> str:
    return text_of(child(elem, name)).strip()


def thread_record(
    elem: Element, line: int, ctx: ParseContext, seen: set[str]
) -> ArticleRecord | None:
    key = (elem.get(DSQ_ID) or "").strip()
    if not key:
        ctx.warn("skipped a <thread> without dsq:id (posts could not point at it)", line)
        return None
    if key in seen:
        ctx.warn(f"skipped a second <thread> with dsq:id {key}", line)
        return None
    seen.add(key)
    link = child_text(elem, "link")
    title = child_text(elem, "title")
    if not title:
        # Disqus leaves titles empty when the page never sent one; the link says most.
        title = link or f"Untitled thread {key}"
        ctx.warn(f"thread {key} has no title; using {title!r}", line)
    return ArticleRecord(
        key=key,
        title=title,
        source_url=link,
        body=text_of(child(elem, "message"), ctx, line),
        published_at=parse_datetime_utc(child_text(elem, "createdAt"), ctx, line, "createdAt"),
        line=line,
    )


def post_record(
    elem: Element, line: int, ctx: ParseContext, seen: set[str]
) -> CommentRecord | None:
    fields = first_children(elem)
    thread = fields.get(NS + "thread")
    article_key = (thread.get(DSQ_ID) or "").strip() if thread is not None else ""
    if not article_key:
        ctx.warn("skipped a <post> without <thread dsq:id>: no article to attach it to", line)
        return None
    body = text_of(fields.get(NS + "message"), ctx, line)
    created = text_of(fields.get(NS + "createdAt")).strip()
    author = fields.get(NS + "author")
    by = first_children(author) if author is not None else {}
    name = text_of(by.get(NS + "name")).strip()
    key = (elem.get(DSQ_ID) or "").strip()
    if not key:
        # No reply can point at it (replies use dsq:id), so a derived key loses nothing.
        key = derived_key("disqus", article_key, created, name, body)
        ctx.warn(f"a <post> has no dsq:id; gave it the derived key {key}", line)
    if key in seen:
        ctx.warn(f"skipped a second <post> with dsq:id {key}", line)
        return None
    seen.add(key)
    parent = fields.get(NS + "parent")
    parent_key = (parent.get(DSQ_ID) or "").strip() if parent is not None else ""
    status, reason, source_status = post_status(fields, line, ctx)
    return CommentRecord(
        key=key,
        article_key=article_key,
        parent_key=parent_key or None,
        body=body,
        author_name=name,
        author_email=text_of(by.get(NS + "email")).strip(),
        author_username=text_of(by.get(NS + "username")).strip(),
        created_at=parse_datetime_utc(created, ctx, line, "createdAt"),
        status=status,
        hidden_reason=reason,
        source_status=source_status,
        line=line,
    )


def first_children(elem: Element) -> dict[str, Element]:
    """The element's children by tag, the first of each (what `find` would return).

    One pass over a post's children instead of a search per field.
    """
    return {child.tag: child for child in reversed(elem)}


def post_status(fields: dict[str, Element], line: int, ctx: ParseContext) -> tuple[str, str, str]:
    """(status, hidden reason, source status) from isDeleted / isSpam."""
    deleted = flag(fields, "isDeleted", line, ctx)
    spam = flag(fields, "isSpam", line, ctx)
    if deleted:
        return HIDDEN, REASON_REMOVED_AT_SOURCE, "deleted"
    if spam:
        return HIDDEN, REASON_SPAM, "spam"
    if deleted is None or spam is None:
        # An unreadable flag might have meant "spam": let a moderator decide.
        raw = f"isDeleted={flag_text(fields, 'isDeleted')} isSpam={flag_text(fields, 'isSpam')}"
        return PENDING, "", raw
    return APPROVED, "", "approved"


def flag_text(fields: dict[str, Element], name: str) -> str:
    return text_of(fields.get(NS + name)).strip()


def flag(fields: dict[str, Element], name: str, line: int, ctx: ParseContext) -> bool | None:
    value = flag_text(fields, name).lower()
    if value in BOOLEANS:
        return BOOLEANS[value]
    ctx.warn(f"<{name}> is {value!r}, not true/false; the comment is left pending", line)
    return None
