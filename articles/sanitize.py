"""Turn untrusted comment and article markup into the small HTML readers see."""

import html
import re
from urllib.parse import urlsplit

import nh3

COMMENT_TAGS = {
    "p",
    "br",
    "a",
    "em",
    "i",
    "strong",
    "b",
    "u",
    "s",
    "blockquote",
    "q",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
}
# Articles carry a little more structure than comments, still no scripts or styles.
ARTICLE_TAGS = COMMENT_TAGS | {"h2", "h3", "h4", "figure", "figcaption", "hr", "cite", "sub", "sup"}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ODD_SPACES = re.compile(r"[\u00a0\u2007\u202f\u2000-\u200a\u3000\t]")
ZERO_WIDTH = re.compile(r"[\ufeff\u200b\u200c\u200d\u2060]")
BLANK_LINES = re.compile(r"\n\s*\n")
# An <a> start tag as nh3 writes it (attribute values always double-quoted), with no href.
LINK_WITHOUT_HREF = re.compile(r'<a((?:\s+(?!href=)[\w:-]+="[^"]*")*)\s*>(.*?)</a>', re.DOTALL)
# Every element name HTML knows, current and obsolete (SVG and MathML by their roots);
# one string, as a 150-item list literal would be a page of quotes.
HTML_ELEMENTS = frozenset(
    """a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound
    big blink blockquote body br button canvas caption center cite code col colgroup data
    datalist dd del details dfn dialog dir div dl dt em embed fieldset figcaption figure font
    footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe image img
    input ins isindex kbd keygen label legend li link listing main map mark marquee math menu
    menuitem meta meter multicol nav nextid nobr noembed noframes noscript object ol optgroup
    option output p param picture plaintext pre progress q rb rp rt rtc ruby s samp script
    search section select slot small source spacer span strike strong style sub summary sup svg
    table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr
    xmp""".split()  # noqa: SIM905
)
# Where an HTML parser starts a tag: "<" or "</", a letter, then the name up to a space, "/"
# or ">" (the parser keeps any other character, "<" too, in the name).
TAG_OPEN = re.compile(r"</?([a-zA-Z][^\s/>]*)")
# The rest of a well-formed tag: attributes (quoted values may hold "<" and ">"), then ">".
TAG_REST = re.compile(
    r"""(?:[\s/]+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>=`]+))?)*[\s/]*>"""
)
# A "<" that `escape_stray_brackets` might escape: it opens a tag name that is not an
# element's, in ASCII letters, followed by a well-formed rest. (ASCII only, as Python's
# case-insensitive matching also folds "ſ" to "s", which `str.lower` does not: such a name is
# left to the exact check.)
# The names comments use most come first, as the alternatives are tried in order.
COMMON_FIRST = ["p", "br", "a", "b", "i", "em", "strong", "code", "blockquote", "li"]
ELEMENT_NAMES = "|".join(COMMON_FIRST + sorted(HTML_ELEMENTS - set(COMMON_FIRST)))
MAYBE_STRAY = re.compile(
    rf"""<(?=/?[a-zA-Z])(?!/?(?ai:{ELEMENT_NAMES})(?![^\s/>]){TAG_REST.pattern})"""
)


def escape_stray_brackets(markup: str) -> str:
    """A "<" that opens no well-formed HTML element is a reader's text ("<again>", "x<y",
    "a<b then"): escaped, so cleaning shows it instead of dropping it as an unknown tag or,
    with no ">" to end it, dropping everything up to the next ">" or the end."""

    if not MAYBE_STRAY.search(markup):
        return markup  # the common case: every "<" opens a well-formed tag (or there is none)

    def keep_or_escape(opening: re.Match) -> str:
        if opening[1].lower() in HTML_ELEMENTS and TAG_REST.match(markup, opening.end()):
            return opening[0]
        return "&lt;" + opening[0][1:]

    return TAG_OPEN.sub(keep_or_escape, markup)


def sanitize_html(markup: str, *, tags: set[str] = COMMENT_TAGS) -> str:
    """Keep only the allow-listed tags; links get rel="nofollow ugc" and safe schemes."""
    simple = simple_markup_cleaned(markup, tags)
    if simple is not None:
        return simple.strip()
    cleaned = nh3.clean(
        escape_stray_brackets(markup),
        tags=tags,
        # "*": nothing on every tag, as nh3 otherwise keeps lang and title on all of them.
        attributes={"*": set(), **ALLOWED_ATTRIBUTES},
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow ugc",
        strip_comments=True,
    )
    # A link whose href had a refused scheme is left bare, which is not valid with rel:
    # keep its text only.
    return LINK_WITHOUT_HREF.sub(r"\2", cleaned).strip()


def sanitize_article_html(markup: str) -> str:
    return sanitize_html(markup, tags=ARTICLE_TAGS)


# Text nh3 writes back exactly as it reads it: no markup characters but the three entities
# it writes itself, and none of the characters it rewrites (no-break spaces become &nbsp;,
# carriage returns newlines; controls, surrogates and noncharacters are refused or replaced).
REWRITTEN = r"<>&\x00-\x08\x0b-\x1f\x7f-\xa0\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
PLAIN_TEXT = rf"(?:[^{REWRITTEN}]|&(?:amp|lt|gt);)*"
PLAIN_PARAGRAPH = rf"<p>{PLAIN_TEXT}(?:<br>{PLAIN_TEXT})*</p>"
# Paragraphs of plain text, as `text_to_html`, `autoparagraph` and nh3 itself write them.
PLAIN_PARAGRAPHS = re.compile(rf"{PLAIN_PARAGRAPH}(?:\n{PLAIN_PARAGRAPH})*")


def sanitize_stored_html(markup: str, *, tags: set[str] = COMMENT_TAGS) -> str:
    """`sanitize_html` for markup on its way to a page, which was sanitised when stored.

    Pages sanitise again because an old row may predate today's rules. Most comments are
    plain paragraphs, which nh3 returns unchanged (the same string, byte for byte), so those
    skip it: a page of a few hundred comments spent a fifth of its time re-cleaning them.
    """
    if "p" in tags and "br" in tags and PLAIN_PARAGRAPHS.fullmatch(markup):
        return markup
    return sanitize_html(markup, tags=tags)


# Simple markup: what most comments are. nh3 (html5ever, then ammonia) gives it back as it is,
# but for links, which keep href and title and get rel="nofollow ugc", and "<br/>", which
# becomes "<br>"; so it is written here without nh3, a few times faster. What makes that sure:
# - text holds no character nh3 rewrites, and no "&" but the three entities it writes itself;
# - tags are written plainly (lowercase names, double-quoted values without "<", ">", or an
#   entity that would not be written back alike), so `escape_stray_brackets` leaves them;
# - inline elements (all "formatting" elements for html5ever) nest properly and paragraphs only
#   at the top, so the parser builds the tree as written: nothing is closed, reopened or moved;
# - href is http(s) with an ASCII host name ending in a label that starts with a letter, an
#   optional short port and no credentials: a URL nh3 always parses, so the link keeps it.
# Anything else goes to nh3.
SIMPLE_INLINE = {"b", "i", "em", "strong", "u", "s", "code", "a"}
SIMPLE_TAGS = SIMPLE_INLINE | {"p", "br"}
SIMPLE_TEXT = rf"(?:[^{REWRITTEN}\ufeff]++|&(?:amp|lt|gt);)"  # a leading BOM is dropped
SIMPLE_VALUE = rf'"(?:[^"{REWRITTEN}\ufeff]|&(?:amp|quot);)*"'
HOST_LABEL = r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"
SIMPLE_URL = (
    rf"https?://(?:{HOST_LABEL}\.)*[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*(?::[0-9]{{1,4}})?"
    r"(?:[/?#](?:[A-Za-z0-9\-._~:/?#\[\]@!$'()*+,;=%]|&amp;)*)?"
)
SIMPLE_ATTRIBUTE = rf'[ \t\n]+(?:href="{SIMPLE_URL}"|(?!href=)[a-z][a-z0-9-]*={SIMPLE_VALUE})'
SIMPLE_TAG = (
    rf"</?(?:p|b|i|em|strong|u|s|code)>|<br[ \t\n]*/?>|</a>|<a(?:{SIMPLE_ATTRIBUTE})+[ \t\n]*>"
)
# Possessive: markup that is not simple fails at once instead of backtracking.
SIMPLE_MARKUP = re.compile(rf"(?:{SIMPLE_TEXT}|{SIMPLE_TAG})*+")
# In simple markup every "<" starts a tag and no attribute value holds a ">".
SIMPLE_TAG_PARTS = re.compile(r"<(/?)([a-z]+)[^>]*>")
# The tags nh3 writes differently: links, and <br> with a space or a slash.
SIMPLE_TAG_REWRITTEN = re.compile(r"<a[^>]+>|<br[^>]+>")
SIMPLE_LINK_ATTRIBUTE = re.compile(r'([a-z][a-z0-9-]*)=("[^"]*")')
KEPT_LINK_ATTRIBUTES = ALLOWED_ATTRIBUTES["a"]


class NotSimple(Exception):
    """A tag that looked simple is not (a repeated attribute, a link without href)."""


def simple_markup_cleaned(markup: str, tags: set[str]) -> str | None:
    """What nh3 makes of `markup` if it is simple markup (see above), else None.

    Its links all keep their href, so none is left for LINK_WITHOUT_HREF."""
    if not tags >= SIMPLE_TAGS or not SIMPLE_MARKUP.fullmatch(markup):
        return None
    open_tags: list[str] = []
    for closing, name in SIMPLE_TAG_PARTS.findall(markup):
        if name == "br":
            continue
        if closing:
            if not open_tags or open_tags.pop() != name:
                return None
        elif (name == "p" and open_tags) or (name == "a" and "a" in open_tags):
            return None
        else:
            open_tags.append(name)
    if open_tags:
        return None
    if "<a" not in markup and "<br" not in markup:
        return markup
    try:
        return SIMPLE_TAG_REWRITTEN.sub(cleaned_tag, markup)
    except NotSimple:
        return None


def cleaned_tag(tag: re.Match) -> str:
    """A simple <a> or <br> tag as nh3 writes it."""
    if tag[0].startswith("<br"):
        return "<br>"
    names = set()
    kept = []
    for attribute in SIMPLE_LINK_ATTRIBUTE.finditer(tag[0]):
        name = attribute[1]
        if name in names:
            raise NotSimple  # the parser keeps the first; rare enough to leave to nh3
        names.add(name)
        if name in KEPT_LINK_ATTRIBUTES:
            kept.append(attribute[0])
    if "href" not in names:
        raise NotSimple
    return f'<a {" ".join(kept)} rel="nofollow ugc">'


# What sanitising takes away, named for people: found with a light scan of the
# source's tags (nh3 does the real cleaning and reports nothing).
START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*)([^<>]*)>")
# The same, passing over a comment tag with no attributes, which never has anything to report.
BARE_COMMENT_TAG = "|".join(sorted(COMMENT_TAGS, key=lambda name: (-len(name), name)))
NOTABLE_START_TAG = re.compile(rf"<(?!(?:{BARE_COMMENT_TAG})>){START_TAG.pattern[1:]}")
ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
CONTROL_AND_SPACE = re.compile(r"[\x00-\x20]+")


def removed_markup(markup: str, *, tags: set[str] = COMMENT_TAGS) -> list[str]:
    """Tags, attributes and link schemes ("script", "onerror", "javascript:") cleaning drops."""
    if "<" not in markup:
        return []
    return removed_from_escaped(escape_stray_brackets(markup), tags)


def removed_from_escaped(markup: str, tags: set[str]) -> list[str]:
    """`removed_markup` for markup `escape_stray_brackets` has been through."""
    removed: set[str] = set()
    start_tags = NOTABLE_START_TAG if tags >= COMMENT_TAGS else START_TAG
    for tag in start_tags.finditer(markup):
        name = tag[1].lower()
        kept_tag = name in tags
        if not kept_tag:
            removed.add(name)
        allowed = ALLOWED_ATTRIBUTES.get(name, set())
        for attribute in ATTRIBUTE.finditer(tag[2]):
            attr = attribute[1].lower()
            if attr.startswith("on") or (kept_tag and attr not in allowed):
                removed.add(attr)
            if attr in URL_ATTRIBUTES and attribute[2]:
                value = CONTROL_AND_SPACE.sub("", html.unescape(attribute[2].strip("\"'")))
                scheme = SCHEME.match(value)
                if scheme and scheme[1].lower() not in ALLOWED_SCHEMES:
                    removed.add(scheme[1].lower() + ":")
    return sorted(removed)


def html_to_text(markup: str) -> str:
    """Markup a source sent where we keep plain text (a deck): tags and scripts dropped,
    entities decoded, whitespace folded. Templates escape it when they show it."""
    text = html.unescape(nh3.clean(escape_stray_brackets(markup), tags=set(), strip_comments=True))
    return " ".join(clean_spaces(text).split())


def clean_spaces(text: str) -> str:
    return ZERO_WIDTH.sub("", ODD_SPACES.sub(" ", text))


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of plain text: split on blank lines, inner whitespace folded."""
    text = clean_spaces(text.replace("\r\n", "\n").replace("\r", "\n"))
    return [" ".join(chunk.split()) for chunk in BLANK_LINES.split(text) if chunk.strip()]


def text_to_html(text: str) -> str:
    """Plain text to escaped paragraphs."""
    return paragraphs_html(split_paragraphs(text))


def paragraphs_html(paragraphs: list[str]) -> str:
    """Paragraphs of plain text as escaped <p> elements."""
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


def safe_url(url: str) -> str:
    """The URL if its scheme is http, https or mailto; otherwise empty."""
    url = (url or "").strip()
    if not url:
        return ""
    return url if urlsplit(url).scheme in ALLOWED_SCHEMES else ""  # urlsplit lowercases it


BLOCK_TAG = re.compile(r"<\s*(p|br|div|ul|ol|blockquote|pre|h[1-6]|table)\b", re.IGNORECASE)


def autoparagraph(markup: str) -> str:
    """WordPress-style: blank lines make paragraphs, single newlines make <br>."""
    markup = markup.replace("\r\n", "\n").replace("\r", "\n")
    paras = [p.strip() for p in BLANK_LINES.split(markup) if p.strip()]
    return "\n".join("<p>" + p.replace("\n", "<br>\n") + "</p>" for p in paras)


def comment_html(body: str, *, is_html: bool = True) -> str:
    """The reader-facing HTML for a comment body from any source."""
    if not is_html:
        return text_to_html(body)
    # Before looking for block tags: a reader's "x<p then" is text, and the body still
    # needs its paragraphs.
    return escaped_comment_html(escape_stray_brackets(body))


def escaped_comment_html(body: str) -> str:
    """`comment_html` for a body `escape_stray_brackets` has been through."""
    if not BLOCK_TAG.search(body):
        body = autoparagraph(body)
    return sanitize_html(body)


def comment_html_and_removed(body: str, *, is_html: bool = True) -> tuple[str, list[str]]:
    """`comment_html`, and what it took away (see `removed_markup`)."""
    if not is_html:
        return text_to_html(body), []
    escaped = escape_stray_brackets(body)  # once for both
    return escaped_comment_html(escaped), removed_from_escaped(escaped, COMMENT_TAGS)
