"""What link previews and search engines read: descriptions, canonicals, images, icons."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from articles.tests.factory import make_article

pytestmark = pytest.mark.django_db
SITE_DESCRIPTION = "The newest articles and their reader discussions."


def meta(html: str, key: str) -> list[str]:
    return re.findall(rf'<meta (?:name|property)="{re.escape(key)}" content="([^"]*)">', html)


def test_article_without_deck_or_body_is_described_by_the_site(client):
    article = make_article(deck="", body="")

    html = client.get(article.get_absolute_url()).content.decode()

    assert meta(html, "description") == [SITE_DESCRIPTION]
    assert meta(html, "og:description") == [SITE_DESCRIPTION]


def test_body_excerpt_is_plain_text_and_bounded(client):
    article = make_article(deck="", body="<h2>Intro</h2><p>" + "word " * 100 + "</p>")

    (description,) = meta(client.get(article.get_absolute_url()).content.decode(), "description")

    assert description.startswith("Intro word word")
    assert len(description) == 200 and "<" not in description


@pytest.mark.parametrize("url", ["/", "/?page=2"])
def test_pages_share_the_default_image_which_exists(client, url):
    article = make_article()
    for _ in range(20):
        make_article()

    for page in (url, article.get_absolute_url()):
        html = client.get(page).content.decode()
        (image,) = meta(html, "og:image")
        assert image == "http://testserver/static/img/share-default.png"
        assert meta(html, "og:image:width") == ["1200"]
        assert meta(html, "twitter:card") == ["summary_large_image"]
    assert finders.find("img/share-default.png")


def test_each_index_page_is_its_own_canonical(client):
    for _ in range(45):
        make_article()

    pages = {
        n: client.get(reverse("articles:index"), {"page": n}).content.decode() for n in (1, 2, 3)
    }

    canonicals = {
        n: re.findall(r'<link rel="canonical" href="([^"]+)">', h) for n, h in pages.items()
    }
    assert canonicals == {
        1: ["http://testserver/"],
        2: ["http://testserver/?page=2"],
        3: ["http://testserver/?page=3"],
    }
    assert meta(pages[2], "description") == [SITE_DESCRIPTION]
    assert "<title>Latest articles · Moderato</title>" in pages[1]
    assert "<title>Latest articles, page 2 · Moderato</title>" in pages[2]


def test_an_out_of_range_page_is_canonical_to_the_page_shown(client):
    make_article()

    html = client.get(reverse("articles:index"), {"page": "abc"}).content.decode()

    assert '<link rel="canonical" href="http://testserver/">' in html


def test_favicon_ico_leads_to_an_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.ico"
    with open(finders.find("img/favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file


def test_pages_link_their_icons(client):
    html = client.get(reverse("login")).content.decode()

    assert '<link rel="icon" href="/static/img/icon-32.png"' in html
    assert meta(html, "description") == [SITE_DESCRIPTION]


def test_index_is_gzipped_and_answers_304(client):
    make_article(deck="x" * 500)
    first = client.get(reverse("articles:index"), headers={"accept-encoding": "gzip"})

    again = client.get(
        reverse("articles:index"),
        headers={"accept-encoding": "gzip", "if-none-match": first["ETag"]},
    )

    assert first["Content-Encoding"] == "gzip"
    assert again.status_code == 304
