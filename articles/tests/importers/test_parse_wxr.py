"""The WordPress WXR parser on the shared sample exports (WXR 1.0, 1.1, 1.2 http and https)."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime

import pytest

from articles.importers import wxr
from articles.importers.records import ArticleRecord, CommentRecord, ImportFormatError, ParseContext
from conftest import SAMPLES

FILES = SAMPLES / "wxr"


def parse_bytes(data: bytes) -> tuple[list[ArticleRecord], list[CommentRecord], ParseContext]:
    ctx = ParseContext()
    records = list(wxr.parse(io.BytesIO(data), ctx))
    articles = [r for r in records if isinstance(r, ArticleRecord)]
    comments = [r for r in records if isinstance(r, CommentRecord)]
    return articles, comments, ctx


def parse_sample(name: str) -> tuple[list[ArticleRecord], list[CommentRecord], ParseContext]:
    return parse_bytes((FILES / name).read_bytes())


def max_depth(comments: list[CommentRecord]) -> int:
    by_key = {c.key: c for c in comments}

    def depth(comment: CommentRecord) -> int:
        return 1 + (depth(by_key[comment.parent_key]) if comment.parent_key in by_key else 0)

    return max(depth(c) for c in comments)


def test_theme_unit_test_data_wxr_1_2_https():
    articles, comments, ctx = parse_sample("wptt-theme-unit-test-data.xml")
    assert len(articles) == 168  # 186 items, 18 of them repeat an earlier post_id
    assert sum("appears again" in w.message for w in ctx.warnings) == 18
    assert len(comments) == 33
    assert len({c.article_key for c in comments}) == 7
    assert Counter(c.status for c in comments) == {"approved": 30, "pending": 3}
    assert Counter(c.kind for c in comments) == {"comment": 29, "pingback": 2, "trackback": 2}
    assert sum(1 for c in comments if c.parent_key) == 10
    assert max_depth(comments) == 10
    keys = {c.key for c in comments}
    assert all(c.parent_key in keys for c in comments if c.parent_key)
    pending = next(c for c in comments if c.key == "1017")
    assert (pending.status, pending.source_status, pending.parent_key) == ("pending", "0", "168")
    anon = next(c for c in comments if c.key == "167")
    assert anon.created_at == datetime(2007, 9, 4, 0, 49, 28, tzinfo=UTC)  # the _gmt date
    assert anon.author_email == "anon@example.com"


def test_isso_fixture_wxr_1_0():
    articles, comments, ctx = parse_sample("isso-fixture-wxr-1.0.xml")
    assert [(a.key, a.title) for a in articles] == [
        ("18", "Hello, World…"),
        ("http://example.tld/?p=4", "..."),  # no post_id, no guid: the link
        ("http://example.tld/?p=6", "No comments"),
    ]
    assert articles[0].published_at == datetime(2014, 1, 14, 17, 31, 3, tzinfo=UTC)
    assert [(c.key, c.parent_key) for c in comments] == [
        ("2", None),
        ("6", None),
        ("7", "6"),
        ("8", "7"),
        ("9", "7"),
        ("10", None),
        ("11", None),
        ("11@http://example.tld/?p=4", None),  # id 11 reused by the second item
    ]
    assert comments[-1].article_key == "http://example.tld/?p=4"
    assert all(c.status == "approved" and c.kind == "comment" for c in comments)
    assert comments[0].author_email == "test@example.org"  # the line break is gone
    assert comments[0].body.strip() == "Erster!1"
    assert comments[2].created_at == datetime(2014, 4, 29, 15, 21, 35, tzinfo=UTC)
    assert comments[5].created_at == datetime(2022, 6, 6, 2, 13, 14, tzinfo=UTC)
    assert (
        comments[5].body
        == "When you have a comment with multiple lines:\nWordPress exports it like this."
    )
    assert max_depth(comments) == 3
    assert len(ctx.warnings) == 1


def test_pelican_wxr_1_1():
    articles, comments, _ = parse_sample("pelican-wordpressexport-1.1.xml")
    assert len(articles) == 12  # 20 items, 8 repeats
    titles = {a.key: a.title for a in articles}
    assert titles["471"] == "Special chars: l'é"
    assert titles["168"] == "http://thisisa.test/?p=168"  # a draft with no title
    draft = next(a for a in articles if a.key == "168")
    assert draft.published_at == datetime(2012, 2, 15, 21, 23, 57, tzinfo=UTC)  # post_date fallback
    assert next(a for a in articles if a.key == "8").deck.startswith("Lorem ipsum")
    assert [(c.key, c.article_key, c.parent_key) for c in comments] == [
        ("116", "422", None),
        ("117", "422", "116"),
        ("156", "422", None),
        ("122", "422", "121"),  # parent 121 is missing: the loader reports it
    ]
    trashed = comments[2]
    assert (trashed.kind, trashed.status, trashed.hidden_reason, trashed.source_status) == (
        "pingback",
        "hidden",
        "removed_at_source",
        "trash",
    )
    assert comments[0].created_at == datetime(2012, 5, 6, 20, 46, 6, tzinfo=UTC)


def test_content_framework_wxr_1_2():
    articles, comments, ctx = parse_sample("wpcf-content-framework-2.2.xml")
    assert len(articles) == 38
    assert len(comments) == 21
    assert all(c.status == "approved" for c in comments)
    assert sum(1 for c in comments if c.parent_key) == 3
    assert len({c.article_key for c in comments}) == 10
    assert ctx.warnings == []


WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><item>
<title>T</title><wp:post_id>1</wp:post_id>{comments}</item></channel></rss>"""
COMMENT = """<wp:comment><wp:comment_id>{id}</wp:comment_id><wp:comment_approved>{approved}
</wp:comment_approved><wp:comment_type>{kind}</wp:comment_type>
<wp:comment_content>{id}</wp:comment_content></wp:comment>"""


@pytest.mark.parametrize(
    ("approved", "kind", "expected"),
    [
        ("1", "", ("approved", "", "comment")),
        ("0", "comment", ("pending", "", "comment")),
        ("spam", "", ("hidden", "spam", "comment")),
        ("trash", "trackback", ("hidden", "removed_at_source", "trackback")),
        ("weird", "", ("pending", "", "comment")),
    ],
)
def test_comment_status_and_kind(approved, kind, expected):
    body = COMMENT.format(id=5, approved=approved, kind=kind)
    _, comments, _ = parse_bytes(WXR.format(comments=body).encode())
    assert (comments[0].status, comments[0].hidden_reason, comments[0].kind) == expected


def test_duplicate_comment_in_one_item_keeps_the_first():
    body = COMMENT.format(id=5, approved=1, kind="") + COMMENT.format(id=5, approved=0, kind="")
    _, comments, ctx = parse_bytes(WXR.format(comments=body).encode())
    assert [(c.key, c.status) for c in comments] == [("5", "approved")]
    assert "appears twice" in ctx.warnings[0].message


def test_not_rss_is_refused():
    with pytest.raises(ImportFormatError, match="expected a WordPress export"):
        parse_bytes(b"<feed/>")
