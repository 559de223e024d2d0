"""Web imports in steps: stage an upload (a job previews it), then confirm (a job imports it).

The upload is kept as a file in Django's storage until its import has committed:
a failed import leaves it there to try again. Each user keeps a few at most, and
a periodic job deletes those older than IMPORT_STAGED_MAX_AGE_SECONDS.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jobs import services as jobs
from jobs.models import Job

from ..models import PendingImport
from .detect import detect_format
from .records import ImportFormatError
from .service import SNIFF_BYTES, ImportFailed

ACTIVE = [Job.Status.QUEUED, Job.Status.RUNNING]


def stage_upload(
    upload: File, *, file_name: str, user, format: str | None = None, all_pending: bool = False
) -> PendingImport:
    """Keep the file and start its preview job. Raises ImportFailed for an unusable file."""
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not head.strip():
        raise ImportFailed(f"{file_name}: the file is empty")
    format = format or detect(head, file_name)
    make_room(user)
    pending = PendingImport(
        user=user, file_name=file_name, format=format, all_pending=all_pending, size=upload.size
    )
    # A name of our own: the user's file name never becomes a path here.
    pending.file.save(f"{uuid.uuid4().hex}{PurePath(file_name).suffix[:10]}", upload, save=False)
    try:
        with transaction.atomic():
            pending.save()
            from ..tasks import preview_staged

            pending.preview_job = jobs.start(
                preview_staged,
                title=f"Preview of {file_name}",
                params={"pending_import": pending.pk},
                by=user,
            )
            pending.save(update_fields=["preview_job"])
    except BaseException:
        pending.file.storage.delete(pending.file.name)  # no row for it: it would be orphaned
        raise
    return pending


def detect(head: bytes, file_name: str) -> str:
    try:
        return detect_format(head)
    except ImportFormatError as exc:
        raise ImportFailed(str(exc.with_path(file_name))) from None


def make_room(user) -> None:
    """Each user keeps IMPORT_STAGED_PER_USER uploads; the oldest idle ones make way.

    One whose import is queued or running is never removed (it may go over the cap).
    """
    mine = PendingImport.objects.filter(user=user)
    excess = mine.count() - (settings.IMPORT_STAGED_PER_USER - 1)
    if excess > 0:
        idle = mine.exclude(import_job__status__in=ACTIVE).order_by("created_at", "pk")
        for old in idle[:excess]:
            discard(old)


def confirm_import(pending: PendingImport, *, user) -> Job:
    """Start the import job for a staged upload (once: a second confirm gets the same job)."""
    with transaction.atomic():
        locked = (
            PendingImport.objects.select_for_update(of=("self",))
            .select_related("import_job")
            .filter(pk=pending.pk)
            .first()
        )
        if locked is None:
            raise ImportFailed(f"{pending.file_name}: this upload was already imported or expired")
        if locked.importing:
            return locked.import_job
        from ..tasks import import_staged

        locked.import_job = jobs.start(
            import_staged,
            title=f"Import of {locked.file_name}",
            params={"pending_import": locked.pk},
            by=user,
            total=(locked.preview or {}).get("comments_total"),
        )
        locked.save(update_fields=["import_job"])
        return locked.import_job


def discard(pending: PendingImport) -> None:
    """Forget a staged upload and delete its file once that is committed."""
    name = pending.file.name
    pending.delete()
    if name:
        storage = pending.file.storage
        transaction.on_commit(lambda: storage.delete(name))


def expired(now=None):
    """Staged uploads past their age whose import is not queued or running."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.IMPORT_STAGED_MAX_AGE_SECONDS)
    return PendingImport.objects.filter(created_at__lt=cutoff).filter(
        Q(import_job__isnull=True) | ~Q(import_job__status__in=ACTIVE)
    )
