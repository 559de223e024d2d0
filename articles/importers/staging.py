"""Web imports in two steps: stage an upload with a dry-run preview, then confirm it."""

from __future__ import annotations

import io
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import ImportRun, PendingImport
from .loader import ImportReport
from .service import ImportFailed, import_stream, sniff
from .trust import web_trust

STALE_AFTER = timedelta(days=1)


def stage_upload(
    data: bytes, *, file_name: str, user, format: str | None = None, all_pending: bool = False
) -> PendingImport:
    """Dry-run the file; if it imports cleanly keep it for confirmation. Raises ImportFailed."""
    if not data.strip():
        raise ImportFailed(f"{file_name}: the file is empty")
    format = format or detect(data, file_name)
    report = import_stream(
        io.BytesIO(data),
        name=file_name,
        format=format,
        dry_run=True,
        all_pending=all_pending,
        trust=web_trust(user),
    )
    PendingImport.objects.filter(created_at__lt=timezone.now() - STALE_AFTER).delete()
    return PendingImport.objects.create(
        user=user,
        file_name=file_name,
        format=format,
        all_pending=all_pending,
        data=data,
        size=len(data),
        preview={**report.as_counts(), "warnings": report.warnings},
    )


def detect(data: bytes, file_name: str) -> str:
    from .records import ImportFormatError

    try:
        return sniff(io.BytesIO(data))
    except ImportFormatError as exc:
        raise ImportFailed(str(exc.with_path(file_name))) from None


def confirm_import(pending: PendingImport, *, user) -> ImportReport:
    """Import the staged file for real (recorded as a web import) and forget the upload."""
    with transaction.atomic():
        locked = PendingImport.objects.select_for_update().filter(pk=pending.pk).first()
        if locked is None:
            raise ImportFailed(f"{pending.file_name}: this upload was already imported or expired")
        locked.delete()
    return import_stream(
        io.BytesIO(bytes(pending.data)),
        name=pending.file_name,
        format=pending.format,
        user=user,
        origin=ImportRun.Origin.WEB,
        all_pending=pending.all_pending,
        trust=web_trust(user),  # the user's rights now, not when they uploaded
    )
