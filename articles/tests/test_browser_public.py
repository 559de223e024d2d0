"""The article page in headless Chromium: axe finds nothing, CSP blocks nothing, it looks right."""

import re
from pathlib import Path

import pytest

from articles.tests.factory import discussed_article
from conftest import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def test_article_page_has_no_axe_violations(axe_page):
    article = discussed_article()
    for name, (width, height) in WIDTHS.items():
        axe_page.set_viewport_size({"width": width, "height": height})
        assert axe_violations(axe_page, article.get_absolute_url()) == [], name


def test_index_and_login_have_no_axe_violations(axe_page):
    discussed_article()
    for url in ("/", "/accounts/login/"):
        assert axe_violations(axe_page, url) == [], url


def test_screen_readers_can_move_comment_by_comment(browser_page):
    article = discussed_article()
    page = browser_page
    page.goto(article.get_absolute_url())

    # Chromium's accessibility tree: each comment an article named by author and time (the
    # heading's block boundary puts a space before the comma, which screen readers skip).
    staff = page.get_by_role("article", name=re.compile(r"^Dana Scully ?, Staff ?, \d+ \w+ \d{4}"))
    first = page.get_by_role("article", name=re.compile(r"^Gabriel ?, \d+ \w+ \d{4}, \d\d:\d\d"))

    assert page.get_by_role("article").count() == 11  # the story and its ten visible comments
    assert staff.count() == 1 and first.count() == 1
    assert page.get_by_role("heading", level=3).count() == 10


def test_article_page_under_csp_at_phone_and_desktop_widths(browser_page):
    article = discussed_article()
    page = browser_page
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    ARTIFACTS.mkdir(exist_ok=True)
    for name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(article.get_absolute_url())
        page.screenshot(path=str(ARTIFACTS / f"article-{name}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"{name}: the page scrolls sideways"
    assert problems == []
    assert page.locator("h1").count() == 1
    assert "removed by a moderator" in page.inner_text(".comments")
    assert "PENDING" not in page.content()


def test_keyboard_reaches_the_content(browser_page):
    article = discussed_article()
    page = browser_page
    page.goto(article.get_absolute_url())

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
