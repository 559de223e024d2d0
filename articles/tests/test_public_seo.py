"""What search engines, feed readers and link previews get."""

import re
from datetime import UTC, datetime

import pytest
from defusedxml import ElementTree
from django.urls import reverse

from articles.tests.factory import make_article

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_article_has_description_canonical_and_open_graph(client):
    article = make_article(title="Tea & cake", deck="Why <b>tea</b> matters")

    html = client.get(article.get_absolute_url()).content.decode()

    url = f"http://testserver{article.get_absolute_url()}"
    assert '<meta name="description" content="Why &lt;b&gt;tea&lt;/b&gt; matters">' in html
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="Tea &amp; cake">' in html
    assert '<meta property="og:type" content="article">' in html


def test_description_falls_back_to_the_body(client):
    article = make_article(deck="", body="<p>First <em>words</em> of the body.</p>")

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<meta name="description" content="First words of the body.">' in html


def test_atom_feed_lists_newest_articles(client):
    make_article(title="Older", published_at=datetime(2026, 1, 1, tzinfo=UTC))
    make_article(title="Newer", published_at=datetime(2026, 2, 1, tzinfo=UTC), deck="Deck <i>")

    response = client.get(reverse("articles:feed-atom"))

    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Newer", "Older"]
    assert entries[0].findtext(f"{ATOM}summary") == "Deck &lt;i&gt;"  # text, as HTML


def test_rss_feed_links_to_article_pages(client):
    article = make_article(title="Linked")

    feed = ElementTree.fromstring(client.get(reverse("articles:feed-rss")).content)

    assert feed.findtext("channel/item/link") == f"http://testserver{article.get_absolute_url()}"


def test_pages_advertise_the_feeds(client):
    html = client.get(reverse("articles:index")).content.decode()

    assert 'type="application/atom+xml"' in html and 'type="application/rss+xml"' in html


def test_sitemap_lists_articles_with_their_last_change(client):
    article = make_article()

    xml = client.get("/sitemap.xml").content.decode()

    assert f"<loc>http://testserver{article.get_absolute_url()}</loc>" in xml
    assert f"<lastmod>{article.updated_at.date().isoformat()}</lastmod>" in xml
    assert "<loc>http://testserver/</loc>" in xml


def test_robots_txt_points_to_the_sitemap_and_away_from_the_desk(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Disallow: /moderation/" in text and "Disallow: /admin/" in text
    assert re.search(r"^Sitemap: http://testserver/sitemap.xml$", text, re.M)
