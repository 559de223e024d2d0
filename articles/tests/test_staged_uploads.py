"""Staged web uploads: kept as files, previewed by reads alone, capped per user, purged by age,
and kept until their import has committed."""

import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.importers.formats import FORMATS
from articles.importers.preview import preview_stream
from articles.importers.staging import confirm_import, stage_upload
from articles.models import Article, Comment, ImportRun, PendingImport
from articles.tasks import purge_staged_uploads
from conftest import SAMPLES, SEED
from jobs import services as jobs
from jobs.models import Job
from jobs.testing import run_queued_jobs

pytestmark = pytest.mark.django_db
DISQUS = SAMPLES / "disqus" / "isso-fixture-edge-cases.xml"


def stage(user, path=SEED, **kwargs) -> PendingImport:
    return stage_upload(
        ContentFile(path.read_bytes(), name=path.name), file_name=path.name, user=user, **kwargs
    )


def test_the_upload_is_a_file_in_storage_not_a_database_row(editor):
    pending = stage(editor)

    assert pending.file.name.startswith("staged-imports/")
    assert SEED.name not in pending.file.name  # our own name, never the user's
    assert default_storage.open(pending.file.name).read() == SEED.read_bytes()
    assert pending.preview_job.status == Job.Status.QUEUED


def test_the_preview_only_reads(editor):
    pending = stage(editor, DISQUS)
    with CaptureQueriesContext(connection) as queries, pending.file.open("rb") as stream:
        preview = preview_stream(FORMATS["disqus"].parse, stream, file_name="x", format="disqus")

    assert all(q["sql"].lstrip().upper().startswith(("SELECT", "WITH")) for q in queries)
    assert (preview.articles_new, preview.comments_new) == (2, 5)
    assert dict(preview.new_by_status) == {"approved": 4, "hidden": 1}


def test_the_preview_counts_what_is_already_here(editor):
    pending = stage(editor, DISQUS)
    run_queued_jobs()
    confirm_import(pending, user=editor)
    run_queued_jobs()

    again = stage(editor, DISQUS)
    run_queued_jobs()
    again.refresh_from_db()

    assert again.preview["articles_existing"] == 2 and again.preview["articles_new"] == 0
    assert again.preview["comments_existing"] == 5 and again.preview["comments_new"] == 0


def test_each_user_keeps_a_few_uploads_and_the_oldest_idle_one_goes(
    editor, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_STAGED_PER_USER = 2
    oldest, importing = stage(editor), stage(editor)
    importing.import_job = jobs.start(purge_staged_uploads, title="stand-in running import")
    importing.save()

    with django_capture_on_commit_callbacks(execute=True):
        newest = stage(editor)

    assert set(PendingImport.objects.all()) == {importing, newest}
    assert not default_storage.exists(oldest.file.name)


def test_old_uploads_are_purged_unless_their_import_is_under_way(
    editor, django_capture_on_commit_callbacks
):
    old, importing, fresh = stage(editor), stage(editor), stage(editor)
    long_ago = timezone.now() - timedelta(days=2)
    PendingImport.objects.filter(pk__in=[old.pk, importing.pk]).update(created_at=long_ago)
    confirm_import(importing, user=editor)
    Job.objects.exclude(kind__endswith="import_staged").update(status=Job.Status.DONE)

    purge = jobs.start(purge_staged_uploads, title="Purge")
    Job.objects.exclude(pk=purge.pk).filter(kind__endswith="import_staged").update(
        status=Job.Status.RUNNING
    )
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_jobs()

    purge.refresh_from_db()
    assert purge.result == {"deleted": 1}
    assert set(PendingImport.objects.all()) == {importing, fresh}
    assert not default_storage.exists(old.file.name)


def test_a_failed_import_keeps_the_upload_to_try_again(editor):
    pending = stage(editor)
    run_queued_jobs()
    default_storage.delete(pending.file.name)
    default_storage.save(pending.file.name, ContentFile(b"\xff\xfe not the plain-text format"))

    job = confirm_import(pending, user=editor)
    run_queued_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "the upload is kept" in job.error
    assert PendingImport.objects.filter(pk=pending.pk).exists()
    assert not Article.objects.exists() and not ImportRun.objects.filter(succeeded=True).exists()

    default_storage.delete(pending.file.name)
    default_storage.save(pending.file.name, ContentFile(SEED.read_bytes()))
    retry = confirm_import(pending, user=editor)
    run_queued_jobs()

    retry.refresh_from_db()
    assert retry != job and retry.status == Job.Status.DONE
    assert Comment.objects.count() == 3 and not PendingImport.objects.exists()


def test_a_worker_that_cannot_see_the_file_says_why(editor):
    pending = stage(editor)
    default_storage.delete(pending.file.name)  # as on a worker with a MEDIA_ROOT of its own

    [job] = run_queued_jobs()

    assert job.status == Job.Status.FAILED and "must share MEDIA_ROOT" in job.error


def stored_files() -> list[str]:
    from django.conf import settings

    return [name for _, _, names in os.walk(settings.MEDIA_ROOT) for name in names]


def test_no_file_is_left_behind_when_staging_fails(editor, monkeypatch):
    before = stored_files()

    def refuse(*args, **kwargs):
        raise DatabaseError("no room")

    monkeypatch.setattr(jobs, "start", refuse)
    with pytest.raises(DatabaseError):
        stage(editor)

    assert not PendingImport.objects.exists()
    assert stored_files() == before
