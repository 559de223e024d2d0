"""sitemap.xml as a crawler reads it: every URL answers, with itself as canonical."""

import gzip
import re
from urllib.parse import urlsplit

import pytest
from defusedxml import ElementTree

from articles.tests.factory import make_article, make_comment

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)">')


def test_every_sitemap_url_answers_with_itself_as_canonical(client):
    for n in range(3):
        article = make_article(title=f"Story {n}", deck="" if n else "A deck")
        make_comment(article, status="approved")
    make_article(title="Undated", published_at=None)

    sitemap = ElementTree.fromstring(client.get("/sitemap.xml").content)
    urls = [u.findtext(f"{SITEMAP}loc") for u in sitemap.findall(f"{SITEMAP}url")]

    assert len(urls) == 5  # the index and four articles
    for url in urls:
        response = client.get(urlsplit(url).path)
        assert response.status_code == 200, url
        assert CANONICAL.findall(response.content.decode()) == [url]


def test_sitemap_is_gzipped_and_answers_304(client):
    make_article()
    first = client.get("/sitemap.xml", headers={"accept-encoding": "gzip"})

    again = client.get(
        "/sitemap.xml", headers={"accept-encoding": "gzip", "if-none-match": first["ETag"]}
    )

    assert first["Content-Encoding"] == "gzip"
    assert b"<urlset" in gzip.decompress(first.content)
    assert again.status_code == 304
