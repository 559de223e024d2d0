"""The loader's rules across formats: idempotent re-imports, newer exports, refusals, safety."""

import json

import pytest
from django.core.management import CommandError, call_command

from articles.importers.service import ImportFailed, import_file
from articles.models import Article, Comment, ImportRun
from conftest import SAMPLES
from moderation import services

pytestmark = pytest.mark.django_db

DISQUS = SAMPLES / "disqus" / "isso-fixture-edge-cases.xml"
WPTT = SAMPLES / "wxr" / "wptt-theme-unit-test-data.xml"


def comment_rows() -> list[tuple]:
    return list(
        Comment.objects.order_by("pk").values_list(
            "pk", "parent_id", "body", "source_body", "status", "hidden_reason", "version"
        )
    )


def database_counts() -> tuple[int, int, int]:
    return (
        Article.objects.count(),
        Comment.objects.count(),
        ImportRun.objects.filter(succeeded=True).count(),
    )


@pytest.mark.parametrize("path", [DISQUS, WPTT], ids=["disqus", "wxr"])
def test_reimporting_the_same_file_changes_nothing(path):
    first = import_file(path)
    comments = comment_rows()
    articles = list(Article.objects.order_by("pk").values_list("pk", "slug", "updated_at"))

    again = import_file(path)

    assert (again.articles_created, again.articles_updated) == (0, 0)
    assert again.articles_unchanged == first.articles_created
    assert (again.comments_created, again.comments_updated) == (0, 0)
    assert again.comments_unchanged == first.comments_created
    assert comment_rows() == comments
    assert list(Article.objects.order_by("pk").values_list("pk", "slug", "updated_at")) == articles


NEW_REPLY = """
    <post dsq:id="12">
        <message><![CDATA[<p>A reply written after the first export.</p>]]></message>
        <createdAt>2013-10-12T08:00:00Z</createdAt>
        <isDeleted>false</isDeleted>
        <isSpam>false</isSpam>
        <author><name>late</name></author>
        <thread dsq:id="2" />
        <parent dsq:id="5" />
    </post>
  </disqus>"""


def newer_disqus_export(tmp_path):
    """The isso fixture exported later: a new reply, post 5 edited, posts 8 and 9 now spam."""
    text = DISQUS.read_text(encoding="utf-8")
    edits = [
        (
            '<post dsq:id="5">\n        <message><![CDATA[<p>Hello, World.</p>]]>',
            '<post dsq:id="5">\n        <message><![CDATA[<p>Hello, World (edited).</p>]]>',
        ),
        (
            "<isSpam>false</isSpam>\n        <author>\n            <email>baz@email.foo</email>",
            "<isSpam>true</isSpam>\n        <author>\n            <email>baz@email.foo</email>",
        ),
        (
            "<isDeleted>true</isDeleted>\n        <isSpam>false</isSpam>",
            "<isDeleted>false</isDeleted>\n        <isSpam>true</isSpam>",
        ),
        ("\n  </disqus>", NEW_REPLY),
    ]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "newer.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_newer_export_adds_updates_and_keeps_the_moderators_decision(tmp_path, moderator):
    import_file(DISQUS)
    deleted = Comment.objects.get(external_id="9")
    services.approve(deleted, actor=moderator)  # the desk brings the deleted post back
    decided_at = Comment.objects.get(external_id="9").moderated_at
    newer = newer_disqus_export(tmp_path)

    report = import_file(newer)

    assert (report.comments_created, report.comments_updated, report.comments_unchanged) == (
        1,
        3,
        2,
    )
    late = Comment.objects.get(external_id="12")
    assert (late.parent.external_id, late.status) == ("5", "approved")
    edited = Comment.objects.get(external_id="5")
    assert edited.source_body == "<p>Hello, World (edited).</p>"
    assert edited.body == "<p>Hello, World (edited).</p>"
    assert edited.version == 2
    spam = Comment.objects.get(external_id="8")
    assert (spam.status, spam.hidden_reason, spam.source_status) == ("hidden", "spam", "spam")
    kept = Comment.objects.get(external_id="9")
    assert (kept.status, kept.hidden_reason, kept.moderated_at) == ("approved", "", decided_at)
    assert kept.source_status == "spam"  # what the source says is still recorded


def test_all_pending_sends_every_new_comment_to_the_queue(tmp_path):
    report = import_file(DISQUS, all_pending=True)

    assert report.created_by_status == {"pending": 5}
    assert set(Comment.objects.values_list("status", "hidden_reason")) == {("pending", "")}


def test_all_pending_on_a_newer_export_leaves_existing_statuses_alone(tmp_path):
    import_file(DISQUS)

    import_file(newer_disqus_export(tmp_path), all_pending=True)

    assert Comment.objects.get(external_id="12").status == "pending"
    assert Comment.objects.get(external_id="8").status == "approved"  # the source's spam flag
    assert Comment.objects.get(external_id="5").source_body == "<p>Hello, World (edited).</p>"


def test_the_command_sends_new_comments_to_pending(capsys):
    call_command("import_articles", "--all-pending", str(DISQUS))

    assert "comments 5 new (5 pending)" in capsys.readouterr().out


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE disqus [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<disqus xmlns="http://disqus.com"><thread>&lol3;</thread></disqus>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE disqus [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <thread dsq:id="1"><title>t</title></thread>
  <post dsq:id="2"><message>&secret;</message><thread dsq:id="1"/></post>
</disqus>
"""
LATIN1_AS_UTF8 = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<disqus xmlns="http://disqus.com">\n'
    "<thread><title>Café</title></thread></disqus>\n"
).encode("latin-1")
WRONG_TYPE = json.dumps(
    {"format": "moderato", "version": 1, "articles": [{"id": "a", "title": 5}]}
).encode()


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (DISQUS.read_bytes()[:2000], 69, "the XML ends too early (truncated file?)"),
        (BILLION_LAUGHS, 3, "declares XML entities"),
        (EXTERNAL_ENTITY, 2, "declares XML entities"),
        (LATIN1_AS_UTF8, 3, "not valid UTF-8"),
        (WRONG_TYPE, None, "articles[0].title: expected a string, got a number"),
    ],
    ids=["truncated", "billion-laughs", "external-entity", "latin1-as-utf8", "json-type"],
)
def test_a_bad_file_is_refused_recorded_and_writes_nothing(tmp_path, content, line, message):
    import_file(DISQUS)
    before = database_counts()
    path = tmp_path / "bad-file"
    path.write_bytes(content)

    with pytest.raises(ImportFailed) as failure:
        import_file(path)

    where = f"{path}, line {line}: " if line else f"{path}: "
    assert str(failure.value).startswith(where)
    assert message in str(failure.value)
    assert database_counts() == before
    assert "root:" not in "".join(Comment.objects.values_list("source_body", flat=True))
    failed = ImportRun.objects.get(succeeded=False)
    assert (failed.file_name, failed.error) == (str(path), str(failure.value))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        (b'<?xml version="1.0"?>\n<html><body>Hi</body></html>\n', "root element is <html>"),
    ],
    ids=["empty", "binary", "unknown-xml"],
)
def test_a_file_of_no_known_format_is_refused_and_writes_nothing(tmp_path, content, message):
    import_file(DISQUS)
    before = database_counts()
    path = tmp_path / "unknown"
    path.write_bytes(content)

    with pytest.raises(ImportFailed) as failure:
        import_file(path)

    assert str(failure.value).startswith(f"{path}")
    assert message in str(failure.value)
    assert database_counts() == before


def test_a_file_refused_by_detection_is_recorded_too(tmp_path):
    path = tmp_path / "empty"
    path.write_bytes(b"")

    with pytest.raises(ImportFailed):
        import_file(path)

    assert ImportRun.objects.filter(succeeded=False).exists()


SCRIPT = "<script>alert(1)</script>"
HOSTILE_BODY = (
    "<p onclick=\"steal()\">Nice post</p><img src=x onerror='alert(1)'>"
    f'{SCRIPT}<style>body {{ display: none }}</style><a href="javascript:alert(2)">me</a>'
    '<a href=" JavaScript:alert(3)">you</a> <b>bold</b>'
)
HOSTILE_WXR = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <item>
    <title>Hostile</title>
    <content:encoded><![CDATA[<p>Article</p>{SCRIPT}<iframe src="https://x"></iframe>]]></content:encoded>
    <wp:post_id>1</wp:post_id>
    <wp:comment>
      <wp:comment_id>1</wp:comment_id>
      <wp:comment_author>Mallory</wp:comment_author>
      <wp:comment_author_url>javascript:alert(document.cookie)</wp:comment_author_url>
      <wp:comment_approved>1</wp:comment_approved>
      <wp:comment_content><![CDATA[{HOSTILE_BODY}]]></wp:comment_content>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>2</wp:comment_id>
      <wp:comment_author_url>  JAVASCRIPT:alert(1)</wp:comment_author_url>
      <wp:comment_content>plain</wp:comment_content>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>3</wp:comment_id>
      <wp:comment_author_url>https://example.org/me</wp:comment_author_url>
      <wp:comment_content>kept</wp:comment_content>
    </wp:comment>
  </item>
</channel>
</rss>
"""


def test_hostile_markup_is_sanitised_and_the_source_kept_byte_for_byte(tmp_path):
    path = tmp_path / "hostile.xml"
    path.write_text(HOSTILE_WXR, encoding="utf-8")

    import_file(path)

    comment = Comment.objects.get(external_id="1")
    assert comment.source_body == HOSTILE_BODY
    body = comment.body.lower()
    for banned in ("<script", "alert(1)", "onclick", "onerror", "<style", "display", "javascript:"):
        assert banned not in body
    assert "<b>bold</b>" in comment.body and "Nice post" in comment.body
    article = Article.objects.get()
    assert "<script" not in article.body and "<iframe" not in article.body
    urls = dict(Comment.objects.values_list("external_id", "author_url"))
    assert urls == {"1": "", "2": "", "3": "https://example.org/me"}


def test_dry_run_on_a_disqus_export_reports_and_writes_nothing(capsys):
    call_command("import_articles", "--dry-run", str(DISQUS))

    out = capsys.readouterr().out
    assert "(disqus) would import: articles 2 created" in out
    assert "comments 5 new (4 approved, 1 hidden)" in out
    assert database_counts() == (0, 0, 0)
    assert not ImportRun.objects.exists()


def test_format_option_skips_detection(tmp_path, capsys):
    # A long comment before the root element hides it from the 8 KB sniff.
    text = DISQUS.read_text(encoding="utf-8").replace(
        '<?xml version="1.0"?>', '<?xml version="1.0"?>\n<!--' + " padding" * 1200 + " -->", 1
    )
    path = tmp_path / "padded.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_articles", str(path))
    assert "XML without a root element" in capsys.readouterr().err

    call_command("import_articles", "--format", "disqus", str(path))

    assert "(disqus) imported: articles 2 created" in capsys.readouterr().out
    assert Comment.objects.count() == 5


def test_format_option_applies_the_named_parser(capsys):
    with pytest.raises(CommandError):
        call_command("import_articles", "--format", "wxr", str(DISQUS))

    assert "expected a WordPress export" in capsys.readouterr().err
    assert database_counts() == (0, 0, 0)
    assert ImportRun.objects.get().format == "wxr"


def test_a_loop_of_replies_is_broken_not_stored(tmp_path):
    path = tmp_path / "loop.xml"
    path.write_bytes(
        b'<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
        b'<thread dsq:id="t"><link>https://x.example/</link><title>T</title></thread>'
        b'<post dsq:id="a"><message>A</message><thread dsq:id="t"/><parent dsq:id="b"/></post>'
        b'<post dsq:id="b"><message>B</message><thread dsq:id="t"/><parent dsq:id="a"/></post>'
        b"</disqus>"
    )

    report = import_file(path)

    assert report.comments_created == 2
    parents = dict(Comment.objects.values_list("external_id", "parent__external_id"))
    assert list(parents.values()).count(None) == 1  # one answers the other; no loop
    assert any("loop of replies" in w for w in report.warnings)
    assert report.deepest_thread == 2
