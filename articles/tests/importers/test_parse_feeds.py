"""RSS 2.0 and Atom feeds (articles only), and the Blogger export that is not valid XML."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from articles.importers import feeds
from articles.importers.records import ArticleRecord, ImportFormatError, ParseContext
from conftest import SAMPLES


def parse_file(path: Path) -> tuple[list[ArticleRecord], ParseContext]:
    ctx = ParseContext()
    with path.open("rb") as stream:
        records = list(feeds.parse(stream, ctx))
    assert all(isinstance(r, ArticleRecord) for r in records)
    return records, ctx


def test_livemint_rss():
    articles, ctx = parse_file(SAMPLES / "rss" / "livemint-news.rss.xml")
    assert len(articles) == 25
    first = articles[0]
    assert first.key == "1559104147038"
    assert first.title == "PM Modi-Xi Jinping informal summit in Varanasi this October: Report"
    assert first.source_url.startswith("https://www.livemint.com/news/india/pm-modi-xi-jinping")
    assert first.deck.startswith("PM Modi hosting Xi in Varanasi")
    assert first.body == ""  # the feed has no content:encoded
    assert first.published_at == datetime(2019, 5, 29, 10, 16, tzinfo=UTC)
    assert all(a.published_at for a in articles)
    assert ctx.warnings == []


def test_pelican_atom():
    articles, ctx = parse_file(SAMPLES / "atom" / "pelican-custom-all.atom.xml")
    assert len(articles) == 12
    french = articles[2]
    assert french.key == "tag:blog.notmyidea.org,2012-02-29:/second-article-fr.html"
    assert french.title == "Deuxième article"
    assert french.source_url == "http://blog.notmyidea.org/second-article-fr.html"
    assert french.body == "<p>Ceci est un article, en français.</p>\n"
    assert french.published_at == datetime(2012, 2, 28, 23, 0, tzinfo=UTC)  # +01:00 in the file
    assert sum(1 for a in articles if a.deck) == 2  # two entries have a <summary>
    assert ctx.warnings == []


def test_blogger_export_gives_a_clear_error():
    with pytest.raises(ImportFormatError) as caught:
        parse_file(SAMPLES / "other" / "pelican-blogger-export.atom.xml")
    assert caught.value.line == 973
    assert "app:" in str(caught.value)


def test_atom_text_constructs():
    data = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>e1</id>
      <title type="text">A &amp; B</title><summary type="text">plain</summary>
      <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi <b>there</b></p></div>
      </content><updated>2020-01-02T03:04:05Z</updated><link rel="self" href="http://self"/>
      <link href="http://alt"/></entry>
      <entry><title>no id</title><content type="text">a &lt; b</content></entry></feed>"""
    articles = list(feeds.parse(io.BytesIO(data), ParseContext()))
    assert (articles[0].title, articles[0].deck, articles[0].source_url) == (
        "A & B",
        "plain",
        "http://alt",
    )
    assert articles[0].body == "<p>Hi <b>there</b></p>"
    assert articles[0].published_at == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert articles[1].key.startswith("sha-") and articles[1].body == "a &lt; b"


def test_unknown_root_is_refused():
    with pytest.raises(ImportFormatError, match=r"RSS 2\.0"):
        list(feeds.parse(io.BytesIO(b"<html/>"), ParseContext()))
