"""A "<" a reader typed is text, not a tag to strip: no word of an HTML body is lost to it.

Sources such as Disqus send comment bodies as HTML, but readers write "x<y", "<3" or
"<again>" in them. An HTML parser reads "<again>" as an unknown element and "<b then..."
as a tag that never ends; the sanitiser used to drop both, and the reader's words with them.
"""

import pytest

from articles.importers.service import import_file
from articles.models import Comment
from articles.sanitize import comment_html, html_to_text, removed_markup, sanitize_html

READER_TEXT_CASES = [
    # (what the reader wrote in an HTML body, the paragraph readers are shown)
    ("x<y", "<p>x&lt;y</p>"),
    ("I <3 this", "<p>I &lt;3 this</p>"),
    ("a < b and c > d", "<p>a &lt; b and c &gt; d</p>"),
    ("x<y and y>z", "<p>x&lt;y and y&gt;z</p>"),
    ("if a<b then the rest stays", "<p>if a&lt;b then the rest stays</p>"),
    ("declined to comment <again>.", "<p>declined to comment &lt;again&gt;.</p>"),
    ("</again> as written", "<p>&lt;/again&gt; as written</p>"),
    ("a <custom-tag>word</custom-tag>", "<p>a &lt;custom-tag&gt;word&lt;/custom-tag&gt;</p>"),
    ("<b don't shout>", "<p>&lt;b don't shout&gt;</p>"),
    ("<p>a<b</p>", "<p>a&lt;b</p>"),
]


@pytest.mark.parametrize(("body", "shown"), READER_TEXT_CASES)
def test_a_readers_angle_bracket_in_an_html_body_is_shown_as_written(body, shown):
    assert comment_html(body) == shown


@pytest.mark.parametrize(("body", "shown"), READER_TEXT_CASES)
def test_nothing_is_reported_removed_for_a_readers_angle_bracket(body, shown):
    assert removed_markup(body) == []


def test_a_readers_angle_bracket_before_a_block_tag_name_keeps_the_paragraphs():
    body = "if x<p then\n\nnext line\nhere"

    assert comment_html(body) == "<p>if x&lt;p then</p>\n<p>next line<br>\nhere</p>"


def test_a_deck_keeps_a_readers_angle_brackets_too():
    assert html_to_text("Why x<y matters <again>") == "Why x<y matters <again>"


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<em>real</em> markup", "<em>real</em> markup"),
        ("<EM>upper case</EM>", "<em>upper case</em>"),
        ("line<br/>break<br />here", "line<br>break<br>here"),
        ('<p class="x" hidden>attributes</p>', "<p>attributes</p>"),
        (
            '<a title="x<y" href="https://example.com/">quoted</a>',
            '<a title="x&lt;y" href="https://example.com/" rel="nofollow ugc">quoted</a>',
        ),
        ("<script>if (a<b) steal()</script>after", "after"),
        ("<div>a real tag</div>", "a real tag"),
    ],
)
def test_real_tags_are_still_read_as_tags(markup, expected):
    assert sanitize_html(markup) == expected


def test_an_unknown_tag_with_a_handler_is_escaped_text_never_markup():
    cleaned = sanitize_html('<blink onclick="steal()">hi</blink><scripty>x')

    assert "<scripty" not in cleaned and "<blink" not in cleaned
    assert cleaned == "hi&lt;scripty&gt;x"


DISQUS = """<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <thread dsq:id="1"><id>budget</id><link>http://example.org/budget/</link>
    <title>The budget</title><message/><createdAt>2026-01-07T08:00:00Z</createdAt></thread>
  <post dsq:id="2"><message><![CDATA[{body}]]></message>
    <createdAt>2026-01-07T09:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><email>ann@example.org</email><name>Ann</name></author><thread dsq:id="1"/></post>
</disqus>
"""


@pytest.mark.django_db
def test_a_disqus_comment_keeps_its_angle_brackets_on_the_public_page(tmp_path, client):
    body = "The spokesperson declined to comment <again>. Is 3<4? I <3 this paper."
    path = tmp_path / "disqus.xml"
    path.write_text(DISQUS.format(body=body), encoding="utf-8")

    report = import_file(path)

    assert "sanitising removed: nothing" in report.summary()
    comment = Comment.objects.get()
    assert comment.sanitised_away == ""
    Comment.objects.update(status=Comment.Status.APPROVED)
    page = client.get(comment.article.get_absolute_url()).content.decode()
    assert "declined to comment &lt;again&gt;. Is 3&lt;4? I &lt;3 this paper." in page
