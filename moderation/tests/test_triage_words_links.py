"""What the word and link rules read of a comment: its text as a reader reads it, its links,
and the domains a link list names."""

import re
import sys

import pytest

from moderation.triage.evidence import domain, domain_set, in_domains, links, plain_text


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("<p>First.</p><p>Second.</p>", "First. Second."),
        ("one<br>two<br/>three", "one two three"),
        ("<ul><li>a</li><li>b</li></ul>", "a b"),
        ("<H2>Title</H2>text", "Title text"),
        ("Rub<b>bish</b> and <a href='https://x.example/'>rub</a>bish", "Rubbish and rubbish"),
        ("fish &amp; chips &lt;3", "fish & chips <3"),
        ("  wide \n\n gaps\t here ", "wide gaps here"),
    ],
)
def test_the_rules_read_the_text_a_reader_reads(body, text):
    assert plain_text(body) == text


def test_links_are_the_anchors_then_the_bare_addresses_not_already_linked():
    body = (
        '<p><a href="https://one.example/a?x=1&amp;y=2">one</a> and '
        "<a href='https://two.example/'>two</a>; see https://two.example/ or "
        "www.three.example/page and https://one.example/a?x=1&amp;y=2 again</p>"
    )

    assert links(body) == [
        "https://one.example/a?x=1&y=2",
        "https://two.example/",
        "www.three.example/page",
    ]


def test_links_read_the_text_the_caller_already_has():
    body = "<p>see http://body.example/</p>"

    assert links(body, "see http://given.example/") == ["http://given.example/"]


def test_a_comment_without_links_has_none():
    assert links("<p>No links, just www or https talk.</p>") == []


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("Visit WwW.Mixed.example/x now", "WwW.Mixed.example/x"),
        ("Visit WWW.LOUD.EXAMPLE", "WWW.LOUD.EXAMPLE"),
        ("See HTTPS://Shout.example now", "HTTPS://Shout.example"),
        ("See hTTp://low.example", "hTTp://low.example"),
    ],
)
def test_bare_addresses_are_found_whatever_their_case(text, url):
    assert links(f"<p>{text}</p>") == [url]


def test_a_bare_address_always_holds_colon_slash_slash_or_www_dot_in_lower_case():
    """What links() checks before it scans for bare addresses: no other character than
    these (or an upper-case W) matches where a bare address starts, ignoring case."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if re.fullmatch("w", char, re.IGNORECASE):
            assert char.lower() == "w", hex(code)
        if re.fullmatch("[.:/]", char, re.IGNORECASE):
            assert char in ".:/", hex(code)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://News.Example/story", "news.example"),
        ("www.Three.Example/page", "www.three.example"),
        ("WWW.Four.Example", "www.four.example"),
        ("mailto:desk@example.org", ""),
        ("http://[not-a-host/", ""),
    ],
)
def test_the_domain_of_a_link(url, host):
    assert domain(url) == host


@pytest.mark.parametrize(
    ("host", "listed"),
    [
        ("spam.example", "spam.example"),
        ("www.spam.example", "spam.example"),
        ("a.b.spam.example", "spam.example"),
        ("notspam.example", ""),
        ("spam.example.org", ""),
        ("example", ""),
        # A top-level name alone never matches every site under it.
        ("shop.com", ""),
    ],
)
def test_a_host_is_in_a_list_when_it_is_a_listed_domain_or_under_one(host, listed):
    assert in_domains(host, {"spam.example", "com"}) == listed


def test_a_domain_list_is_one_domain_a_line_whatever_its_case_and_dots():
    lines = " Spam.Example \n\n   \n.Tracker.Example\nwww.Other.Example\n"

    assert domain_set(lines) == {"spam.example", "tracker.example", "www.other.example"}
