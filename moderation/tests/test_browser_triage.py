"""A moderator adds a suspect word, runs the rules, sees the marker, filters by it, approves."""

import pytest
from django.contrib.auth.models import Permission

from articles.importers.service import import_file
from articles.models import Comment
from conftest import SEED, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_suspect_word_marker_filter_and_approve(desk_roles, browser_page, moderator):
    moderator.user_permissions.add(Permission.objects.get(codename="manage_rules"))
    page = browser_page
    import_file(SEED, all_pending=True)
    telecoms = Comment.objects.get(body__contains="telecoms")

    log_in(page, moderator.username)
    page.goto("/moderation/rules/")
    page.fill("#id_suspect_words", "telecoms policies")
    page.click("button[value=save]")
    page.wait_for_selector("text=Saved the rules.")
    page.click("button:has-text('Run over 3 pending comments')")
    page.wait_for_selector("text=Ran the rules over 3 comments")

    page.goto("/moderation/")
    marker = page.locator(f"[data-comment-id='{telecoms.pk}'] [data-marker=suspect_words]")
    assert "suspect word “telecoms policies”" in marker.inner_text()
    assert marker.locator("mark").inner_text() == "telecoms policies"

    page.click("summary:has-text('More filters')")
    page.select_option("#f-marker", "suspect_words")
    page.click("button:has-text('Filter')")
    page.wait_for_url("**marker=suspect_words**")
    assert page.locator(".queue-item").count() == 1

    page.locator(f"[data-comment-id='{telecoms.pk}'] button:has-text('Approve')").click()
    page.wait_for_selector("text=Approved the comment by Gabriel")
    telecoms.refresh_from_db()
    assert telecoms.status == "approved"
