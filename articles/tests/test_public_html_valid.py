"""The public pages pass the Nu HTML Checker (vnu.jar from npm, run on the machine's Java)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from articles.tests.factory import discussed_article, make_article

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]
VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_messages(pages: dict[str, str], tmp_path: Path) -> list[str]:
    """Every error and warning the checker reports, as "page:line: message"."""
    java = shutil.which("java")
    assert java, "Java is missing: run scripts/ensure-java.sh (make test does)"
    assert VNU.exists(), "vnu.jar is missing: run make setup"
    files = []
    for name, html in pages.items():
        files.append(tmp_path / f"{name}.html")
        files[-1].write_text(html, encoding="utf-8")
    # One JVM for all pages: starting it is most of the cost.
    run = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stdout)["messages"]
    return [
        f"{Path(m.get('url', '')).stem}:{m.get('lastLine')}: {m['type']}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "warning"
    ]


def test_article_index_and_login_pages_are_valid_html(client, tmp_path):
    article = discussed_article()
    article.language = "de"
    article.save()
    for n in range(21):  # a second page of the index, with its pagination links
        make_article(title=f"Filler {n}")
    pages = {
        "article": client.get(article.get_absolute_url()).content.decode(),
        "index": client.get(reverse("articles:index")).content.decode(),
        "index-page-2": client.get(reverse("articles:index") + "?page=2").content.decode(),
        "login": client.get(reverse("login")).content.decode(),
    }
    assert "removed by a moderator" in pages["article"] and "staff-badge" in pages["article"]

    assert nu_messages(pages, tmp_path) == []


def test_the_checker_reports_invalid_markup(tmp_path):
    # Guards the test above: a checker that found nothing on anything would prove nothing.
    invalid = (
        '<!doctype html><html lang="en"><head><title>t</title></head><body>'
        '<time datetime="2026-03-04T17:05:00.123456+00:00">now</time>'
        '<a rel="nofollow ugc">bare</a></body></html>'
    )

    messages = nu_messages({"invalid": invalid}, tmp_path)

    assert any("datetime" in m for m in messages)
    assert any("href" in m for m in messages)
