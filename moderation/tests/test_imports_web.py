"""Editors import from the web: upload, preview without writing, confirm, see the record."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, Comment, ImportRun, PendingImport
from conftest import SAMPLES, SEED

pytestmark = pytest.mark.django_db
DISQUS = SAMPLES / "disqus" / "isso-fixture-edge-cases.xml"


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def upload(client, path, **extra):
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes()), **extra}
    return client.post(reverse("moderation:import"), data)


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
    assert not Article.objects.exists() and not ImportRun.objects.exists()
    html = editor_client.get(response["Location"]).content.decode()
    assert "read as <strong>disqus</strong>" in html
    # An editor decides nothing: the file's statuses are held for a moderator.
    assert "5 pending" in html and "4 approved, 1 hidden (removed at source) in the file" in html
    assert "warning" in html  # the post whose thread is missing is reported

    done = editor_client.post(response["Location"], follow=True)

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
    location = upload(editor_client, SEED)["Location"]
    editor_client.post(location)

    again = editor_client.post(location)

    assert again.status_code == 404
    assert Comment.objects.count() == 3 and ImportRun.objects.count() == 1


def test_all_pending_and_format_override(editor_client):
    location = upload(editor_client, DISQUS, format="disqus", all_pending="on")["Location"]
    editor_client.post(location)
    assert set(Comment.objects.values_list("status", flat=True)) == {"pending"}


def test_a_bad_file_is_a_clear_error_and_nothing_is_kept(editor_client):
    bad = SAMPLES / "disqus" / "remark42-radiot-malformed.xml"

    response = upload(editor_client, bad)

    assert response.status_code == 400
    html = response.content.decode()
    assert "line 1" in html and "Nothing was imported" in html
    assert not PendingImport.objects.exists() and not Article.objects.exists()


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
    editor_client.post(upload(editor_client, SEED)["Location"])

    html = editor_client.get(reverse("moderation:imports")).content.decode()

    assert SEED.name in html and "3 new comments" in html
