"""Sanitising's shortcuts (simple markup written without nh3, brackets escaped once, bare tags
passed over) give exactly what the plain way gives: the functions as they were before the
shortcuts are copied here and compared with today's on generated, hostile and real input."""

import html
import random
import re

import nh3
import pytest

from articles import sanitize
from articles.importers.detect import detect_format
from articles.importers.formats import FORMATS
from articles.importers.records import ArticleRecord, CommentRecord, ImportFormatError, ParseContext
from conftest import SAMPLES

# --- the reference: the functions before the shortcuts, word for word ---------------------


def reference_escape_stray_brackets(markup: str) -> str:
    def keep_or_escape(opening: re.Match) -> str:
        if opening[1].lower() in sanitize.HTML_ELEMENTS and sanitize.TAG_REST.match(
            markup, opening.end()
        ):
            return opening[0]
        return "&lt;" + opening[0][1:]

    return sanitize.TAG_OPEN.sub(keep_or_escape, markup)


def reference_sanitize_html(markup: str, *, tags: set[str] = sanitize.COMMENT_TAGS) -> str:
    cleaned = nh3.clean(
        reference_escape_stray_brackets(markup),
        tags=tags,
        attributes={"*": set(), **sanitize.ALLOWED_ATTRIBUTES},
        url_schemes=sanitize.ALLOWED_SCHEMES,
        link_rel="nofollow ugc",
        strip_comments=True,
    )
    return sanitize.LINK_WITHOUT_HREF.sub(r"\2", cleaned).strip()


def reference_removed_markup(markup: str, *, tags: set[str] = sanitize.COMMENT_TAGS) -> list[str]:
    if "<" not in markup:
        return []
    removed: set[str] = set()
    for tag in sanitize.START_TAG.finditer(reference_escape_stray_brackets(markup)):
        name = tag[1].lower()
        kept_tag = name in tags
        if not kept_tag:
            removed.add(name)
        allowed = sanitize.ALLOWED_ATTRIBUTES.get(name, set())
        for attribute in sanitize.ATTRIBUTE.finditer(tag[2]):
            attr = attribute[1].lower()
            if attr.startswith("on") or (kept_tag and attr not in allowed):
                removed.add(attr)
            if attr in sanitize.URL_ATTRIBUTES and attribute[2]:
                value = sanitize.CONTROL_AND_SPACE.sub("", html.unescape(attribute[2].strip("\"'")))
                scheme = sanitize.SCHEME.match(value)
                if scheme and scheme[1].lower() not in sanitize.ALLOWED_SCHEMES:
                    removed.add(scheme[1].lower() + ":")
    return sorted(removed)


def reference_comment_html(body: str, *, is_html: bool = True) -> str:
    if not is_html:
        return sanitize.text_to_html(body)
    body = reference_escape_stray_brackets(body)
    if not sanitize.BLOCK_TAG.search(body):
        body = sanitize.autoparagraph(body)
    return reference_sanitize_html(body)


def reference_comment_html_and_removed(body: str, *, is_html: bool = True):
    removed = reference_removed_markup(body) if is_html else []
    return reference_comment_html(body, is_html=is_html), removed


# --- the comparison -------------------------------------------------------------------------


def outcome(function, *args, **kwargs):
    """What a call gives, or the kind of error it raises (a lone surrogate cannot reach nh3)."""
    try:
        return function(*args, **kwargs)
    except UnicodeEncodeError:
        return UnicodeEncodeError


def assert_same_everywhere(markup: str) -> None:
    assert outcome(sanitize.comment_html_and_removed, markup) == outcome(
        reference_comment_html_and_removed, markup
    ), repr(markup)
    assert sanitize.escape_stray_brackets(markup) == reference_escape_stray_brackets(markup)
    for tags in (sanitize.COMMENT_TAGS, sanitize.ARTICLE_TAGS):
        assert outcome(sanitize.sanitize_html, markup, tags=tags) == outcome(
            reference_sanitize_html, markup, tags=tags
        ), (repr(markup), tags is sanitize.ARTICLE_TAGS)
        assert sanitize.removed_markup(markup, tags=tags) == reference_removed_markup(
            markup, tags=tags
        ), repr(markup)


URLS = [
    "http://example.org",
    "https://docs.example.net/a/b?x=1&amp;y=2#top",
    "https://EXAMPLE.org:8080/",
    "http://a.b:99999/",  # a port out of range: nh3 drops the href
    "http://1.2.3.999/",  # a host that ends in a number: an IPv4 address, a bad one
    "http://1.2.3.4/",
    "http://0x7f.a/",
    "http://a.0x7f/",
    "http://xn--a.com/",  # invalid punycode
    "http://xn--bcher-kva.example/",
    "http://-a-.b/",
    "http://a..b/",
    "http://a.b./",
    "http://user:pw@a.b/",
    "http://[::1]/",
    "http://a b.c/",
    "http:///x",
    "http:x.y",
    "HTTP://x.y",
    "https://x.y/%zz<>",
    "https://x.y/&copy=1",
    "https://x.y/?a=1&b=2",
    "https://x.y/\\path",
    "javascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,x",
    "mailto:a@b.c",
    "/relative/path",
    "//x.y/protocol-relative",
    "",
]

PIECES = [
    # plain text, and the characters and entities nh3 rewrites or decodes
    "word",
    " ",
    "é",
    "漢字",
    "👍🏽",
    "👨\u200d👩\u200d👧",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\xa0",
    "\u2028",
    "\u3000",
    "\ufeff",
    "\x00",
    "\x0c",
    "\x7f",
    "\x85",
    "\ufdd0",
    "\ufffe",
    "\U0001fffe",
    "\ud800",
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&#39;",
    "&#60;",
    "&#x3C;",
    "&nbsp;",
    "&copy",
    "&amp",
    "&ampx;",
    "&notit;",
    "& ",
    "&",
    "<",
    ">",
    "x<y",
    "a < b",
    "<3",
    "<again>",
    # simple markup
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<em>",
    "</em>",
    "<strong>",
    "</strong>",
    "<code>",
    "</code>",
    "<u>",
    "</u>",
    "<s>",
    "</s>",
    "<br>",
    "<br/>",
    "<br />",
    "<br\n>",
    "</a>",
    # near misses and hostile markup
    "<B>",
    "</B>",
    "<P>",
    "<p/>",
    "</br>",
    "<p ",
    "</p",
    '<b class="x">',
    "<q>",
    "</q>",
    "<blockquote>",
    "</blockquote>",
    "<pre>\n",
    "</pre>",
    "<ul><li>",
    "</li></ul>",
    "<table><td>",
    "<svg><p>",
    "<math><mi>",
    "<textarea>",
    "<title>",
    "<script>alert(1)</script>",
    "<style>p{}</style>",
    '<img src=x onerror="alert(1)">',
    "<img src=javascript:alert(1)>",
    "<iframe src=//x.y>",
    '<div onclick="x()">',
    "</div>",
    "<!-- c -->",
    "<!--",
    "<![CDATA[x]]>",
    "<?php ?>",
    "<a<b>",
    "<bloc\u212aquote>",
    "<aſide>",
    '<a title="<b>">',
    "<a href='http://x.y'>",
    "<a href=http://x.y>",
    '<a href="http://x.y" href="https://z.w">',
    '<a href="http://x.y" title="t" title="u">',
    '<a title="a &amp; &quot;b&quot; &lt;c&gt; &copy;">',
    '<a rel="nofollow noopener">',
    '<a target="_blank">',
    '<a onmouseover="x()">',
    '<a data="javascript:1">',
    '<a\nhref="http://x.y">',
    '<a href="http://x.y"\n>',
    '<a HREF="http://x.y">',
    "<a>",
]


def random_markup(rng: random.Random) -> str:
    pieces = []
    for _ in range(rng.randint(0, 14)):
        if rng.random() < 0.15:
            attributes = [f'href="{rng.choice(URLS)}"']
            if rng.random() < 0.5:
                attributes.append(f'title="{rng.choice(["t", "a &amp; b", "x&quot;y", ""])}"')
            if rng.random() < 0.5:
                attributes.append('rel="nofollow noopener"')
            rng.shuffle(attributes)
            pieces.append(f"<a {' '.join(attributes)}>")
        else:
            pieces.append(rng.choice(PIECES))
    return "".join(pieces)


def well_formed_markup(rng: random.Random) -> str:
    """Paragraphs of properly nested inline markup: mostly what the shortcut takes."""
    inline = ["b", "i", "em", "strong", "code", "u", "s"]

    def content(depth: int) -> str:
        out = []
        for _ in range(rng.randint(0, 4)):
            roll = rng.random()
            if roll < 0.5 or depth > 2:
                out.append(rng.choice(["text", "a &amp; b", "x &lt; y", "漢字 👍", "é\t", " "]))
            elif roll < 0.6:
                out.append(rng.choice(["<br>", "<br/>", "<br>\n"]))
            elif roll < 0.75:
                out.append(f'<a href="{rng.choice(URLS)}">{content(depth + 1)}</a>')
            else:
                name = rng.choice(inline)
                out.append(f"<{name}>{content(depth + 1)}</{name}>")
        return "".join(out)

    blocks = [
        f"<p>{content(0)}</p>" if rng.random() < 0.7 else content(0)
        for _ in range(rng.randint(1, 3))
    ]
    return rng.choice(["", "\n", "\n\n"]).join(blocks)


def test_random_and_hostile_markup_is_cleaned_as_before():
    rng = random.Random(2026)
    for piece in PIECES:
        assert_same_everywhere(piece)
    for _ in range(4000):
        assert_same_everywhere(random_markup(rng))


def test_well_formed_markup_is_cleaned_as_before():
    rng = random.Random(13)
    for _ in range(3000):
        assert_same_everywhere(well_formed_markup(rng))


def test_each_link_url_is_kept_or_dropped_as_nh3_does():
    for url in URLS:
        for markup in (
            f'<p>see <a href="{url}">this</a></p>',
            f'<a title="t" href="{url}" rel="x">this</a>',
            f'<a href="{url}"></a>',
        ):
            assert_same_everywhere(markup)


def random_simple_url(rng: random.Random) -> str:
    """Any URL the shortcut's href pattern allows, odd corners included."""

    def label(first: str) -> str:
        parts = ["".join(rng.choice(first + "0123456789") for _ in range(rng.randint(1, 5)))]
        for _ in range(rng.randint(0, 2)):
            parts.append("".join(rng.choice("aZ09") for _ in range(rng.randint(1, 3))))
        return "-".join(parts)

    letters = "abcxyzXYZ"
    host = ".".join(
        [label(letters) for _ in range(rng.randint(0, 3))] + [rng.choice(letters) + label(letters)]
    )
    port = f":{rng.randint(0, 9999)}" if rng.random() < 0.3 else ""
    rest = "".join(
        rng.choice(["/", "?", "#", "a", "Z", "9", "%", "%zz", "%41", "@", "[", "]", ":", "..", "'"])
        + rng.choice(["", "(", ")", "*", "+", ",", ";", "=", "!", "$", "~", "_", "-", "&amp;"])
        for _ in range(rng.randint(0, 6))
    )
    if rest and rest[0] not in "/?#":
        rest = rng.choice("/?#") + rest
    return f"{rng.choice(['http', 'https'])}://{host}{port}{rest}"


def test_every_url_the_shortcut_takes_keeps_its_link_in_nh3():
    rng = random.Random(7)
    for _ in range(2000):
        markup = f'<p><a href="{random_simple_url(rng)}">link</a></p>'
        assert sanitize.simple_markup_cleaned(markup, sanitize.COMMENT_TAGS) is not None, markup
        assert sanitize.sanitize_html(markup) == reference_sanitize_html(markup), markup


def test_typical_comments_skip_nh3():
    """The shortcut is taken for the shapes most comments have (else it would save nothing)."""
    for markup in [
        "<p>Plain words &amp; an entity.</p>\n<p>Second paragraph<br>\nwith a break.</p>",
        '<p>See <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow" title="x">this</a>.'
        "</p><p><b>bold</b> and <i>italic</i> and <code>code</code></p>",
    ]:
        assert sanitize.simple_markup_cleaned(markup, sanitize.COMMENT_TAGS) is not None
        assert sanitize.sanitize_html(markup) == reference_sanitize_html(markup)


@pytest.mark.parametrize(
    "markup",
    [
        "<p><b>unclosed</p>",  # html5ever closes and reopens the <b>
        "<b><p>block in inline</p></b>",
        '<a href="http://x.y"><a href="http://z.w">nested</a></a>',
        "</p>",  # a stray end tag makes an empty paragraph
        "\ufeffleading BOM<br>",  # dropped by the parser
        '<a href="http://a.b:99999/">bad port</a>',
    ],
)
def test_markup_the_parser_rewrites_goes_to_nh3(markup):
    assert sanitize.simple_markup_cleaned(markup, sanitize.COMMENT_TAGS) is None
    assert_same_everywhere(markup)


def sample_bodies() -> list[tuple[str, bool]]:
    bodies = []
    for path in sorted(SAMPLES.rglob("*")):
        if not path.is_file() or path.suffix in (".md", ".txt", ".py"):
            continue
        try:
            with path.open("rb") as stream:
                parse = FORMATS[detect_format(stream.read(8192))].parse
                stream.seek(0)
                records = list(parse(stream, ParseContext()))
        except ImportFormatError:
            continue  # a malformed sample (its own tests say so)
        for record in records:
            if isinstance(record, CommentRecord):
                bodies.append((record.body, record.body_is_html))
            elif isinstance(record, ArticleRecord):
                bodies.append((record.body, True))
    return bodies


def test_every_sample_comment_and_article_is_cleaned_as_before():
    bodies = sample_bodies()
    assert len(bodies) > 2500  # the samples hold that many, so none was missed
    for body, is_html in bodies:
        assert sanitize.comment_html_and_removed(
            body, is_html=is_html
        ) == reference_comment_html_and_removed(body, is_html=is_html), repr(body[:200])
        assert sanitize.sanitize_article_html(body) == reference_sanitize_html(
            body, tags=sanitize.ARTICLE_TAGS
        )
