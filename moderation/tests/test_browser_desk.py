"""The desk in headless Chromium: keys, a bulk action, and two moderators at once."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from articles.models import Comment
from articles.tests.factory import make_article, make_comment, make_user
from conftest import log_in
from moderation.models import ModerationEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


def arrange(count, **kwargs):
    """Pending comments, newest first in the queue: returns them in queue order."""
    article = make_article(title="Council approves the new tram line")
    now = timezone.now()
    comments = [
        make_comment(
            article,
            author_name=f"Reader {n}",
            body=f"<p>Comment number {n} about the tram.</p>",
            created_at=now - timedelta(minutes=n),
            **kwargs,
        )
        for n in range(count)
    ]
    return comments


def row(page, comment):
    return page.locator(f"[data-comment-id='{comment.pk}']")


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_keyboard_flow(desk_roles, browser_page, moderator):
    page = browser_page
    first, second, third, fourth = arrange(4)
    make_comment(first.article, parent=first, status="approved", author_name="Parent reply")
    log_in(page, moderator.username)
    page.goto("/moderation/")
    shoot(page, "desk-queue-desktop")
    page.evaluate("window.notReloaded = true")

    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert "is-current" in row(page, second).get_attribute("class")
    page.keyboard.press("a")
    page.wait_for_selector(f"[data-comment-id='{second.pk}'].queue-done")
    assert "Approved the comment by Reader 1." in row(page, second).inner_text()
    assert "is-current" in row(page, third).get_attribute("class")  # the next one is ready

    page.keyboard.press("h")
    assert page.evaluate("document.activeElement.name") == "reason"
    page.keyboard.press("ArrowDown")  # spam -> abuse
    page.keyboard.press("Enter")
    page.wait_for_selector(f"[data-comment-id='{third.pk}'].queue-done")
    assert "is-current" in row(page, fourth).get_attribute("class")

    page.keyboard.press("x")
    assert page.locator("[data-desk-selected-count]").inner_text() == "1 selected"
    page.keyboard.press("r")
    # The reply carries the version the row showed, so a change meanwhile is a conflict.
    assert page.locator("#desk-reply-form [name=version]").input_value() == str(fourth.version)
    page.keyboard.type("Thanks, we have asked the council.")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(f"[data-comment-id='{fourth.pk}'].queue-done")
    assert "Published your reply to Reader 3." in row(page, fourth).inner_text()

    page.keyboard.press("?")
    assert page.locator("#desk-keys").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#desk-keys").is_visible()
    assert page.evaluate("window.notReloaded") is True

    statuses = dict(Comment.objects.filter(is_staff_reply=False).values_list("pk", "status"))
    assert statuses[first.pk] == "pending"
    assert statuses[second.pk] == "approved" and statuses[fourth.pk] == "approved"
    assert Comment.objects.get(pk=third.pk).hidden_reason == "abuse"
    assert Comment.objects.filter(is_staff_reply=True, parent=fourth).exists()

    page.set_viewport_size(PHONE)
    page.goto("/moderation/")
    shoot(page, "desk-queue-phone")
    page.goto(f"/moderation/comments/{third.pk}/")
    shoot(page, "desk-comment-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    shoot(page, "desk-comment-desktop")
    page.goto(f"/moderation/articles/{first.article_id}/")
    shoot(page, "desk-article-desktop")


def test_bulk_hide_selected_then_all_matching(desk_roles, browser_page, moderator):
    page = browser_page
    comments = arrange(4)
    log_in(page, moderator.username)
    page.goto("/moderation/")
    page.evaluate("window.notReloaded = true")

    row(page, comments[0]).locator(".desk-select").check()
    row(page, comments[2]).locator(".desk-select").check()
    assert page.locator("[data-desk-selected-count]").inner_text() == "2 selected"
    page.select_option("#bulk-reason", "spam")
    page.click("button:has-text('Hide selected')")
    page.wait_for_selector("text=Hid 2 comments.")
    assert page.locator(".queue-item").count() == 2

    page.check("#all-matching")
    page.click("button:has-text('Approve selected')")
    page.wait_for_selector("text=Approved 2 comments.")
    assert page.locator(".queue-item").count() == 0
    assert page.evaluate("window.notReloaded") is True
    assert ModerationEvent.objects.filter(action="hide").count() == 2
    assert ModerationEvent.objects.filter(action="approve").count() == 2


def test_two_moderators_see_the_conflict_and_choose(desk_roles, chromium, live_server, moderator):
    comment = arrange(1)[0]
    make_user("fox", groups=["Moderators"], first_name="Fox", last_name="Mulder")
    pages = []
    for username in ("dana", "fox"):
        context = chromium.new_context(base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, username)
        page.goto("/moderation/")
        pages.append(page)
    dana, fox = pages

    row(fox, comment).locator("button:has-text('Approve')").click()
    fox.wait_for_selector(".queue-done")
    row(dana, comment).locator("select[name=reason]").select_option("spam")
    row(dana, comment).locator("button:has-text('Hide')").click()
    dana.wait_for_selector("text=Approved by Fox Mulder just now.")
    shoot(dana, "desk-conflict")
    assert "Approved" in row(dana, comment).locator(".desk-status").inner_text()
    assert Comment.objects.get().status == "approved"

    row(dana, comment).locator("button:has-text('Hide')").click()  # chosen knowingly
    dana.wait_for_selector(".queue-done")
    assert Comment.objects.get().status == "hidden"
    assert ModerationEvent.objects.count() == 2
    for page in pages:
        page.context.close()


def test_tab_counts_follow_each_decision_without_a_reload(desk_roles, browser_page, moderator):
    page = browser_page
    first, second, _ = arrange(3)
    log_in(page, moderator.username)
    page.goto("/moderation/")
    page.evaluate("window.notReloaded = true")

    def badge(tab):
        return page.locator(f"[data-desk-count='{tab}']")

    assert badge("pending").inner_text() == "3" and badge("approved").inner_text() == "0"
    row(page, first).locator("form[data-desk-action=approve] button").click()
    page.wait_for_selector(f"[data-comment-id='{first.pk}'].queue-done")
    page.wait_for_function("document.querySelector('[data-desk-count=pending]').textContent == '2'")
    assert badge("approved").inner_text() == "1"

    page.keyboard.press("h")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"[data-comment-id='{second.pk}'].queue-done")
    page.wait_for_function("document.querySelector('[data-desk-count=hidden]').textContent == '1'")
    assert badge("pending").inner_text() == "1" and badge("all").inner_text() == "3"
    assert page.evaluate("window.notReloaded") is True
