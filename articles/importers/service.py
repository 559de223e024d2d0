"""Import a file: detect its format, parse, load atomically, record the run."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import BinaryIO, NoReturn

from django.db import DatabaseError, transaction
from django.utils import timezone

from ..models import ImportRun
from .detect import FORMATS, detect_format
from .loader import ImportReport, Loader
from .pipeline import read_records
from .records import ImportFormatError, ParseContext

SNIFF_BYTES = 8192


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
    before_commit: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Parse and load one file in one transaction; a dry run rolls back and records nothing.

    `before_commit(report)` runs inside that transaction after the load, so what it
    writes (a job marked done, a staged upload deleted) commits with the import or not at all.
    """
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
            Loader(report, all_pending=all_pending, on_progress=on_progress).load(
                read_records(parse, stream, ctx)
            )
            report.warnings[:0] = [
                f"line {w.line}: {w.message}" if w.line else w.message for w in ctx.warnings
            ]
            if dry_run:
                transaction.set_rollback(True)
            else:  # the history entry commits with the data it describes
                run.succeeded = True
                run.finished_at = timezone.now()
                run.counts = report.as_counts()
                run.warnings = report.warnings
                run.save()
                if before_commit:
                    before_commit(report)
    except ImportFormatError as exc:
        fail(rolled_back(run), str(exc.with_path(name)))
    except DatabaseError as exc:
        fail(
            rolled_back(run),
            f"{name}: the database refused the data ({exc.__class__.__name__}: {exc})",
        )
    return report


def sniff(stream: BinaryIO) -> str:
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    return detect_format(head)


def rolled_back(run: ImportRun | None) -> ImportRun | None:
    """The run as it was before the rolled-back transaction saved it as a success."""
    if run is not None:
        run.pk, run._state.adding, run.succeeded, run.counts, run.warnings = (
            None,
            True,
            False,
            {},
            [],
        )
    return run


def fail(run: ImportRun | None, message: str) -> NoReturn:
    """Record the failed run (outside the rolled-back transaction) and raise."""
    if run is not None:
        run.format = run.format or "unknown"
        run.error = message
        run.finished_at = timezone.now()
        run.save()
    raise ImportFailed(message)
