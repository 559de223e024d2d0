"""A link the sanitiser cannot keep loses its tag, not its text (HTML forbids `<a rel>`)."""

import pytest

from articles.sanitize import sanitize_article_html, sanitize_html
from articles.tests.factory import make_article, make_comment


@pytest.mark.parametrize(
    "markup",
    [
        '<a href="javascript:alert(1)">the source</a>',
        '<a href="jav&#x61;script:alert(1)">the source</a>',
        '<a href="data:text/html,x" title="a > b">the source</a>',
        "<a>the source</a>",
        '<a name="anchor">the source</a>',
    ],
)
def test_link_without_a_safe_href_keeps_only_its_text(markup):
    assert sanitize_html(f"<p>See {markup}.</p>") == "<p>See the source.</p>"


def test_inner_markup_of_a_dropped_link_stays():
    html = sanitize_article_html('<a href="vbscript:x"><em>Read</em> more</a>')

    assert html == "<em>Read</em> more"


def test_safe_links_are_kept_beside_dropped_ones():
    html = sanitize_html(
        '<a href="ftp://x">one</a> <a href="https://example.org/" title="t">two</a>'
    )

    assert html == 'one <a href="https://example.org/" title="t" rel="nofollow ugc">two</a>'


@pytest.mark.django_db
def test_public_page_shows_an_old_bare_link_as_text(client):
    # Stored before the rule: the page sanitises again on the way out.
    article = make_article()
    make_comment(article, status="approved", body='<p><a rel="nofollow ugc">bare</a> words</p>')

    html = client.get(article.get_absolute_url()).content.decode()

    assert "<p>bare words</p>" in html
