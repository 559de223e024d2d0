"""JSON imports: Moderato's own format, Isso generic JSON, Commento, Remark42 backups."""

from __future__ import annotations

import copy
import io
import json
from datetime import UTC, datetime

import pytest

from articles.importers import jsonfmt
from articles.importers.records import ArticleRecord, CommentRecord, ImportFormatError, ParseContext
from conftest import SAMPLES

FILES = SAMPLES / "json"


def parse_bytes(data: bytes) -> tuple[list[ArticleRecord], list[CommentRecord], ParseContext]:
    ctx = ParseContext()
    records = list(jsonfmt.parse(io.BytesIO(data), ctx))
    articles = [r for r in records if isinstance(r, ArticleRecord)]
    comments = [r for r in records if isinstance(r, CommentRecord)]
    return articles, comments, ctx


def test_isso_generic():
    articles, comments, ctx = parse_bytes((FILES / "isso-generic.json").read_bytes())
    assert [(a.key, a.title) for a in articles] == [
        ("/posts/0001/", "Test+post"),
        ("/posts/0007/", "Nat+%26+Miguel"),  # kept verbatim, as the file has it
    ]
    assert [(c.key, c.article_key, c.parent_key) for c in comments] == [
        ("/posts/0001/#0", "/posts/0001/", None),  # Isso numbers comments per thread
        ("/posts/0007/#0", "/posts/0007/", None),
    ]
    assert comments[1].author_name == "Richard Crinshaw"
    assert comments[1].body == "Ja-make-a me crazzy mon :)\n" and not comments[1].body_is_html
    assert comments[0].author_url == "http://www.tigerspice.com"
    assert comments[0].created_at == datetime(2005, 2, 24, 4, 3, 37, tzinfo=UTC)
    assert all(c.status == "approved" for c in comments)
    assert ctx.warnings == []


def test_commento_export():
    articles, comments, ctx = parse_bytes((FILES / "commento-remark42-fixture.json").read_bytes())
    assert [a.key for a in articles] == ["example.com/blog/post/2", "example.com/blog/post/1"]
    assert articles[0].source_url == "https://example.com/blog/post/2"
    assert len(comments) == 3
    anonymous, top, reply = comments
    assert anonymous.author_name == "Anonymous" and anonymous.author_email == ""
    assert (top.author_name, top.author_email, top.author_url) == (
        "User5276",
        "somegreatmail@gmail.com",
        "https://example.com/profile/257",
    )
    assert top.parent_key is None and reply.parent_key == top.key
    assert reply.article_key == "example.com/blog/post/1"
    assert reply.body == "Great reply!" and not reply.body_is_html  # markdown, html empty
    assert reply.created_at == datetime(2021, 5, 11, 15, 43, 1, 852651, tzinfo=UTC)
    assert all(c.status == "approved" for c in comments)
    assert ctx.warnings == []


def commento(**changes: object) -> bytes:
    comment = {"commentHex": "c1", "url": "/p", "domain": "d", "commenterHex": "anonymous"}
    comment |= {"markdown": "m", "html": "", "parentHex": "root", "state": "approved"}
    comment |= {"creationDate": "2021-03-12T11:21:56Z", "deleted": False} | changes
    return json.dumps({"version": 1, "comments": [comment], "commenters": []}).encode()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"state": "unapproved"}, ("pending", "", "unapproved")),
        ({"state": "flagged"}, ("pending", "", "flagged")),
        ({"deleted": True}, ("hidden", "removed_at_source", "deleted")),
    ],
)
def test_commento_states(changes, expected):
    _, comments, _ = parse_bytes(commento(**changes))
    assert (comments[0].status, comments[0].hidden_reason, comments[0].source_status) == expected


def test_remark42_backup_jsonl():
    articles, comments, ctx = parse_bytes((FILES / "remark42-backup-v1-fixture.jsonl").read_bytes())
    assert [a.key for a in articles] == ["https://radio-t.com", "https://radio-t.com/2"]
    assert [(c.key, c.parent_key, c.line) for c in comments] == [
        ("efbc17f177ee1a1c0ee6e1e025749966ec071adc", None, 2),
        ("f863bd79-fec6-4a75-b308-61fe5dd02aa1", "1234", 3),  # points at a missing comment
    ]
    first = comments[0]
    assert first.body == 'some text, <a href="http://radio-t.com" rel="nofollow">link</a>'
    assert (first.author_name, first.author_username) == ("user name", "user1")
    assert first.created_at == datetime(2017, 12, 20, 21, 18, 22, tzinfo=UTC)  # -06:00 in file
    assert all(c.status == "approved" for c in comments)
    assert ctx.warnings == []


def test_remark42_deleted_comment_and_bad_line():
    head = b'{"version":1,"users":[],"posts":[]}\n'
    line = {"id": "a", "pid": "", "text": "x", "user": {"name": "n", "id": "u"}}
    line |= {"locator": {"site": "s", "url": "https://x"}, "time": "2020-01-01T00:00:00Z"}
    deleted = json.dumps(line | {"delete": True}).encode()
    _, comments, _ = parse_bytes(head + deleted + b"\n")
    assert (comments[0].status, comments[0].hidden_reason) == ("hidden", "removed_at_source")
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(head + deleted + b"\n{not json\n")
    assert caught.value.line == 3


MODERATO = {
    "format": "moderato",
    "version": 1,
    "articles": [
        {
            "id": "a1",
            "title": "Ünïcode title",
            "slug": "unicode-title",
            "deck": "Deck",
            "body": "<p>Body</p>",
            "image_credit": "Photo: X",
            "source_url": "https://example.org/a1",
            "published_at": "2024-05-01T10:00:00+02:00",
            "comments": [
                {"id": "c1", "body": "<p>Hi</p>", "status": "approved", "created_at": None},
                {
                    "id": "c2",
                    "parent_id": "c1",
                    "author_name": "Bo",
                    "author_email": "bo@example.org",
                    "author_url": "",
                    "author_username": "bo",
                    "body": "<p>sanitised</p>",
                    "source_body": "raw <script>x</script> text",
                    "source_body_is_html": False,
                    "status": "hidden",
                    "hidden_reason": "spam",
                    "source_status": "spam",
                    "kind": "comment",
                    "is_staff_reply": False,
                    "staff_author": "",
                    "created_at": "2024-05-02T08:00:00Z",
                },
            ],
            "events": [],
        }
    ],
}


def test_moderato_format_round_trip_fields():
    articles, comments, ctx = parse_bytes(json.dumps(MODERATO).encode())
    article = articles[0]
    assert (article.key, article.title, article.deck, article.image_credit) == (
        "a1",
        "Ünïcode title",
        "Deck",
        "Photo: X",
    )
    assert article.published_at == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    first, second = comments
    assert (first.key, first.status, first.body, first.created_at) == (
        "c1",
        "approved",
        "<p>Hi</p>",
        None,
    )
    assert second.parent_key == "c1" and second.article_key == "a1"
    assert second.body == "raw <script>x</script> text" and not second.body_is_html
    assert (second.status, second.hidden_reason) == ("hidden", "spam")
    assert ctx.warnings == []


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("articles",), "x", "articles: expected a list, got a string"),
        (("articles", 0, "comments"), "x", "articles[0].comments: expected a list"),
        (("articles", 0, "title"), 5, "articles[0].title: expected a string, got a number"),
        (("articles", 0, "comments", 1, "status"), "gone", "articles[0].comments[1].status"),
        (("articles", 0, "comments", 1, "kind"), "ping", "articles[0].comments[1].kind"),
        (("articles", 0, "comments", 0, "id"), 7, "articles[0].comments[0].id: expected a string"),
        (("articles", 0, "comments", 1, "is_staff_reply"), "no", "is_staff_reply: expected true"),
        (("articles", 0, "comments", 1, "hidden_reason"), "", "comments[1].hidden_reason"),
        (("articles", 0, "comments", 1, "created_at"), "yesterday", "not an ISO 8601"),
        (("version",), 2, "version: expected 1"),
    ],
)
def test_moderato_format_wrong_types_name_the_path(path, value, message):
    data = copy.deepcopy(MODERATO)
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(ImportFormatError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_bytes(json.dumps(data, indent=1).encode())


def test_moderato_format_missing_id_and_unknown_field():
    data = copy.deepcopy(MODERATO)
    del data["articles"][0]["id"]
    with pytest.raises(ImportFormatError, match=r"articles\[0\]\.id: missing"):
        parse_bytes(json.dumps(data).encode())
    data = copy.deepcopy(MODERATO)
    data["articles"][0]["colour"] = "red"
    data["articles"][0]["events"] = [{"action": "approve"}]
    _, _, ctx = parse_bytes(json.dumps(data).encode())
    assert [w.message for w in ctx.warnings] == [
        "articles[0].colour: unknown field ignored",
        "articles[0].events: moderation history is not imported",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b'{"format": "moderato", "version": 1,\n "articles": [\n', "not valid JSON"),
        (b'{"a": 1}', "unrecognised JSON"),
        ('{"format": "moderato", "x": "café"}'.encode("latin-1"), "not valid UTF-8"),
        (b"[" * 100_000, "not valid JSON|nested too deeply"),
    ],
)
def test_bad_json(data, message):
    with pytest.raises(ImportFormatError, match=message):
        parse_bytes(data)


def test_truncated_json_reports_its_line():
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(b'{"format": "moderato",\n"version": 1,\n"articles": [\n')
    assert caught.value.line == 4
