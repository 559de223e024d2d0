"""Triage's text-only work, done while an import's file is parsed (settings.IMPORT_READ_COMMENTS).

The import calls `for_import()` in its own process before the file is read, so the rules,
word lists and both models are loaded once, there, before the parse worker forks: the
worker reads every comment with exactly the rules the import's after_load hook then judges
with (the hook checks `TextPart.fingerprint` and reads again any comment read otherwise).
The worker runs on the machine's second core and never touches the database: words,
links, removed markup and both scores need only the text.
"""

from __future__ import annotations

from collections.abc import Callable

from articles.importers.comment_rows import SANITISED_MAX
from articles.importers.records import CommentRecord

from .models import TriageRules
from .rules import Draft, Triage


def for_import() -> Callable[[list[CommentRecord]], None]:
    triage = Triage(TriageRules.current())

    def read(records: list[CommentRecord]) -> None:
        for record in records:
            record.triage = triage.read(draft_of(record))

    return read


def draft_of(record: CommentRecord) -> Draft:
    """The record as its stored row will read (the loader trims and joins the same way)."""
    removed = ", ".join(record.sanitised_away)[:SANITISED_MAX]
    return Draft(
        body=record.html or "",
        author_name=record.author_name.strip()[:255],
        author_email=record.author_email.strip()[:320],
        sanitised_away=[s.strip() for s in removed.split(",") if s.strip()],
    )
