"""The Disqus parser on the shared sample exports and on hand-made edge cases."""

from __future__ import annotations

import io
import tracemalloc
from collections import Counter
from datetime import UTC, datetime

import pytest

from articles.importers import disqus
from articles.importers.records import ArticleRecord, CommentRecord, ImportFormatError, ParseContext
from conftest import SAMPLES

FILES = SAMPLES / "disqus"


def parse_bytes(data: bytes) -> tuple[list[ArticleRecord], list[CommentRecord], ParseContext]:
    ctx = ParseContext()
    records = list(disqus.parse(io.BytesIO(data), ctx))
    articles = [r for r in records if isinstance(r, ArticleRecord)]
    comments = [r for r in records if isinstance(r, CommentRecord)]
    return articles, comments, ctx


def depth(comment: CommentRecord, by_key: dict[str, CommentRecord]) -> int:
    level = 1
    while comment.parent_key in by_key:
        comment = by_key[comment.parent_key]
        level += 1
    return level


def test_evanlin_export_counts():
    articles, comments, ctx = parse_bytes((FILES / "evanlin-blog-export-2021.xml").read_bytes())
    assert len(articles) == 2519
    assert len(comments) == 189
    assert len({c.article_key for c in comments}) == 57
    assert Counter((c.status, c.hidden_reason) for c in comments) == {
        ("approved", ""): 168,
        ("hidden", "spam"): 13,
        ("hidden", "removed_at_source"): 8,
    }
    assert Counter(c.source_status for c in comments) == {"approved": 168, "spam": 13, "deleted": 8}
    assert sum(1 for c in comments if c.parent_key) == 74
    by_key = {c.key: c for c in comments}
    assert all(c.parent_key in by_key for c in comments if c.parent_key)  # no orphans
    assert max(depth(c, by_key) for c in comments) == 7
    assert all(c.article_key in {a.key for a in articles} for c in comments)
    assert ctx.warnings == []


def test_evanlin_export_content():
    articles, comments, _ = parse_bytes((FILES / "evanlin-blog-export-2021.xml").read_bytes())
    by_article = {a.key: a for a in articles}
    assert by_article["3004196636"].title == "測試文章"
    assert (
        by_article["3004196636"].source_url == "http://kkdai.github.io/test/2014/09/10/test-post-1/"
    )
    assert by_article["3004196636"].published_at == datetime(2014, 9, 10, 5, 55, 57, tzinfo=UTC)
    comment = next(c for c in comments if c.key == "1820732142")
    assert comment.article_key == "3424986580"
    assert comment.parent_key is None
    assert comment.body.startswith("<p>查Go的資料逛到這裡")
    assert comment.body_is_html
    assert (comment.author_name, comment.author_username) == ("vampirewalk", "vampirewalk")
    assert comment.created_at == datetime(2015, 1, 28, 1, 29, 53, tzinfo=UTC)
    spam = next(c for c in comments if c.key == "1928792391")
    assert (spam.status, spam.hidden_reason, spam.source_status) == ("hidden", "spam", "spam")


def test_isso_fixture_edge_cases():
    articles, comments, ctx = parse_bytes((FILES / "isso-fixture-edge-cases.xml").read_bytes())
    assert [(a.key, a.title) for a in articles] == [
        ("2", "Hello, World!"),
        ("3", "Untitled thread 3"),  # nothing but an empty <id/>
        ("7", "http://localhost:4000/blog/2013/02/12/redacted/index.html"),  # empty <title/>
    ]
    assert articles[0].published_at == datetime(2012, 12, 12, 12, 12, 12, tzinfo=UTC)
    assert articles[1].published_at is None
    assert [(c.key, c.article_key, c.parent_key) for c in comments] == [
        ("4", "2", None),
        ("5", "2", "4"),
        ("6", "1337", None),  # thread 1337 does not exist: the loader reports it
        ("8", "7", None),
        ("9", "2", None),
        ("11", "2", "9"),  # reply to a deleted post
    ]
    deleted = comments[4]
    assert (deleted.status, deleted.hidden_reason, deleted.body) == (
        "hidden",
        "removed_at_source",
        "",
    )
    assert comments[1].body == "<p>Hello, World.</p>"
    assert comments[1].author_username == "user"
    assert comments[0].author_email == "foo@bar.com"
    assert [c.status for c in comments].count("approved") == 5
    assert len(ctx.warnings) == 2  # the two missing titles


def test_radiot_fixture_is_rejected_as_malformed():
    data = (FILES / "remark42-radiot-malformed.xml").read_bytes()
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(data)
    assert caught.value.line == 1  # the backtick before <?xml


def test_radiot_fixture_without_backtick_fails_at_unquoted_attribute():
    data = (FILES / "remark42-radiot-malformed.xml").read_bytes()[1:]
    bad_line = data[: data.index(b"<thread dsq:id=247937687/>")].count(b"\n") + 1
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(data)
    assert caught.value.line == bad_line == 147
    assert "not well-formed" in str(caught.value)


def test_radiot_fixture_repaired_covers_odd_posts():
    data = (FILES / "remark42-radiot-malformed.xml").read_bytes()[1:]
    data = data.replace(b"dsq:id=247937687/", b'dsq:id="247937687"/')
    articles, comments, ctx = parse_bytes(data)
    assert [a.title for a in articles] == ["Радио-Т: Радио-Т 229"] * 2
    assert len(comments) == 6
    no_id = comments[3]
    assert no_id.key.startswith("sha-") and no_id.body == "This comment had no ID"
    spam = comments[4]
    assert (spam.key, spam.status, spam.hidden_reason) == ("299986073", "hidden", "spam")
    odd = comments[5]
    assert (odd.key, odd.status, odd.source_status) == (
        "x299986073",
        "pending",
        "isDeleted=false isSpam=123",
    )
    assert odd.created_at is None  # "2011-x09-30T22:48:43Z"
    assert "Microsoft показал проводник" in comments[1].body
    messages = " | ".join(w.message for w in ctx.warnings)
    assert "no dsq:id" in messages and "'123'" in messages and "2011-x09-30" in messages


def test_wrong_root_is_refused():
    with pytest.raises(ImportFormatError, match="expected a Disqus export"):
        parse_bytes(b"<disqus><post/></disqus>")  # no namespace


def test_post_without_thread_is_skipped_with_warning():
    data = b"""<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
      <post dsq:id="1"><message>hi</message></post></disqus>"""
    _, comments, ctx = parse_bytes(data)
    assert comments == [] and "without <thread" in ctx.warnings[0].message


def test_large_export_parses_in_bounded_memory():
    head = (
        b'<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
        b'<thread dsq:id="t"><title>T</title></thread>'
    )
    post = (
        b'<post dsq:id="%d"><message><![CDATA[<p>comment number %d, long enough</p>]]></message>'
        b"<createdAt>2020-01-01T00:00:00Z</createdAt><isSpam>false</isSpam>"
        b'<author><name>Someone</name></author><thread dsq:id="t"/></post>\n'
    )
    count = 20_000
    data = head + b"".join(post % (i, i) for i in range(count)) + b"</disqus>"
    tracemalloc.start()
    try:
        parsed = sum(1 for _ in disqus.parse(io.BytesIO(data), ParseContext()))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert parsed == count + 1
    # A kept tree would need tens of MB; the set of seen ids is ~2 MB.
    assert peak < 5_000_000, peak
