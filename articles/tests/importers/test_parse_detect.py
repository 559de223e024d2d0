"""Format detection sniffs content, not file names."""

from __future__ import annotations

import pytest

from articles.importers.detect import detect_format
from articles.importers.records import ImportFormatError
from conftest import SAMPLES


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("disqus/evanlin-blog-export-2021.xml", "disqus"),
        ("disqus/isso-fixture-edge-cases.xml", "disqus"),
        ("disqus/remark42-radiot-malformed.xml", "disqus"),  # so its parser reports the line
        ("wxr/wptt-theme-unit-test-data.xml", "wxr"),
        ("wxr/isso-fixture-wxr-1.0.xml", "wxr"),
        ("wxr/pelican-wordpressexport-1.1.xml", "wxr"),
        ("wxr/wpcf-content-framework-2.2.xml", "wxr"),
        ("json/isso-generic.json", "json"),
        ("json/commento-remark42-fixture.json", "json"),
        ("json/remark42-backup-v1-fixture.jsonl", "json"),
        ("rss/livemint-news.rss.xml", "rss"),
        ("atom/pelican-custom-all.atom.xml", "atom"),
        ("other/pelican-blogger-export.atom.xml", "atom"),
    ],
)
def test_samples(name, expected):
    assert detect_format((SAMPLES / name).read_bytes()[:8192]) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"[IOS] A title in brackets\n\nDeck\n", "text"),
        ("Überschrift\n\nDeck\n".encode(), "text"),
        (b'\xef\xbb\xbf{"format": "moderato"}', "json"),
        (b'  [\n {"id": "/p/"}]', "json"),
        (b"<!-- a <comment> first -->\n<feed xmlns='http://www.w3.org/2005/Atom'/>", "atom"),
        ("<?xml version='1.0' encoding='utf-16'?><disqus/>".encode("utf-16"), "disqus"),
        ("Caf\u00e9 \u2014 cut in the middle".encode()[:-1], "text"),
    ],
)
def test_heads(head, expected):
    assert detect_format(head) == expected


@pytest.mark.parametrize("head", [b"", b" \n\t"])
def test_empty_content_is_called_empty(head):
    with pytest.raises(ImportFormatError, match="the file is empty"):
        detect_format(head)


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Café au lait\n\nDeck".encode("latin-1"), "not valid UTF-8"),
        (b"<html><body>hi</body></html>", "root element is <html>"),
        (b'<rdf:RDF xmlns:rdf="x">', "rdf:RDF"),
    ],
)
def test_unknown_content_lists_supported_formats(head, message):
    with pytest.raises(ImportFormatError, match=message) as caught:
        detect_format(head)
    assert "supported formats" in str(caught.value)
