"""What the sanitising report names: each tag, attribute and link scheme the reader-facing
copy lost, as the import summary ("sanitising removed: ...") and the desk's "markup removed"
marker show it. Markup that stays is never named."""

import json

import pytest

from articles.importers.service import import_file
from articles.models import Comment
from articles.sanitize import ARTICLE_TAGS, comment_html_and_removed, removed_markup

REPORT_CASES = [
    # (source markup, what the report names)
    ("plain words, no markup", []),
    ("a < b, and c > d", []),
    ("<p>kept</p> <em>kept</em> <a href='https://example.com/' title='t'>kept</a>", []),
    ("<script>steal()</script>", ["script"]),
    ("<SCRIPT>steal()</SCRIPT>", ["script"]),
    ('<img src="https://example.com/x.png" onerror="steal()">', ["img", "onerror"]),
    ('<IMG SRC="https://example.com/x.png" ONERROR="steal()">', ["img", "onerror"]),
    ('<p onclick="steal()" class="x" style="color: red">text</p>', ["class", "onclick", "style"]),
    # A tag that goes takes its attributes along: only the tag (and any handler) is named.
    ('<div class="x" id="y">text</div>', ["div"]),
    ('<div onmouseover="steal()">text</div>', ["div", "onmouseover"]),
    ('<a href="https://example.com/" target="_blank" rel="me">x</a>', ["rel", "target"]),
    # Link schemes, however they are written.
    ('<a href="javascript:alert(1)">x</a>', ["javascript:"]),
    ('<a href="JavaScript:alert(1)">x</a>', ["javascript:"]),
    ('<a href="jav&#x61;script:alert(1)">x</a>', ["javascript:"]),
    ('<a href="java\tscript:alert(1)">x</a>', ["javascript:"]),
    ('<a href=" \njavascript:alert(1)">x</a>', ["javascript:"]),
    ("<a href='data:text/html,x'>x</a>", ["data:"]),
    ("<a href=vbscript:msgbox(1)>x</a>", ["vbscript:"]),
    ('<a href="XMPP:room@example.org">x</a>', ["xmpp:"]),
    ('<a href="http://example.com/">x</a>', []),
    ('<a href="HTTPS://example.com/">x</a>', []),
    ('<a href="mailto:desk@example.com">x</a>', []),
    ('<a href="/search?q=a:b">x</a>', []),
    ("<a href>x</a>", []),
    # A scheme only counts in an attribute that holds an address.
    ('<a title="javascript:is a language" href="https://example.com/">x</a>', []),
    ('<img src="vbscript:x">', ["img", "vbscript:"]),
    ('<form action="javascript:go()"><p>x</p></form>', ["form", "javascript:"]),
    ('<button formaction="javascript:go()">x</button>', ["button", "javascript:"]),
    ('<svg><a xlink:href="javascript:go()">x</a></svg>', ["javascript:", "svg", "xlink:href"]),
    ('<object data="javascript:go()"></object>', ["javascript:", "object"]),
    ('<video poster="javascript:go()"></video>', ["javascript:", "video"]),
]


@pytest.mark.parametrize(("markup", "named"), REPORT_CASES)
def test_the_report_names_what_a_comment_lost(markup, named):
    assert removed_markup(markup) == named


def test_an_article_keeps_its_headings_so_the_report_names_none():
    markup = "<h2>Kept</h2><figure><figcaption>kept</figcaption></figure><script>x</script>"

    assert removed_markup(markup, tags=ARTICLE_TAGS) == ["script"]
    assert removed_markup(markup) == ["figcaption", "figure", "h2", "script"]


def test_a_comment_body_and_its_report_come_together():
    body, removed = comment_html_and_removed('<p onclick="x()">Hi<script>steal()</script></p>')

    assert (body, removed) == ("<p>Hi</p>", ["onclick", "script"])


@pytest.mark.parametrize(
    ("markup", "shown", "named"),
    [
        ('<p title="x" lang="en">t</p>', "<p>t</p>", ["lang", "title"]),
        ('<em title="x">t</em>', "<p><em>t</em></p>", ["title"]),
        (
            '<a href="https://example.com/" title="x" lang="en">t</a>',
            '<p><a href="https://example.com/" title="x" rel="nofollow ugc">t</a></p>',
            ["lang"],
        ),
    ],
)
def test_what_the_report_names_is_gone_from_what_readers_see(markup, shown, named):
    assert comment_html_and_removed(markup) == (shown, named)


def test_a_plain_text_body_loses_nothing_so_the_report_names_nothing():
    body, removed = comment_html_and_removed("I typed <script> on purpose", is_html=False)

    assert (body, removed) == ("<p>I typed &lt;script&gt; on purpose</p>", [])


def moderato_export(tmp_path, *bodies):
    """A Moderato JSON export of one article with these (source body, is HTML) comments."""
    comments = [
        {"id": str(n), "body": body, "source_body": body, "source_body_is_html": is_html}
        for n, (body, is_html) in enumerate(bodies, 1)
    ]
    data = {
        "format": "moderato",
        "version": 1,
        "articles": [{"id": "json:story", "title": "A story", "comments": comments}],
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_the_import_summary_and_each_comment_say_what_sanitising_removed(tmp_path):
    path = moderato_export(
        tmp_path,
        ('<p onclick="x()">one</p><script>a()</script>', True),
        ('<p>two</p><a href="javascript:b()">link</a><script>b()</script>', True),
        ("<script> typed as text </script>", False),
    )

    report = import_file(path)

    assert "sanitising removed: script ×2, javascript: ×1, onclick ×1" in report.summary()
    assert dict(Comment.objects.values_list("external_id", "sanitised_away")) == {
        "1": "onclick, script",
        "2": "javascript:, script",
        "3": "",
    }


@pytest.mark.django_db
def test_an_import_of_clean_markup_says_sanitising_removed_nothing(tmp_path):
    report = import_file(moderato_export(tmp_path, ("<p>Fine <em>words</em>.</p>", True)))

    assert "sanitising removed: nothing" in report.summary()
    assert Comment.objects.get().sanitised_away == ""
