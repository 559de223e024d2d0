"""Security headers on public pages, and markup that stays inert."""

import json
import os
import subprocess
import sys

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


def production_values(*names: str) -> dict:
    """Read production settings in a fresh interpreter: importing the module here would
    change settings that later tests share."""
    code = (
        "import json, config.settings.production as p;"
        f"print(json.dumps({{n: getattr(p, n) for n in {list(names)!r}}}))"
    )
    env = {
        **os.environ,
        "SECRET_KEY": "k3y-" + "abcdefghij" * 6,
        "ALLOWED_HOSTS": "testserver",
    }
    env.pop("DEMO_PASSWORD", None)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_production_sends_hsts(client, settings):
    production = production_values(
        "DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"
    )
    settings.SECURE_HSTS_SECONDS = production["SECURE_HSTS_SECONDS"]
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = production["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    settings.SECURE_HSTS_PRELOAD = production["SECURE_HSTS_PRELOAD"]

    response = client.get(reverse("articles:index"), secure=True)

    assert production["DEBUG"] is False
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


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
