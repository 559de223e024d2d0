"""The one list of import formats; detection, parsers, loader and forms all read it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from . import disqus, feeds, jsonfmt, plaintext, wxr
from .records import ArticleRecord, CommentRecord, ParseContext

Parser = Callable[[BinaryIO, ParseContext], Iterator[ArticleRecord | CommentRecord]]
WXR_NS = re.compile(r"https?://wordpress\.org/export/1\.\d+/")


@dataclass(frozen=True)
class Sniffed:
    """What detection learnt from a file's first bytes."""

    text: str
    xml_root: str | None  # the root element's local name; None: not XML


@dataclass(frozen=True)
class ImportFormat:
    name: str
    label: str
    parse: Parser
    detects: Callable[[Sniffed], bool]
    # True: an article is only worth keeping when comments hang on it (a Disqus
    # export lists every page ever viewed). Feeds and our own format are about
    # the articles themselves.
    articles_need_comments: bool = False


def looks_like_json(text: str) -> bool:
    """'{"' or '[{' starts JSON; '[IOS] My title' is a plain-text title."""
    return re.match(r"^(\{\s*(\"|\})|\[\s*(\{|\]|\"|\[))", text) is not None


def _is_rss(s: Sniffed) -> bool:
    return s.xml_root == "rss" and not WXR_NS.search(s.text)


def _is_wxr(s: Sniffed) -> bool:
    return s.xml_root == "rss" and WXR_NS.search(s.text) is not None


FORMATS: dict[str, ImportFormat] = {
    f.name: f
    for f in [
        ImportFormat(
            "text",
            "Plain-text article",
            plaintext.parse,
            lambda s: s.xml_root is None and not looks_like_json(s.text),
        ),
        ImportFormat(
            "disqus",
            "Disqus XML export",
            disqus.parse,
            lambda s: s.xml_root == "disqus",
            articles_need_comments=True,
        ),
        ImportFormat(
            "wxr",
            "WordPress export (WXR)",
            wxr.parse,
            _is_wxr,
            # Published posts and pages say themselves that they stand alone (see wxr.py).
            articles_need_comments=True,
        ),
        ImportFormat(
            "json",
            "JSON (Moderato, Isso, Commento, Remark42)",
            jsonfmt.parse,
            lambda s: s.xml_root is None and looks_like_json(s.text),
        ),
        ImportFormat("rss", "RSS 2.0 feed", feeds.parse, _is_rss),
        ImportFormat("atom", "Atom feed", feeds.parse, lambda s: s.xml_root == "feed"),
    ]
}
SUPPORTED = "supported formats: " + ", ".join(f.label for f in FORMATS.values())


def articles_need_comments(format_name: str) -> bool:
    known = FORMATS.get(format_name)
    return known is not None and known.articles_need_comments
