"""The whole journey in a real headless Chromium: log in, moderate, read the page."""

from pathlib import Path

import pytest

from articles.importers.service import import_file
from articles.models import Article, Comment
from conftest import SEED, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_moderate_the_seed_article_then_read_it(desk_roles, browser_page, moderator):
    page = browser_page
    import_file(SEED)
    gabriel_1, jordan, gabriel_2 = Comment.objects.order_by("id")

    log_in(page, moderator.username)
    page.goto("/moderation/")
    assert page.locator(".queue-item").count() == 3

    page.locator(f"[data-comment-id='{gabriel_1.pk}'] button:has-text('Approve')").click()
    page.wait_for_selector("text=Approved the comment by Gabriel")
    page.locator(f"[data-comment-id='{jordan.pk}'] button:has-text('Approve')").click()
    page.wait_for_selector("text=Approved the comment by JordanHarbinger")
    row = page.locator(f"[data-comment-id='{gabriel_2.pk}']")
    row.locator("select[name=reason]").select_option("off_topic")
    row.locator("input[name=note]").fill("iPad anecdote")
    row.locator("button:has-text('Hide')").click()
    page.wait_for_selector("text=Hid the comment by Gabriel")
    assert page.locator(".queue-item").count() == 0

    # Reply from the public article's comment, through the admin comment page.
    page.goto(f"/admin/articles/comment/{jordan.pk}/change/")
    page.fill("#id_reply_body", "Thanks Jordan, we will follow this story.")
    page.click("button:has-text('Publish reply')")
    page.wait_for_selector("text=Done.")

    article = Article.objects.get()
    page.goto(article.get_absolute_url())
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "article-after-moderation.png"), full_page=True)
    comments = page.locator("#comments-heading + ol > li.comment")
    assert comments.count() == 2
    assert page.locator("#comments-heading").inner_text() == "3 comments"
    jordan_item = page.locator(f"#comment-{jordan.pk}")
    staff = jordan_item.locator(".comment-replies .comment-staff")
    assert staff.locator(".staff-badge").inner_text() == "Staff"
    assert "we will follow this story" in staff.inner_text()
    assert "iPad" not in page.content()
    assert "Remember how awesome" not in page.content()
