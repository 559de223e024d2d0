"""In Chromium, with a real worker: upload, watch the bar, see the preview, confirm, see it
finish; meanwhile a moderator in another browser approves a comment without an error."""

import pytest

from articles.models import Comment
from articles.tests.factory import make_comment
from bench.imports import write_disqus_export
from conftest import log_in
from jobs.models import Job
from jobs.testing import start_worker, wait_for
from moderation.models import ModerationEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Large enough that the preview outlasts a moderator's click and a few polls of the bar (at
# 12,000 it once finished before the bar showed "Running", after imports became faster).
COMMENTS = 40_000


@pytest.fixture
def worker(tmp_path):
    process = start_worker(tmp_path / "worker.log")
    yield process
    process.terminate()
    process.wait(timeout=30)


BAR_STATE = """() => {
  if (document.querySelector(".import-preview")) return null;
  const status = document.querySelector(".job-status");
  const done = document.querySelector("[data-job-done]");
  return [status ? status.textContent.trim() : "", done ? done.dataset.jobDone : ""];
}"""


def bar_state(page) -> tuple[str, str] | None:
    """(status, comments so far) from the progress block, or None once the preview is shown
    (read in one go: htmx may swap the block between two separate reads)."""
    state = page.evaluate(BAR_STATE)
    return tuple(state) if state is not None else None


def test_upload_watch_preview_confirm_while_a_moderator_works(
    desk_roles, chromium, live_server, browser_page, editor, moderator, worker, tmp_path
):
    export = tmp_path / "export.xml"
    write_disqus_export(export, comments=COMMENTS, threads=60)
    waiting = make_comment(author_name="Waiting Walt")
    desk_context = chromium.new_context(base_url=live_server.url)
    desk = desk_context.new_page()
    log_in(desk, moderator.username)
    desk.goto("/moderation/")
    page = browser_page
    log_in(page, editor.username)

    page.goto("/moderation/import/")
    page.set_input_files("input[type=file]", str(export))
    page.click("button:has-text('Preview import')")
    page.wait_for_url("**/moderation/import/*/")
    page.evaluate("window.sameDocument = true")  # htmx updates in place: no reload
    seen = [wait_for(lambda: bar_state(page), what="the progress bar")]
    wait_for(lambda: bar_state(page) != ("", ""), what="the progress bar")

    # A moderator decides while the worker parses: no "database is locked".
    desk.locator(f"[data-comment-id='{waiting.pk}'] button:has-text('Approve')").click()
    desk.wait_for_selector("text=Approved the comment by Waiting Walt")
    approved_at = ModerationEvent.objects.get(comment=waiting).created_at

    while state := bar_state(page):
        seen.append(state)
        page.wait_for_timeout(100)
    assert any(status == "Running" for status, _ in seen), seen  # the bar, while it ran
    assert page.evaluate("window.sameDocument") is True
    preview_job = Job.objects.get(title__startswith="Preview")
    assert approved_at < preview_job.finished_at  # really while the preview ran
    assert f"{COMMENTS:,}" not in page.locator(".import-preview").inner_text()  # plain count
    assert str(COMMENTS) in page.locator(".import-preview").inner_text()
    assert Comment.objects.count() == 1  # the preview wrote nothing

    page.click("button:has-text('Import now')")
    page.wait_for_url("**/moderation/jobs/*/")
    page.wait_for_selector(".job-result", timeout=120_000)
    assert "imported: articles 60 created" in page.locator(".job-result").inner_text()
    assert Comment.objects.count() == COMMENTS + 1
    assert Comment.objects.get(pk=waiting.pk).status == "approved"
    desk_context.close()
