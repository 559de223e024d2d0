"""Parse (and sanitise) a large file in a second process while this one writes.

Parsing XML and cleaning HTML take about as long as writing the rows, and the
machine has more than one core: a forked worker turns the file into records,
with each comment's reader-facing HTML already made (unless this process is
waiting: see `send`), and hands them over in batches through a bounded queue
(so memory stays bounded). Small files, and
streams that are not files on disk, are parsed in this process as before.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from typing import BinaryIO

from ..sanitize import comment_html_and_removed
from .records import ArticleRecord, CommentRecord, ImportFormatError, ParseContext

Record = ArticleRecord | CommentRecord
Parser = Callable[[BinaryIO, ParseContext], Iterator[Record]]
# Reads a batch of comment records (their `html` made) and may set each one's `triage`;
# see settings.IMPORT_READ_COMMENTS. It runs in the worker, so never touches the database.
ReadComments = Callable[[list[CommentRecord]], None]
WORKER_MIN_BYTES = 4 * 1024 * 1024
BATCH = 1000
QUEUE_BATCHES = 8
UNREAD_BELOW = 2  # batches waiting in the queue (see `send`)


def read_records(
    parse: Parser, stream: BinaryIO, ctx: ParseContext, read_comments: ReadComments | None = None
) -> Iterator[Record]:
    """The file's records, from a worker process when that is worth it.

    With `read_comments`, each comment's HTML is made here (or in the worker) and the
    function runs on each batch of comments, in whichever process parses."""
    if not worth_a_worker(stream):
        if read_comments is None:
            yield from parse(stream, ctx)
            return
        batch: list[Record] = []
        for record in parse(stream, ctx):
            batch.append(record)
            if len(batch) >= BATCH:
                yield from prepared(batch, read_comments)
                batch = []
        yield from prepared(batch, read_comments)
        return
    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=QUEUE_BATCHES)
    worker = context.Process(target=work, args=(parse, stream, queue, read_comments), daemon=True)
    worker.start()
    try:
        while True:
            kind, payload = queue.get()
            if kind == "records":
                yield from payload
            elif kind == "raw":  # the worker left this batch's HTML and reading to this process
                yield from prepared(payload, read_comments)
            elif kind == "error":
                raise payload
            else:  # "done": the parser's warnings
                ctx.warnings.extend(payload)
                return
    finally:
        if worker.is_alive():  # the loader stopped early (an error): stop the parser too
            worker.terminate()
        worker.join()


def worth_a_worker(stream: BinaryIO) -> bool:
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        return os.fstat(stream.fileno()).st_size >= WORKER_MIN_BYTES
    except (AttributeError, OSError, ValueError):
        return False  # not a file on disk (an upload in memory, a pipe)


def prepared(batch: list[Record], read_comments: ReadComments | None) -> list[Record]:
    """The batch with each comment's HTML made and `read_comments` run over its comments."""
    comments = [record for record in batch if isinstance(record, CommentRecord)]
    for record in comments:
        if record.html is None:
            record.html, record.sanitised_away = comment_html_and_removed(
                record.body, is_html=record.body_is_html
            )
    if read_comments is not None and comments:
        read_comments(comments)
    return batch


def send(queue, batch: list[Record], read_comments: ReadComments | None) -> None:
    """Hand a batch over; when the importing process waits, it gets the batch raw.

    Sanitising and reading (triage) cost more than parsing, so a worker that did all of
    it kept the importing process idle much of the time. An almost empty queue says the
    importer is waiting: it gets the batch as parsed, and makes its HTML and reads it
    itself; a fuller queue says it is busy writing, so the worker does. (100,000 long
    comments, SQLite: 31 s with the worker reading every batch, 29 s with the importer
    reading every batch, 22 s balanced so when only reading was handed over.)
    """
    if importer_waits(queue):
        queue.put(("raw", batch))
    else:
        queue.put(("records", prepared(batch, read_comments)))


def importer_waits(queue) -> bool:
    try:
        return queue.qsize() < UNREAD_BELOW
    except NotImplementedError:  # macOS cannot tell: the worker reads, as before
        return False


def work(parse: Parser, stream: BinaryIO, queue, read_comments: ReadComments | None = None) -> None:
    """In the worker: parse, make each comment's HTML, send batches; never touch the database."""
    ctx = ParseContext()
    batch: list[Record] = []
    try:
        for record in parse(stream, ctx):
            batch.append(record)
            if len(batch) >= BATCH:
                send(queue, batch, read_comments)
                batch = []
        queue.put(("records", prepared(batch, read_comments)))
        queue.put(("done", ctx.warnings))
    except ImportFormatError as error:
        queue.put(("records", batch))
        queue.put(("error", error))
    except Exception as error:
        queue.put(("error", ImportFormatError(f"could not be read ({error.__class__.__name__})")))
