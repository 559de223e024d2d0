"""Every staff page in headless Chromium, at phone and desktop widths: axe finds nothing."""

import pytest
from django.utils import timezone

from articles.importers.service import import_file
from articles.models import Comment
from articles.tests.factory import make_article, make_comment, make_user
from conftest import SAMPLES, SEED, axe_violations, log_in
from jobs.models import Job
from moderation import services
from moderation.triage.tasks import RUN_KIND

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
DISQUS = SAMPLES / "disqus" / "isso-fixture-edge-cases.xml"


def arrange_desk():
    """A moderator-editor, an article with every kind of comment, and a past import."""
    staffer = make_user(
        "casey", groups=["Moderators", "Editors"], first_name="Casey", last_name="Jones"
    )
    article = make_article(title="Council approves the new tram line")
    first = make_comment(article, author_name="Gabriel", body="<p>Good news for the city.</p>")
    make_comment(article, parent=first, author_name="Jordan", status="approved")
    make_comment(article, author_name="Pat", status="hidden", hidden_reason="spam")
    services.reply(first, actor=staffer, body="Thanks, we asked the council.")
    services.hide(
        Comment.objects.get(author_name="Jordan"), actor=staffer, reason="other", note="Libel"
    )
    import_file(SEED, user=staffer)
    return staffer, article, first


def finished_job(staffer) -> Job:
    """A run of the rules over the queue, done: its page shows the result."""
    return Job.objects.create(
        kind=RUN_KIND,
        title="Run the rules over the pending queue",
        status=Job.Status.DONE,
        total=40,
        done=40,
        committed_done=40,
        result={"summary": "Ran the rules over 40 comments: 3 held with a marker."},
        created_by=staffer,
        finished_at=timezone.now(),
    )


def preview_url(page) -> str:
    """Upload a file through the page, as an editor would; answers the preview's address."""
    page.goto("/moderation/import/")
    page.set_input_files("input[type=file]", str(DISQUS))
    page.click("button:has-text('Preview import')")
    page.wait_for_url("**/moderation/import/*/")
    return page.url


def test_staff_pages_have_no_axe_violations(desk_roles, axe_page):
    staffer, article, comment = arrange_desk()
    log_in(axe_page, staffer.username)
    pages = {
        "desk": "/moderation/",
        "comment": f"/moderation/comments/{comment.pk}/",
        "article": f"/moderation/articles/{article.pk}/",
        "imports": "/moderation/imports/",
        "upload": "/moderation/import/",
        "preview": preview_url(axe_page),
        "rules": "/moderation/rules/",
        "email settings": "/moderation/settings/email/",
        "job": f"/moderation/jobs/{finished_job(staffer).pk}/",
    }
    found = {}
    for width_name, (width, height) in WIDTHS.items():
        axe_page.set_viewport_size({"width": width, "height": height})
        for page_name, url in pages.items():
            assert axe_page.goto(url).ok, page_name  # the page itself, not an error page
            if violations := axe_violations(axe_page):
                found[f"{page_name} at {width_name}"] = violations
    assert not found, "\n".join(f"{where}: {violations}" for where, violations in found.items())
