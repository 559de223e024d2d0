"""Editors import from the web: upload, preview without writing, confirm, see the record.

The preview and the import are jobs; these tests run them in-process with
`run_queued_jobs` (jobs/tests run a real worker process).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, Comment, ImportRun, PendingImport
from conftest import SAMPLES, SEED
from jobs.models import Job
from jobs.testing import run_queued_jobs

pytestmark = pytest.mark.django_db
DISQUS = SAMPLES / "disqus" / "isso-fixture-edge-cases.xml"


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def upload(client, path, **extra):
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes()), **extra}
    return client.post(reverse("moderation:import"), data)


def upload_and_preview(client, path, **extra) -> str:
    """Upload, let the preview job run; the preview page's URL."""
    location = upload(client, path, **extra)["Location"]
    run_queued_jobs()
    return location


def confirm(client, location):
    response = client.post(location)
    run_queued_jobs()
    return response


def test_import_pages_need_the_import_permission(client, moderator, staff_without_role):
    urls = [reverse("moderation:import"), reverse("moderation:imports")]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(staff_without_role)
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(moderator)  # a moderator is not an editor, but reads the history
    assert client.get(urls[0]).status_code == 403
    assert client.get(urls[1]).status_code == 200
    response = upload(client, SEED)
    assert response.status_code == 403
    assert not Article.objects.exists() and not PendingImport.objects.exists()


def test_preview_writes_nothing_then_confirm_imports(editor_client, editor):
    response = upload(editor_client, DISQUS)

    pending = PendingImport.objects.get()
    assert response["Location"] == reverse("moderation:import_preview", args=[pending.pk])
    waiting = editor_client.get(response["Location"]).content.decode()
    assert "Waiting for a worker" in waiting and 'http-equiv="refresh"' in waiting
    assert "Import now" not in waiting
    run_queued_jobs()
    assert not Article.objects.exists() and not ImportRun.objects.exists()
    html = editor_client.get(response["Location"]).content.decode()
    assert "read as <strong>disqus</strong>" in html
    assert "2 new, 0 already here" in html
    # An editor decides nothing: the file's statuses are held for a moderator.
    assert "5 pending" in html and "4 approved, 1 hidden (removed at source) in the file" in html
    assert "warning" in html  # the post whose thread is missing is reported
    assert "Import now" in html and 'http-equiv="refresh"' not in html

    started = confirm(editor_client, response["Location"])
    done = editor_client.get(started["Location"])

    assert "imported: articles 2 created" in done.content.decode()
    assert Comment.objects.count() == 5
    run = ImportRun.objects.get()
    assert (run.user, run.origin, run.file_name, run.format) == (
        editor,
        "web",
        DISQUS.name,
        "disqus",
    )
    assert run.warnings and not PendingImport.objects.exists()


def test_confirming_twice_imports_once(editor_client):
    location = upload_and_preview(editor_client, SEED)
    first = editor_client.post(location)

    again = editor_client.post(location)  # before the job ran: the same job
    assert again["Location"] == first["Location"]
    run_queued_jobs()
    assert editor_client.post(location).status_code == 404  # after: the upload is gone

    assert Comment.objects.count() == 3 and ImportRun.objects.count() == 1


def test_all_pending_and_format_override(editor_client):
    location = upload_and_preview(editor_client, DISQUS, format="disqus", all_pending="on")
    assert "5 pending" in editor_client.get(location).content.decode()
    confirm(editor_client, location)
    assert set(Comment.objects.values_list("status", flat=True)) == {"pending"}


def test_a_bad_file_is_a_clear_error_and_nothing_is_kept(editor_client):
    bad = SAMPLES / "disqus" / "remark42-radiot-malformed.xml"

    location = upload_and_preview(editor_client, bad)

    html = editor_client.get(location).content.decode()
    assert "Failed" in html and "line 1" in html and "Nothing was imported" in html
    assert "Import now" not in html
    assert not Article.objects.exists() and not ImportRun.objects.exists()


def test_a_file_of_no_known_format_is_refused_at_once(editor_client, tmp_path):
    odd = tmp_path / "notes.bin"
    odd.write_bytes(b"\x00\x01 not an export")

    response = upload(editor_client, odd)

    assert response.status_code == 400 and "Nothing was imported" in response.content.decode()
    assert not PendingImport.objects.exists() and not Job.objects.exists()


def test_upload_limit_is_explained(editor_client, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000

    response = upload(editor_client, DISQUS)

    assert response.status_code in (400, 413)
    assert "upload limit" in response.content.decode()
    assert not PendingImport.objects.exists()


def test_someone_elses_preview_is_not_found(editor_client, client, db):
    from articles.tests.factory import make_user

    location = upload(editor_client, SEED)["Location"]
    other = make_user(groups=["Editors"])
    client.force_login(other)
    assert client.get(location).status_code == 404
    assert client.post(location).status_code == 404


def test_import_list_shows_runs(editor_client):
    confirm(editor_client, upload_and_preview(editor_client, SEED))

    html = editor_client.get(reverse("moderation:imports")).content.decode()

    assert SEED.name in html and "3 new comments" in html
    assert f"Import of {SEED.name}</a>" in html and "Done" in html  # the job, with its state
