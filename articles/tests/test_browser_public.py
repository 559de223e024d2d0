"""The article page in headless Chromium: axe finds nothing, CSP blocks nothing, it looks right."""

from pathlib import Path

import pytest
from django.utils import timezone

from articles.models import Comment
from articles.tests.factory import make_article, make_comment, make_user
from conftest import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
TEXT = "Mobile Internet is coming, with one large caveat: only visitors may use it. " * 3
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def discussed_article():
    article = make_article(
        title="North Korea opens the door to mobile Internet, for foreigners",
        deck="The scheme gives 3G connectivity to tourists “no later than March 1.”",
        body="".join(f"<p>Paragraph {n}: {TEXT}</p>" for n in range(1, 4)),
        image_credit="Image by Flickr user (stephan)",
        source_url="https://example.com/story",
    )
    staffer = make_user(first_name="Dana", last_name="Scully")
    first = make_comment(
        article,
        author_name="Gabriel",
        status="approved",
        body="<p>Good news for travelling. <em>Small steps</em>.</p>",
    )
    gone = make_comment(article, parent=first, status="hidden", hidden_reason="abuse")
    parent = make_comment(article, parent=gone, author_name="Jordan", status="approved")
    make_comment(
        article,
        parent=parent,
        status="approved",
        is_staff_reply=True,
        staff_author=staffer,
        author_name="Dana Scully",
        body="<p>Thanks, we will follow this story.</p>",
    )
    for depth in range(6):
        parent = make_comment(
            article,
            parent=parent,
            author_name=f"Reader{depth}",
            status="approved",
            body=f"<p>Going deeper, level {depth}.</p>",
        )
    make_comment(article, author_name="Pat", status="pending", body="<p>PENDING</p>")
    make_comment(
        article,
        author_name="Lee",
        status="approved",
        created_at=timezone.now(),
        body="<p>A second thread.</p>",
    )
    assert Comment.objects.filter(article=article).count() == 12
    return article


def test_article_page_has_no_axe_violations(axe_page):
    article = discussed_article()
    for name, (width, height) in WIDTHS.items():
        axe_page.set_viewport_size({"width": width, "height": height})
        axe_page.goto(article.get_absolute_url())
        violations = axe_violations(axe_page)
        assert violations == [], f"{name}: {violations}"


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
