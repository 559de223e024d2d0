"""The dashboard in headless Chromium: charts under a strict CSP, axe-clean, links to the queue."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from articles.tests.factory import make_article, make_comment
from conftest import log_in
from moderation import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def a_busy_week(moderator):
    article = make_article(title="Council approves the new tram line")
    now = timezone.now()
    waiting = make_comment(article, author_name="Old Reader", created_at=now - timedelta(hours=30))
    make_comment(article, author_name="New Reader", created_at=now - timedelta(minutes=5))
    spam = make_comment(article, author_name="Spammer", created_at=now - timedelta(hours=2))
    services.hide(spam, actor=moderator, reason="spam")
    for n in range(3):
        comment = make_comment(article, created_at=now - timedelta(hours=n + 1))
        services.approve(comment, actor=moderator)
    undone = make_comment(article, author_name="Undone", created_at=now - timedelta(hours=1))
    services.approve(undone, actor=moderator)
    services.restore(undone, actor=moderator)
    return waiting, spam


def test_dashboard_draws_charts_under_csp_and_links_into_the_queue(
    desk_roles, browser_page, moderator
):
    waiting, spam = a_busy_week(moderator)
    page = browser_page
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg))
    # The site has no favicon: Chromium's own request for one is not this page's doing.
    log_in(page, moderator.username)
    ARTIFACTS.mkdir(exist_ok=True)
    for name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/moderation/dashboard/")
        page.wait_for_selector(".dashboard-chart.is-drawn canvas[data-chart='decisions']")
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"{name}: the page scrolls sideways"
    assert page.locator("canvas[data-chart]").count() == 3
    assert [p.text for p in problems if "favicon" not in p.location["url"]] == []

    page.get_by_role("link", name="Last 30 days").click()
    page.wait_for_url("**/moderation/dashboard/?days=30")
    page.locator("[data-figure=queue] dd").nth(3).get_by_role("link").click()  # older than 24 h
    assert f'data-comment-id="{waiting.pk}"' in page.content()
    assert page.locator("[data-comment-id]").count() == 1
    assert "Waiting longer than 24 h" in page.locator("[data-dashboard-filters]").inner_text()
    page.screenshot(path=str(ARTIFACTS / "dashboard-link-into-queue.png"), full_page=True)

    page.go_back()
    spam_count = page.locator("[data-figure=decisions] tfoot a[href*='decided_reason=spam']")
    spam_count.click()
    page.wait_for_url("**decided_reason=spam**")
    rows = page.locator("[data-comment-id]")
    assert rows.count() == 1 and rows.first.get_attribute("data-comment-id") == str(spam.pk)

    page.go_back()
    page.locator("[data-figure=decisions] tfoot a[href*='reversal=1']").click()
    assert "Undone" in page.locator("[data-comment-id]").first.inner_text()


def test_dashboard_has_no_axe_violations(desk_roles, axe_page, moderator):
    a_busy_week(moderator)
    log_in(axe_page, moderator.username)
    for name, (width, height) in WIDTHS.items():
        axe_page.set_viewport_size({"width": width, "height": height})
        axe_page.goto("/moderation/dashboard/")
        axe_page.wait_for_selector(".dashboard-chart.is-drawn")
        axe_page.add_script_tag(path=str(AXE))
        result = axe_page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
        assert violations == [], f"{name}: {violations}"
        axe_page.goto("/moderation/settings/email/")
        axe_page.add_script_tag(path=str(AXE))
        result = axe_page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        assert result["violations"] == [], f"email settings, {name}"
