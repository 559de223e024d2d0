"""Import a file: detect its format, parse, load atomically, record the run."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import BinaryIO, NoReturn

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ..models import ImportRun
from .detect import FORMATS, detect_format
from .loader import ImportReport, Loader
from .pipeline import read_records
from .records import ImportFormatError, ParseContext

SNIFF_BYTES = 8192
# Called with the ids of the comments an import created, inside its transaction, before
# anyone sees them (the moderation app's triage rules). Defaults to settings.IMPORT_AFTER_LOAD.
AfterLoad = Callable[[list[int]], object]


class ImportFailed(Exception):
    """The file could not be imported; nothing was written. The message says why."""


def import_file(
    path: str | os.PathLike,
    *,
    format: str | None = None,
    user=None,
    origin: str = ImportRun.Origin.COMMAND,
    dry_run: bool = False,
    all_pending: bool = False,
    on_progress: Callable[[int], None] | None = None,
    after_load: AfterLoad | None = None,
) -> ImportReport:
    """Import one file from disk (see `import_stream`)."""
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read the file ({exc.strerror})") from None
    with stream:
        return import_stream(
            stream,
            name=os.fspath(path),
            format=format,
            user=user,
            origin=origin,
            dry_run=dry_run,
            all_pending=all_pending,
            on_progress=on_progress,
            after_load=after_load,
        )


def import_stream(
    stream: BinaryIO,
    *,
    name: str,
    format: str | None = None,
    user=None,
    origin: str = ImportRun.Origin.COMMAND,
    dry_run: bool = False,
    all_pending: bool = False,
    on_progress: Callable[[int], None] | None = None,
    after_load: AfterLoad | None = None,
) -> ImportReport:
    """Parse and load one file in one transaction; a dry run rolls back and records nothing."""
    run = None if dry_run else ImportRun(user=user, origin=origin, file_name=name, format="")
    try:
        format = format or sniff(stream)
        parse = FORMATS[format]
    except ImportFormatError as exc:
        fail(run, str(exc.with_path(name)))
    except KeyError:
        fail(run, f"{name}: unknown format {format!r}")
    if run is not None:
        run.format = format
    report = ImportReport(file_name=name, format=format, dry_run=dry_run)
    ctx = ParseContext()
    try:
        with transaction.atomic():
            loader = Loader(report, all_pending=all_pending, on_progress=on_progress)
            loader.load(read_records(parse, stream, ctx))
            if not dry_run and loader.created_comment_ids:
                (after_load or default_after_load())(loader.created_comment_ids)
            report.warnings[:0] = [
                f"line {w.line}: {w.message}" if w.line else w.message for w in ctx.warnings
            ]
            if dry_run:
                transaction.set_rollback(True)
    except ImportFormatError as exc:
        fail(run, str(exc.with_path(name)))
    except DatabaseError as exc:
        fail(run, f"{name}: the database refused the data ({exc.__class__.__name__}: {exc})")
    if run is not None:
        run.succeeded = True
        run.finished_at = timezone.now()
        run.counts = report.as_counts()
        run.warnings = report.warnings
        run.save()
    return report


def default_after_load() -> AfterLoad:
    return import_string(settings.IMPORT_AFTER_LOAD) if settings.IMPORT_AFTER_LOAD else noop


def noop(comment_ids: list[int]) -> None:
    return None


def sniff(stream: BinaryIO) -> str:
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    return detect_format(head)


def fail(run: ImportRun | None, message: str) -> NoReturn:
    """Record the failed run (outside the rolled-back transaction) and raise."""
    if run is not None:
        run.format = run.format or "unknown"
        run.error = message
        run.finished_at = timezone.now()
        run.save()
    raise ImportFailed(message)
