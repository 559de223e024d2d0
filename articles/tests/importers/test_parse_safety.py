"""Hostile or broken input: every parser answers with ImportFormatError, never a traceback."""

from __future__ import annotations

import io

import pytest

from articles.importers import disqus, feeds, wxr
from articles.importers.detect import detect_format
from articles.importers.formats import FORMATS
from articles.importers.records import ImportFormatError, ParseContext
from conftest import SAMPLES

XML_PARSERS = [disqus.parse, wxr.parse, feeds.parse]
DISQUS_OPEN = b'<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<disqus xmlns="http://disqus.com">&lol3;</disqus>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&xxe;</title></item></channel></rss>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://example.invalid/evil.dtd">
<rss><channel><item><title>&evil;</title></item></channel></rss>"""


def run(parse, data: bytes) -> list:
    return list(parse(io.BytesIO(data), ParseContext()))


@pytest.mark.parametrize("parse", XML_PARSERS)
def test_entity_bomb_is_refused(parse):
    with pytest.raises(ImportFormatError, match="declares XML entities") as caught:
        run(parse, BILLION_LAUGHS)
    assert caught.value.line == 3


@pytest.mark.parametrize("parse", XML_PARSERS)
def test_external_entity_is_refused(parse):
    with pytest.raises(ImportFormatError, match="refused"):
        run(parse, EXTERNAL_ENTITY)


EXTERNAL_DTD_DISQUS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE disqus SYSTEM "http://example.invalid/evil.dtd">\n'
    + DISQUS_OPEN
    + b"<thread><title>&evil;</title></thread></disqus>"
)


@pytest.mark.parametrize(
    ("parse", "data"),
    [(disqus.parse, EXTERNAL_DTD_DISQUS), (wxr.parse, EXTERNAL_DTD), (feeds.parse, EXTERNAL_DTD)],
)
def test_external_dtd_is_never_fetched(parse, data):
    with pytest.raises(ImportFormatError, match="undefined entity") as caught:
        run(parse, data)
    assert caught.value.line == 3


@pytest.mark.parametrize(
    ("parse", "opening"),
    [(disqus.parse, DISQUS_OPEN), (wxr.parse, b"<rss><channel>"), (feeds.parse, b"<rss>")],
)
def test_truncated_xml_reports_the_end(parse, opening):
    data = opening + b"\n<thread><title>cut here"
    with pytest.raises(ImportFormatError, match=r"ends too early|not well-formed") as caught:
        run(parse, data)
    assert caught.value.line == 2


@pytest.mark.parametrize("parse", XML_PARSERS)
def test_latin1_claiming_utf8(parse):
    data = '<?xml version="1.0" encoding="UTF-8"?>\n<rss>\n<x>Café</x></rss>'.encode("latin-1")
    with pytest.raises(ImportFormatError, match=r"not valid UTF-8.*0xe9") as caught:
        run(parse, data)
    assert caught.value.line == 3


def test_latin1_declared_as_such_is_fine():
    data = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<rss><channel><item><title>Café</title>'
    data += "<guid>g</guid></item></channel></rss>"
    assert run(feeds.parse, data.encode("latin-1"))[0].title == "Café"


@pytest.mark.parametrize("parse", XML_PARSERS)
@pytest.mark.parametrize("data", [b"", b"  \n\n", b"\xef\xbb\xbf"])
def test_empty_file(parse, data):
    with pytest.raises(ImportFormatError, match="empty"):
        run(parse, data)


@pytest.mark.parametrize("parse", XML_PARSERS)
def test_not_xml_at_all(parse):
    with pytest.raises(ImportFormatError, match="not well-formed") as caught:
        run(parse, b"hello\nworld")
    assert caught.value.line == 1


SAMPLE_FILES = sorted(p for p in SAMPLES.glob("*/*") if p.suffix != ".md")


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_every_cut_of_every_sample_fails_cleanly(path):
    """Truncate each sample at several places: only ImportFormatError may escape."""
    data = path.read_bytes().rstrip()
    cuts = {1, 7, 100, 1000, len(data) // 3, len(data) // 2, len(data) - 2}
    for cut in sorted(c for c in cuts if c < len(data)):
        piece = data[:cut]
        try:
            records = list(
                FORMATS[detect_format(piece[:8192])].parse(io.BytesIO(piece), ParseContext())
            )
        except ImportFormatError:
            continue
        # A cut JSON Lines file can still be whole lines; anything else must have failed.
        assert path.suffix == ".jsonl" or not records, (path.name, cut)
