"""Safe, streaming XML reading shared by the Disqus, WXR and feed parsers.

Everything goes through defusedxml's parser (entity declarations and external
references refused), is fed in chunks, and yields one finished "record" element
at a time (a Disqus <post>, a WXR <item>, ...), detaching it from the tree once
the caller is done so memory stays bounded however long the file is.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError, XMLPullParser
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import XMLParser

from .records import ImportFormatError, ParseContext

CHUNK = 64 * 1024
XML_DECL_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# Levels of elements below the root. Real exports use under 10; thousands (a
# crafted file) would exhaust recursion in any tree walk and memory in the parser.
MAX_DEPTH = 100
# Event kinds yielded by iter_records.
ROOT = "root"
RECORD = "record"


class _RootReached(Exception):
    """The prolog is over: no declaration can come after the root element starts."""


class _PrologGuard:
    """A defusedxml parser target that stops at the root element's start tag."""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        raise _RootReached

    def end(self, tag: str) -> None:
        return None

    def data(self, data: str) -> None:
        return None

    def close(self) -> None:
        return None


def iter_records(
    stream: BinaryIO, is_record: Callable[[str], bool]
) -> Iterator[tuple[str, Element, int | None]]:
    """Yield (ROOT, root, 1) once, then (RECORD, element, None) for each finished record.

    Safety comes from defusedxml, speed from the C parser: entity and DTD
    declarations can only appear in the prolog, before the root element, so
    defusedxml's parser reads the prolog (refusing entity declarations and
    external references) and stops at the root. The document itself is then
    parsed by ElementTree's C pull parser, for which any entity other than the
    five predefined ones is an error, as no declaration can exist.
    """
    guard: XMLParser | None = XMLParser(target=_PrologGuard())
    pull = XMLPullParser(events=("start",))
    checker = _Utf8Checker()
    walker = _RecordWalker(is_record)
    first = True
    while True:
        chunk = stream.read(CHUNK)
        if first:
            if not chunk.removeprefix(codecs.BOM_UTF8).strip():
                raise ImportFormatError("the file is empty", line=1)
            checker.start(chunk)
            first = False
        if not chunk:
            break
        checker.check(chunk)
        if guard is not None and _prolog_ends_in(guard, chunk):
            guard = None
        _feed(pull, chunk)
        yield from walker.take(pull)
    if guard is not None:
        _feed(guard, None)  # a file that never reaches an element: say why
    _feed(pull, None)
    yield from walker.take(pull, complete=True)


def _prolog_ends_in(guard: XMLParser, chunk: bytes) -> bool:
    try:
        _feed(guard, chunk)
    except _RootReached:
        return True
    return False


class _RecordWalker:
    """Finds finished records in the tree the C parser builds, with no per-element work.

    After each chunk, every child of an element but the last is complete; the
    last may still be growing. Records are handed out once complete and then
    dropped, as is whatever sits beside them (channel titles, categories), so
    memory stays flat however long the file.
    """

    def __init__(self, is_record: Callable[[str], bool]) -> None:
        self.is_record = is_record
        self.root: Element | None = None

    def take(
        self, pull: XMLPullParser, *, complete: bool = False
    ) -> Iterator[tuple[str, Element, int | None]]:
        # The pull parser's own queue of ("start", element) events: only its first
        # event (the root) matters, and it queues its syntax errors last.
        queue = pull._events_queue
        if queue and isinstance(queue[-1], Exception):
            raise parse_error(queue[-1])
        if self.root is None and queue:
            self.root = queue[0][1]
            yield ROOT, self.root, 1
        queue.clear()
        if self.root is not None:
            check_depth_of_growing_path(self.root)
            yield from self.sweep(self.root, complete)

    def sweep(self, parent: Element, complete: bool) -> Iterator[tuple[str, Element, int | None]]:
        finished = len(parent) if complete else len(parent) - 1
        for index in range(max(finished, 0)):
            child = parent[index]
            if self.is_record(child.tag):
                check_depth(child)
                yield RECORD, child, None
            else:  # a finished container (a whole <channel>) may hold records
                yield from self.sweep(child, True)
        if finished > 0:
            del parent[:finished]
        if not complete and len(parent):
            growing = parent[-1]
            if not self.is_record(growing.tag):
                yield from self.sweep(growing, False)


def too_deep() -> ImportFormatError:
    return ImportFormatError(
        f"elements are nested more than {MAX_DEPTH} levels deep; no real export does that,"
        " so the file is refused"
    )


def check_depth_of_growing_path(root: Element) -> None:
    """The unfinished part of the tree: refused before it can grow without bound."""
    node, depth = root, 0
    while len(node):
        node = node[-1]
        depth += 1
        if depth > MAX_DEPTH:
            raise too_deep()


def check_depth(record: Element, base: int = 1) -> None:
    """A finished record, walked level by level without recursion (a deep one would exhaust
    the stack); only elements with children are looked into."""
    level, depth = [child for child in record if len(child)], base + 1
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            raise too_deep()
        level = [grandchild for child in level for grandchild in child if len(grandchild)]


def _feed(parser: XMLParser | XMLPullParser, chunk: bytes | None) -> None:
    """Feed (or close with None), turning every parser complaint into ImportFormatError."""
    try:
        if chunk is None:
            parser.close()
        else:
            parser.feed(chunk)
    except EntitiesForbidden:
        raise ImportFormatError(
            "refused: the file declares XML entities"
            " (an entity-expansion bomb or an external entity)",
            line=parser.parser.CurrentLineNumber,
        ) from None
    except ExternalReferenceForbidden:
        raise ImportFormatError(
            "refused: the file refers to an external resource (external entity)",
            line=parser.parser.CurrentLineNumber,
        ) from None
    except DTDForbidden:
        raise ImportFormatError(
            "refused: the file has a document type declaration",
            line=parser.parser.CurrentLineNumber,
        ) from None
    except ParseError as exc:
        raise parse_error(exc) from None


def parse_error(exc: ParseError) -> ImportFormatError:
    """Explain an expat error in words a user can act on."""
    line, column = exc.position
    reason = expat.ErrorString(exc.code) if exc.code else str(exc)
    if exc.code == expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS]:
        message = "the XML ends too early (truncated file?)"
    elif exc.code == expat.errors.codes[expat.errors.XML_ERROR_UNBOUND_PREFIX]:
        message = (
            "an element or attribute uses a namespace prefix that the file never declares"
            " (Blogger exports do this with 'app:'), so it is not namespace-well-formed XML"
        )
    elif exc.code == expat.errors.codes[expat.errors.XML_ERROR_MISPLACED_XML_PI]:
        message = "there is text before the '<?xml ...?>' declaration"
    else:
        message = f"not well-formed XML: {reason}"
    return ImportFormatError(f"{message} (column {column + 1})", line=line)


class _Utf8Checker:
    """Expat's own message for bad UTF-8 is just 'invalid token'; say what is wrong instead."""

    def __init__(self) -> None:
        self.decoder: codecs.IncrementalDecoder | None = None
        self.lines = 1
        self.offset = 0

    def start(self, head: bytes) -> None:
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return  # UTF-16 with a BOM: expat decodes it
        match = XML_DECL_ENCODING.match(head)
        declared = match[1].decode("ascii").lower() if match else "utf-8"
        if declared in ("utf-8", "utf8"):
            self.decoder = codecs.getincrementaldecoder("utf-8")()

    def check(self, chunk: bytes) -> None:
        if self.decoder is not None:
            try:
                self.decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line = self.lines + chunk[: exc.start].count(b"\n")
                raise ImportFormatError(
                    f"not valid UTF-8 (byte 0x{chunk[exc.start]:02x} at offset"
                    f" {self.offset + exc.start}); the file may be in another encoding"
                    " such as Latin-1: re-save it as UTF-8 or declare its encoding",
                    line=line,
                ) from None
        self.lines += chunk.count(b"\n")
        self.offset += len(chunk)


# --- element helpers -----------------------------------------------------------------------


def local(tag: str) -> str:
    """'{ns}name' -> 'name'."""
    return tag.rpartition("}")[2]


def namespace(tag: str) -> str:
    """'{ns}name' -> 'ns' ('' when there is none)."""
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def text_of(elem: Element | None, ctx: ParseContext | None = None, line: int | None = None) -> str:
    """An element's text exactly as in the file; markup inside it is flattened, with a warning."""
    if elem is None:
        return ""
    if len(elem) == 0:
        return elem.text or ""
    if ctx is not None:
        ctx.warn(f"<{local(elem.tag)}> contains XML elements; kept their text only", line)
    return "".join(elem.itertext())
