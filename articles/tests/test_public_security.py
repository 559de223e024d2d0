"""Security headers on public pages, and markup that stays inert."""

import importlib

import pytest
from django.urls import reverse

from articles.tests.factory import make_article, make_comment

pytestmark = pytest.mark.django_db


def test_public_pages_send_security_headers(client):
    article = make_article()

    for url in (article.get_absolute_url(), reverse("articles:index"), "/nope/"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_carry_no_inline_script_or_style(client):
    article = make_article()
    make_comment(article, status="approved")

    html = client.get(article.get_absolute_url()).content.decode()

    assert "<script" not in html and "<style" not in html and " style=" not in html


def test_production_sends_hsts(client, settings, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    production = importlib.import_module("config.settings.production")
    settings.SECURE_HSTS_SECONDS = production.SECURE_HSTS_SECONDS
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = production.SECURE_HSTS_INCLUDE_SUBDOMAINS

    response = client.get(reverse("articles:index"), secure=True)

    assert production.DEBUG is False and production.SECURE_HSTS_SECONDS >= 31536000
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_comment_text_is_escaped_not_trusted(client):
    article = make_article(deck='<img src=x onerror="alert(1)">', title="<b>Title</b>")
    make_comment(
        article,
        status="approved",
        author_name='<script>alert("name")</script>',
        body='<a href="javascript:alert(1)">x</a><img src=x onerror=alert(2)>',
    )

    html = client.get(article.get_absolute_url()).content.decode()

    assert "<script>alert" not in html and "<img" not in html
    assert "javascript:" not in html and "onerror=alert" not in html and 'onerror="' not in html
    assert "&lt;b&gt;Title&lt;/b&gt;" in html
