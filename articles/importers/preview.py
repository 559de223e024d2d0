"""What importing a file would do, found by reading only: no row written, no write lock.

The old preview ran the whole import and rolled it back, which on SQLite held the
write lock for as long as the file took (a moderator's decision meanwhile failed
with "database is locked"). This reads the file's records and looks up which of
its articles and comments are already here; whether an existing one would change
is shown after the import, which is the one place that compares every field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from ..models import Article, Comment
from ..sanitize import removed_markup
from .bulk import comment_ids_by_key
from .formats import articles_need_comments
from .records import HIDDEN, ArticleRecord, CommentRecord, ParseContext
from .report import counts_of

LOOKUP_BATCH = 2000
PROGRESS_EVERY = 500


@dataclass
class Preview:
    file_name: str
    format: str
    all_pending: bool = False
    keep_statuses: bool = True  # the importer's trust (see trust.py): False holds them
    articles_new: int = 0
    articles_existing: int = 0
    articles_skipped_without_comments: int = 0
    comments_new: int = 0
    comments_existing: int = 0
    new_by_status: Counter = field(default_factory=Counter)
    held: Counter = field(default_factory=Counter)  # the file's statuses held back, as the loader
    sanitised: Counter = field(default_factory=Counter)  # what cleaning removed -> comments
    replies: int = 0
    comments_without_article: int = 0
    duplicates: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**counts_of(self), "warnings": self.warnings}


class CountingReader:
    """A binary stream that counts the bytes read, for "about how many" estimates."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self.stream.readline(size)
        self.bytes_read += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        position = self.stream.seek(offset, whence)
        self.bytes_read = position
        return position

    def tell(self) -> int:
        return self.stream.tell()


def preview_stream(
    parse,
    stream: BinaryIO,
    *,
    file_name: str,
    format: str,
    all_pending: bool = False,
    keep_statuses: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> Preview:
    """Parse the file and compare it with the database by reads alone.

    `on_progress(comments_read, bytes_read)` is called now and then while parsing.
    """
    preview = Preview(
        file_name=file_name, format=format, all_pending=all_pending, keep_statuses=keep_statuses
    )
    reader = CountingReader(stream)
    ctx = ParseContext()
    articles: dict[str, ArticleRecord] = {}
    comments: dict[tuple[str, str], CommentRecord] = {}
    for record in parse(reader, ctx):
        if isinstance(record, ArticleRecord):
            articles.setdefault(record.key, record)
            continue
        ref = (record.article_key, record.key)
        if ref in comments:
            preview.duplicates += 1
            continue
        comments[ref] = record
        if record.body_is_html:
            preview.sanitised.update(removed_markup(record.body))
        if on_progress and len(comments) % PROGRESS_EVERY == 0:
            on_progress(len(comments), reader.bytes_read)
    if on_progress:
        on_progress(len(comments), reader.bytes_read)
    article_pks = count_articles(preview, articles, comments.values())
    count_comments(preview, articles, comments.values(), article_pks)
    preview.warnings = [
        f"line {w.line}: {w.message}" if w.line else w.message for w in ctx.warnings
    ]
    if preview.duplicates:
        preview.warnings.append(
            f"{preview.duplicates} comment(s) appear more than once; the first of each is kept"
        )
    return preview


def article_ref(record: ArticleRecord, format: str) -> tuple[str, str]:
    """How the loader finds an article again: (source, external id)."""
    return (record.source or format, record.external_id or record.key)


def count_articles(
    preview: Preview, articles: dict, comments: Iterable[CommentRecord]
) -> dict[str, int]:
    """New or already here; returns the pks of those already here, by the file's key."""
    with_comments = {c.article_key for c in comments}
    kept = {
        key: record
        for key, record in articles.items()
        if record.stands_alone or not articles_need_comments(preview.format) or key in with_comments
    }
    preview.articles_skipped_without_comments = len(articles) - len(kept)
    found = known_article_pks(preview, kept)
    preview.articles_existing = len(found)
    preview.articles_new = len(kept) - len(found)
    return found


def count_comments(
    preview: Preview, articles: dict, comments: Iterable[CommentRecord], article_pks: dict
) -> None:
    """New or already here, by the loader's key (article id, comment key)."""
    pending = []
    for record in comments:
        if record.article_key not in articles:
            preview.comments_without_article += 1
            continue
        if record.parent_key:
            preview.replies += 1
        pending.append(record)
        if len(pending) >= LOOKUP_BATCH:
            classify(preview, pending, article_pks)
            pending = []
    classify(preview, pending, article_pks)


def known_article_pks(preview: Preview, articles: dict) -> dict[str, int]:
    by_ref = {article_ref(r, preview.format): key for key, r in articles.items()}
    found = {}
    refs = list(by_ref)
    for start in range(0, len(refs), LOOKUP_BATCH):
        chunk = refs[start : start + LOOKUP_BATCH]
        rows = Article.objects.filter(
            source__in={s for s, _ in chunk}, external_id__in={e for _, e in chunk}
        ).values_list("source", "external_id", "pk")
        for source, external_id, pk in rows:
            if (source, external_id) in by_ref:
                found[by_ref[(source, external_id)]] = pk
    return found


def classify(preview: Preview, records: list[CommentRecord], article_pks: dict[str, int]) -> None:
    refs = [(article_pks[r.article_key], r.key) for r in records if r.article_key in article_pks]
    existing = comment_ids_by_key(refs) if refs else {}
    for record in records:
        pk = article_pks.get(record.article_key)
        if pk is not None and (pk, record.key) in existing:
            preview.comments_existing += 1
            continue
        preview.comments_new += 1
        source_decides = preview.keep_statuses and not preview.all_pending
        preview.new_by_status[record.status if source_decides else Comment.Status.PENDING] += 1
        if not preview.keep_statuses and not preview.all_pending and record.status != "pending":
            preview.held[held_key(record)] += 1


def held_key(record: CommentRecord) -> str:
    """As the loader keeps a held status: "approved", "hidden:spam"."""
    reason = record.hidden_reason if record.status == HIDDEN else ""
    return f"{record.status}:{reason}" if reason else record.status


def estimate_total(comments_read: int, bytes_read: int, size: int) -> int | None:
    """About how many comments the whole file holds, from the rate so far."""
    if not comments_read or not bytes_read:
        return None
    return max(comments_read, round(comments_read * size / bytes_read))
