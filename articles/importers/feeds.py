"""RSS 2.0 and Atom feeds: articles only (see docs/import-formats.md).

RSS:  <rss><channel><item> guid, title, link, description, content:encoded, pubDate
Atom: <feed xmlns="http://www.w3.org/2005/Atom"><entry> id, title, link, summary, content,
      published / updated
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import BinaryIO
from xml.etree.ElementTree import Element, tostring

from ..sanitize import html_to_text
from .dates import parse_datetime_utc
from .records import ArticleRecord, CommentRecord, ImportFormatError, ParseContext, derived_key
from .xmlsafe import RECORD, iter_records, local, text_of

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
RECORD_TAGS = ("item", ATOM + "entry")


def parse(stream: BinaryIO, ctx: ParseContext) -> Iterator[ArticleRecord | CommentRecord]:
    """Yield one article per RSS item or Atom entry, in file order."""
    seen: set[str] = set()
    for event, elem, line in iter_records(stream, lambda tag: tag in RECORD_TAGS):
        if event != RECORD:
            if elem.tag not in ("rss", ATOM + "feed"):
                raise ImportFormatError(
                    f"expected an RSS 2.0 (<rss>) or Atom (<feed>) feed, found <{local(elem.tag)}>",
                    line=line,
                )
            continue
        article = rss_item(elem, line, ctx) if elem.tag == "item" else atom_entry(elem, line, ctx)
        if article.key in seen:
            ctx.warn(f"skipped a second entry with id {article.key!r}", line)
            continue
        seen.add(article.key)
        yield article


def rss_item(elem: Element, line: int, ctx: ParseContext) -> ArticleRecord:
    def text(tag: str) -> str:
        return text_of(elem.find(tag), ctx, line)

    link = text("link").strip()
    title = text("title").strip()
    body = text(CONTENT_ENCODED)
    key = text("guid").strip() or link or derived_key("rss", title, body)
    return ArticleRecord(
        key=key,
        title=title or link or f"Untitled item {key}",
        source_url=link,
        deck=html_to_text(text("description")),  # RSS descriptions are HTML
        body=body,
        published_at=parse_datetime_utc(text("pubDate"), ctx, line, "pubDate"),
        line=line,
    )


def atom_entry(elem: Element, line: int, ctx: ParseContext) -> ArticleRecord:
    link = ""
    for candidate in elem.findall(ATOM + "link"):
        if candidate.get("rel", "alternate") == "alternate":
            link = candidate.get("href", "").strip()
            break
    title = atom_text(elem.find(ATOM + "title"), ctx, line, as_html=False).strip()
    body = atom_text(elem.find(ATOM + "content"), ctx, line, as_html=True)
    key = text_of(elem.find(ATOM + "id")).strip() or link or derived_key("atom", title, body)
    date = text_of(elem.find(ATOM + "published")) or text_of(elem.find(ATOM + "updated"))
    return ArticleRecord(
        key=key,
        title=title or link or f"Untitled entry {key}",
        source_url=link,
        deck=html_to_text(atom_text(elem.find(ATOM + "summary"), ctx, line, as_html=True)),
        body=body,
        published_at=parse_datetime_utc(date, ctx, line, "published date"),
        line=line,
    )


def atom_text(elem: Element | None, ctx: ParseContext, line: int, *, as_html: bool) -> str:
    """An Atom text construct (type text, html or xhtml) as HTML or as plain text."""
    if elem is None:
        return ""
    kind = elem.get("type", "text")
    if kind == "xhtml":
        # The payload is a <div> of XHTML elements: serialise them back to markup.
        div = elem[0] if len(elem) else elem
        for node in div.iter():
            node.tag = local(node.tag)  # plain HTML tag names, no xmlns noise
        inner = (div.text or "") + "".join(tostring(child, encoding="unicode") for child in div)
        return inner if as_html else "".join(div.itertext())
    text = text_of(elem, ctx, line)
    if kind == "text" and as_html:
        return html.escape(text, quote=False)
    return text
