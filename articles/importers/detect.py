"""Pick the parser for a file by sniffing its first bytes, never its name."""

from __future__ import annotations

import re

from .formats import FORMATS, SUPPORTED, Sniffed
from .records import ImportFormatError

HEAD_SIZE = 8 * 1024
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# The first element name, after any declaration, comments, processing instructions or DOCTYPE.
ROOT = re.compile(r"<(?![?!])([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
XML_START = re.compile(r"^[^\n<]{0,8}<\?xml\b")  # a stray byte or two before <?xml still counts


def detect_format(head: bytes) -> str:
    """Return the name of the format (a key of FORMATS) a file head belongs to."""
    text = sniff_text(head[:HEAD_SIZE])
    stripped = text.lstrip()
    if not stripped:
        raise ImportFormatError("the file is empty", line=1)
    is_xml = stripped.startswith("<") or XML_START.match(stripped)
    sniffed = Sniffed(stripped, xml_root(stripped) if is_xml else None)
    for name, fmt in FORMATS.items():
        if fmt.detects(sniffed):
            return name
    raise unrecognised_xml(stripped)


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


def root_match(text: str) -> re.Match | None:
    return ROOT.search(re.sub(r"<!--.*?-->", "", text, flags=re.S))


def xml_root(text: str) -> str:
    match = root_match(text)
    if not match:
        raise ImportFormatError(f"XML without a root element in its first bytes; {SUPPORTED}")
    return match[2]


def unrecognised_xml(text: str) -> ImportFormatError:
    match = root_match(text)
    return ImportFormatError(
        f"unrecognised XML: the root element is <{(match[1] or '') + match[2]}>; {SUPPORTED}",
        line=text[: match.start()].count("\n") + 1,
    )
