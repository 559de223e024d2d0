"""What readers get from untrusted markup: the allow-list spelled out, one case per rule.

Each case is what a reader would see on the public page for a comment (or article) body:
which tags stay, which go (and whether their text stays), what a link becomes.
"""

import pytest

from articles.importers.service import import_file
from articles.models import Article
from articles.sanitize import (
    comment_html,
    html_to_text,
    safe_url,
    sanitize_article_html,
    sanitize_html,
    text_to_html,
)
from conftest import SEED

# The comment allow-list, spelled out: each tag survives with its text.
COMMENT_TAG_CASES = [
    "<p>kept</p>",
    "<p>line<br>kept</p>",
    "<em>kept</em>",
    "<i>kept</i>",
    "<strong>kept</strong>",
    "<b>kept</b>",
    "<u>kept</u>",
    "<s>kept</s>",
    "<blockquote>kept</blockquote>",
    "<q>kept</q>",
    "<code>kept</code>",
    "<pre>kept</pre>",
    "<ul><li>kept</li></ul>",
    "<ol><li>kept</li></ol>",
]
# Articles carry a little more structure; a comment loses these tags but keeps their text.
ARTICLE_ONLY_CASES = [
    ("<h2>kept</h2>", "kept"),
    ("<h3>kept</h3>", "kept"),
    ("<h4>kept</h4>", "kept"),
    ("<figure><figcaption>kept</figcaption></figure>", "kept"),
    ("<p>a</p><hr><p>b</p>", "<p>a</p><p>b</p>"),
    ("<cite>kept</cite>", "kept"),
    ("H<sub>2</sub>O", "H2O"),
    ("E = mc<sup>2</sup>", "E = mc2"),
]
# Tags that never reach a reader in a comment: (markup, what the reader gets instead).
REMOVED_CASES = [
    ("<script>alert(1)</script><p>after</p>", "<p>after</p>"),
    ("<style>p { color: red }</style><p>after</p>", "<p>after</p>"),
    ('<img src="https://example.com/x.png" onerror="alert(1)">', ""),
    ('<iframe src="https://example.com/"></iframe><p>after</p>', "<p>after</p>"),
    ("<div>text stays</div>", "text stays"),
    ("<h1>text stays</h1>", "text stays"),
    ("<table><tr><td>text stays</td></tr></table>", "text stays"),
    ("<!-- a note for the editor --><p>after</p>", "<p>after</p>"),
    ('<p onclick="alert(1)" style="color: red" class="x">text stays</p>', "<p>text stays</p>"),
]
REL = 'rel="nofollow ugc"'


@pytest.mark.parametrize("markup", COMMENT_TAG_CASES)
def test_each_allowed_comment_tag_stays(markup):
    assert sanitize_html(markup) == markup


@pytest.mark.parametrize("markup", COMMENT_TAG_CASES)
def test_articles_keep_every_comment_tag_too(markup):
    assert sanitize_article_html(markup) == markup


@pytest.mark.parametrize(("markup", "in_a_comment"), ARTICLE_ONLY_CASES)
def test_article_tags_stay_in_articles_and_go_from_comments(markup, in_a_comment):
    assert sanitize_article_html(markup) == markup
    assert sanitize_html(markup) == in_a_comment


@pytest.mark.parametrize(("markup", "expected"), REMOVED_CASES)
def test_what_goes_from_a_comment(markup, expected):
    assert sanitize_html(markup) == expected


def test_html_comments_are_not_published_in_articles_either():
    assert sanitize_article_html("<!-- draft: fix the quote --><h2>Title</h2>") == "<h2>Title</h2>"


@pytest.mark.parametrize(
    "href",
    [
        "https://example.com/a?b=c",
        "http://example.com/",
        "mailto:letters@example.com",
        "/elsewhere/on/this/site/",
    ],
)
def test_a_link_keeps_its_address_and_title_and_gains_nofollow_ugc(href):
    markup = f'<a href="{href}" title="Where it goes" class="x" target="_blank">read</a>'

    assert sanitize_html(markup) == f'<a href="{href}" title="Where it goes" {REL}>read</a>'


def test_a_link_keeps_no_other_attribute():
    markup = '<a href="https://example.com/" hreflang="en" target="_blank" id="x">read</a>'

    assert sanitize_html(markup) == f'<a href="https://example.com/" {REL}>read</a>'


def test_links_in_articles_get_nofollow_ugc_too():
    markup = '<p><a href="https://example.com/">source</a></p>'

    assert (
        sanitize_article_html(markup) == f'<p><a href="https://example.com/" {REL}>source</a></p>'
    )


def test_a_links_own_rel_is_replaced():
    markup = '<a href="https://example.com/" rel="author">spam</a>'

    assert sanitize_html(markup) == f'<a href="https://example.com/" {REL}>spam</a>'


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "ftp://example.com/file",
        "file:///etc/passwd",
    ],
)
def test_a_link_with_another_scheme_loses_its_address_but_keeps_its_text(href):
    cleaned = sanitize_html(f'<p><a href="{href}">click me</a></p>')

    assert "href" not in cleaned
    assert href.split(":")[0].lower() not in cleaned.lower()
    assert "click me" in cleaned and cleaned.startswith("<p>")


def test_surrounding_whitespace_is_trimmed():
    assert sanitize_html("\n  <p>x</p>\n\n") == "<p>x</p>"


# --- plain text (staff replies, plain-text imports) ---------------------------------------------


def test_plain_text_becomes_escaped_paragraphs():
    text = 'Use <b>bold</b> & "quotes".\n\nSecond paragraph.'

    assert text_to_html(text) == (
        '<p>Use &lt;b&gt;bold&lt;/b&gt; &amp; "quotes".</p>\n<p>Second paragraph.</p>'
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("one\r\ntwo", "<p>one two</p>"),  # Windows line end inside a paragraph
        ("one\r\n\r\ntwo", "<p>one</p>\n<p>two</p>"),  # Windows blank line
        ("one\rtwo", "<p>one two</p>"),  # old Mac line end
        ("one\r\rtwo", "<p>one</p>\n<p>two</p>"),
        ("one\n \t \ntwo", "<p>one</p>\n<p>two</p>"),  # a line of spaces is blank
        ("  \n\nonly\n\n  ", "<p>only</p>"),  # no empty paragraphs
        ("wide   gaps\n  and   indents", "<p>wide gaps and indents</p>"),
    ],
)
def test_plain_text_paragraphs_and_line_ends(text, expected):
    assert text_to_html(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no\u00a0break", "no break"),  # no-break space
        ("figure\u2007space", "figure space"),
        ("narrow\u202fspace", "narrow space"),
        ("em\u2003space", "em space"),
        ("ideographic\u3000space", "ideographic space"),
        ("tab\tstop", "tab stop"),
        ("zero\u200bwidth", "zerowidth"),
        ("\ufeffbyte order mark", "byte order mark"),
        ("joiner\u200d\u200cs\u2060", "joiners"),
    ],
)
def test_odd_spaces_become_plain_spaces_and_invisible_ones_go(text, expected):
    assert text_to_html(text) == f"<p>{expected}</p>"


def test_empty_text_gives_no_paragraph():
    assert text_to_html(" \n\u200b\n ") == ""


# --- author links -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/me", "https://example.com/me"),
        ("http://example.com/", "http://example.com/"),
        ("mailto:me@example.com", "mailto:me@example.com"),
        ("HTTPS://EXAMPLE.COM/", "HTTPS://EXAMPLE.COM/"),
        ("  https://example.com/padded \n", "https://example.com/padded"),
        ("javascript:alert(1)", ""),
        ("  javascript:alert(1)", ""),
        ("data:text/html,hi", ""),
        ("ftp://example.com/", ""),
        ("", ""),
        ("   ", ""),
        (None, ""),
    ],
)
def test_an_author_link_is_kept_only_with_a_safe_scheme(url, expected):
    assert safe_url(url) == expected


# --- comment bodies from any source -----------------------------------------------------------


def test_a_plain_text_body_is_escaped_not_read_as_html():
    assert (
        comment_html("I <3 <b>this</b>", is_html=False) == "<p>I &lt;3 &lt;b&gt;this&lt;/b&gt;</p>"
    )


def test_html_without_blocks_gets_paragraphs_and_line_breaks():
    body = "First line\r\nsecond <em>line</em>\r\n\r\n  Next paragraph  "

    assert comment_html(body) == (
        "<p>First line<br>\nsecond <em>line</em></p>\n<p>Next paragraph</p>"
    )


def test_html_without_blocks_reads_old_mac_line_ends():
    assert comment_html("one\rtwo\r\rthree") == "<p>one<br>\ntwo</p>\n<p>three</p>"


@pytest.mark.parametrize("body", ["\n\nOnly one\n\n   \n\n", "  \n\nOnly one\n\n  ", " Only one "])
def test_html_without_blocks_drops_blank_paragraphs(body):
    assert comment_html(body) == "<p>Only one</p>"


@pytest.mark.parametrize("block", ["<p>", "<P>", "<br>", "<ul>", "<blockquote>", "<pre>", "<div>"])
def test_html_with_block_tags_keeps_its_own_layout(block):
    body = f"{block}kept\n\nas written"

    assert "<br>" not in comment_html(body).replace(block.lower(), "")
    assert "kept\n\nas written" in comment_html(body)


def test_html_bodies_are_sanitised():
    body = '<p>Hi <a href="javascript:alert(1)">there</a><script>x()</script></p>'

    cleaned = comment_html(body)

    assert "script" not in cleaned and "javascript" not in cleaned
    assert cleaned.startswith("<p>Hi ") and "there" in cleaned


# --- decks (an RSS description, a WordPress excerpt: markup where we keep plain text) -----------


def test_a_deck_from_markup_keeps_the_words_and_nothing_else():
    markup = (
        "<p>A <b>bold</b> claim &amp; <a href='https://example.com/'>a link</a>"
        "<script>steal()</script></p>\n\n<!-- note -->  second\u00a0line\u200b here"
    )

    assert html_to_text(markup) == "A bold claim & a link second line here"


@pytest.mark.django_db
def test_odd_spaces_inside_a_plain_text_articles_lines_become_plain_spaces(tmp_path):
    path = tmp_path / "article.txt"
    text = SEED.read_text(encoding="utf-8")
    path.write_text(text.replace("Mobile Internet is", "Mobile\u00a0Internet\u2003is"), "utf-8")

    import_file(path)

    assert "<p>Mobile Internet is coming" in Article.objects.get().body
