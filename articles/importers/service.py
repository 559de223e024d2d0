"""Import a file: detect its format, parse, load atomically, record the run."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import BinaryIO, NoReturn

from django.conf import settings
from django.db import DatabaseError, DataError, IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ..models import ImportRun
from .bulk import import_page_cache
from .created import CreatedComments
from .detect import detect_format
from .formats import FORMATS
from .loader import ImportReport, Loader
from .pipeline import ReadComments, read_records
from .records import ImportFormatError, ParseContext
from .trust import COMMAND_LINE, ImportTrust, web_trust

SNIFF_BYTES = 8192
# Called with (id, record.triage) of each comment an import created (a CreatedComments:
# iterable, more than once), inside its transaction, before anyone sees them (the
# moderation app's triage rules). Defaults to settings.IMPORT_AFTER_LOAD.
AfterLoad = Callable[[CreatedComments], object]
logger = logging.getLogger(__name__)


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
    trust: ImportTrust | None = None,
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
            trust=trust,
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
    trust: ImportTrust | None = None,
    on_progress: Callable[[int], None] | None = None,
    after_load: AfterLoad | None = None,
    before_commit: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Parse and load one file in one transaction; a dry run rolls back and records nothing.

    `before_commit(report)` runs inside that transaction after the load, so what it
    writes (a job marked done, a staged upload deleted) commits with the import or not at all.

    Without an explicit `trust`, the command line has full trust and anything
    else the least: a web import's user decides nothing unless they may moderate.
    """
    if trust is None:
        trust = COMMAND_LINE if origin == ImportRun.Origin.COMMAND else web_trust(user)
    run = None if dry_run else ImportRun(user=user, origin=origin, file_name=name, format="")
    try:
        format = format or sniff(stream)
        parse = FORMATS[format].parse
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
            loader = Loader(report, trust=trust, all_pending=all_pending, on_progress=on_progress)
            # Made here, before the parse worker forks: it reads with what this process loaded.
            read_comments = None if dry_run else default_read_comments()
            # The hook writes a row per new comment too: the cache stays held until it is done.
            with import_page_cache():
                loader.load(read_records(parse, stream, ctx, read_comments=read_comments))
                if not dry_run and loader.created_comments:
                    (after_load or default_after_load())(loader.created_comments)
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
                record_statuses(run, report, trust, user)
                run.save()
                if before_commit:
                    before_commit(report)
    except ImportFormatError as exc:
        fail(rolled_back(run), str(exc.with_path(name)))
    except DatabaseError as exc:
        logger.exception("import of %s failed in the database", name)
        fail(rolled_back(run), f"{name}: {database_problem(exc)}")
    return report


def default_after_load() -> AfterLoad:
    return import_string(settings.IMPORT_AFTER_LOAD) if settings.IMPORT_AFTER_LOAD else noop


def default_read_comments() -> ReadComments | None:
    if not settings.IMPORT_READ_COMMENTS:
        return None
    return import_string(settings.IMPORT_READ_COMMENTS)()


def noop(created: CreatedComments) -> None:
    return None


def record_statuses(run: ImportRun, report: ImportReport, trust: ImportTrust, user) -> None:
    """Say on the run who kept the file's statuses, or that they wait for a moderator."""
    decided = any(status != "pending" for status in report.created_by_status)
    if report.held_statuses:
        run.source_statuses = ImportRun.SourceStatuses.HELD
        run.held_statuses = report.held_statuses
    elif trust.keep_statuses and decided:
        run.source_statuses = ImportRun.SourceStatuses.KEPT
        run.statuses_decided_by = user
        run.statuses_decided_at = run.finished_at


def database_problem(exc: DatabaseError) -> str:
    """What went wrong, in words a user can act on (the details go to the log, not the page)."""
    if isinstance(exc, IntegrityError):
        return (
            "the database refused the data: two records clash (the same id or address twice,"
            " or a record that contradicts one already stored); nothing was imported"
        )
    if isinstance(exc, DataError):
        return (
            "the database refused a value (too long, or not a valid date or number);"
            " nothing was imported"
        )
    if isinstance(exc, OperationalError):
        return "the database was busy or unavailable; nothing was imported, try again shortly"
    return "the database could not store the data; nothing was imported"


def sniff(stream: BinaryIO) -> str:
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    return detect_format(head)


def rolled_back(run: ImportRun | None) -> ImportRun | None:
    """A fresh, unsaved run: the one saved as a success went with the rolled-back transaction."""
    if run is None:
        return None
    return ImportRun(user=run.user, origin=run.origin, file_name=run.file_name, format=run.format)


def fail(run: ImportRun | None, message: str) -> NoReturn:
    """Record the failed run (outside the rolled-back transaction) and raise."""
    if run is not None:
        run.format = run.format or "unknown"
        run.error = message
        run.finished_at = timezone.now()
        run.save()
    raise ImportFailed(message)
