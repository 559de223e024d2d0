"""Import work done by job workers: the preview of a staged upload, its import, the purge."""

from __future__ import annotations

from jobs.runner import JobFailed, JobRun, handler

from .importers.formats import FORMATS
from .importers.preview import estimate_total, preview_stream
from .importers.records import ImportFormatError
from .importers.report import ImportReport
from .importers.service import ImportFailed, import_stream
from .importers.staging import discard, expired
from .importers.trust import web_trust
from .models import ImportRun, PendingImport


def staged(run: JobRun) -> PendingImport:
    pending = PendingImport.objects.filter(pk=run.params["pending_import"]).first()
    if pending is None:
        raise JobFailed("The upload was already imported, discarded or expired.")
    if not pending.file.storage.exists(pending.file.name):
        # Typically a worker on another machine with its own MEDIA_ROOT.
        raise JobFailed(
            "The uploaded file is not in this worker's storage: every app server and worker "
            "must share MEDIA_ROOT (or use shared storage; see docs/jobs.md)."
        )
    return pending


@handler
def preview_staged(run: JobRun) -> dict:
    """Parse a staged upload and say what importing it would do (reads only)."""
    pending = staged(run)

    def progress(comments: int, bytes_read: int) -> None:
        run.progress(comments, estimate_total(comments, bytes_read, pending.size))

    try:
        with pending.file.open("rb") as stream:
            preview = preview_stream(
                FORMATS[pending.format].parse,
                stream,
                file_name=pending.file_name,
                format=pending.format,
                all_pending=pending.all_pending,
                keep_statuses=web_trust(run.job.created_by).keep_statuses,
                on_progress=progress,
            )
    except ImportFormatError as error:
        raise JobFailed(f"{error.with_path(pending.file_name)} Nothing was imported.") from None
    result = preview.as_dict()
    result["comments_total"] = preview.comments_new + preview.comments_existing
    run.progress(result["comments_total"], result["comments_total"])
    with run.step():
        PendingImport.objects.filter(pk=pending.pk).update(preview=result)
        run.complete(result)
    return result


@handler
def import_staged(run: JobRun) -> dict:
    """Import a staged upload in one transaction; its job and the upload's deletion commit with it.

    All or nothing: a worker that dies mid-import leaves nothing, and the job runs again whole.
    """
    pending = staged(run)

    def done(report: ImportReport) -> None:
        run.progress(report.comments_seen)
        discard(pending)
        run.complete(report.as_counts() | {"summary": report.summary()})

    try:
        with pending.file.open("rb") as stream:
            import_stream(
                stream,
                name=pending.file_name,
                format=pending.format,
                user=run.job.created_by,
                origin=ImportRun.Origin.WEB,
                all_pending=pending.all_pending,
                trust=web_trust(run.job.created_by),  # who confirms, with their rights now
                on_progress=run.progress,
                before_commit=done,
            )
    except ImportFailed as error:
        raise JobFailed(f"{error} Nothing was imported; the upload is kept to try again.") from None
    return None  # `done` completed the job inside the import's transaction


@handler
def purge_staged_uploads(run: JobRun) -> dict:
    """Delete staged uploads nobody confirmed in time"""
    old = list(expired())
    run.progress(0, len(old))
    for number, pending in enumerate(old, start=1):
        with run.step():
            discard(pending)
            run.progress(number)
    return {"deleted": len(old)}
