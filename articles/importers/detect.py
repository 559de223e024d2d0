"""Pick the parser for a file by sniffing its first bytes, never its name."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

from . import disqus, feeds, jsonfmt, plaintext, wxr
from .records import ArticleRecord, CommentRecord, ImportFormatError, ParseContext

Parser = Callable[[BinaryIO, ParseContext], Iterator[ArticleRecord | CommentRecord]]
FORMATS: dict[str, Parser] = {
    "text": plaintext.parse,
    "disqus": disqus.parse,
    "wxr": wxr.parse,
    "json": jsonfmt.parse,
    "rss": feeds.parse,
    "atom": feeds.parse,
}
FORMAT_LABELS = {
    "text": "Plain-text article",
    "disqus": "Disqus XML export",
    "wxr": "WordPress export (WXR)",
    "json": "JSON (Moderato, Isso, Commento, Remark42)",
    "rss": "RSS 2.0 feed",
    "atom": "Atom feed",
}
HEAD_SIZE = 8 * 1024
SUPPORTED = (
    "supported formats: plain text, Disqus XML export, WordPress WXR, Moderato JSON,"
    " Isso JSON, Commento JSON, Remark42 backup (JSON Lines), RSS 2.0, Atom"
)
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# The first element name, after any declaration, comments, processing instructions or DOCTYPE.
ROOT = re.compile(r"<(?![?!])([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
XML_START = re.compile(r"^[^\n<]{0,8}<\?xml\b")  # a stray byte or two before <?xml still counts
WXR_NS = re.compile(r"https?://wordpress\.org/export/1\.\d+/")


def detect_format(head: bytes) -> str:
    """Return the format name ("text", "disqus", "wxr", "json", "rss", "atom") for a file head."""
    text = sniff_text(head[:HEAD_SIZE])
    stripped = text.lstrip()
    if not stripped:
        raise ImportFormatError("the file is empty", line=1)
    if stripped.startswith("<") or XML_START.match(stripped):
        return xml_format(stripped)
    if looks_like_json(stripped):
        return "json"
    return "text"


def sniff_text(head: bytes) -> str:
    if head.startswith(BOMS[1:]):
        return head.decode("utf-16", errors="replace")
    if b"\x00" in head:
        raise ImportFormatError(f"not a text file (binary content); {SUPPORTED}", line=1)
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return head[: exc.start].decode("utf-8-sig")  # a character cut by the head's end
        if head.lstrip().startswith(b"<"):
            # XML may declare another encoding: the XML parser checks it properly.
            return head.decode("latin-1")
        line = head[: exc.start].count(b"\n") + 1
        raise ImportFormatError(
            f"not valid UTF-8 text (byte 0x{head[exc.start]:02x} at offset {exc.start});"
            f" re-save the file as UTF-8; {SUPPORTED}",
            line=line,
        ) from None


def looks_like_json(text: str) -> bool:
    """'{"' or '[{' starts JSON; '[IOS] My title' is a plain-text title."""
    return re.match(r"^(\{\s*(\"|\})|\[\s*(\{|\]|\"|\[))", text) is not None


def xml_format(text: str) -> str:
    match = ROOT.search(re.sub(r"<!--.*?-->", "", text, flags=re.S))
    if not match:
        raise ImportFormatError(f"XML without a root element in its first bytes; {SUPPORTED}")
    root = match[2]
    if root == "disqus":
        return "disqus"
    if root == "rss":
        return "wxr" if WXR_NS.search(text) else "rss"
    if root == "feed":
        return "atom"
    raise ImportFormatError(
        f"unrecognised XML: the root element is <{(match[1] or '') + root}>; {SUPPORTED}",
        line=text[: match.start()].count("\n") + 1,
    )
