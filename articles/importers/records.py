"""Plain records that every format parser produces and the one loader consumes.

A parser turns a file into a stream of `ArticleRecord` and `CommentRecord` items
(in file order). Comments point at their article and parent by the *source's* ids,
so a parser never needs the database and the loader never needs to know formats.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

# Status values mirror articles.models.Comment.Status; kept as strings here so
# parsers stay free of Django imports.
PENDING = "pending"
APPROVED = "approved"
HIDDEN = "hidden"

# Hidden reasons a source can give (subset of Comment.HiddenReason).
REASON_SPAM = "spam"
REASON_REMOVED_AT_SOURCE = "removed_at_source"

KIND_COMMENT = "comment"
KIND_PINGBACK = "pingback"
KIND_TRACKBACK = "trackback"


@dataclass(slots=True)
class ArticleRecord:
    """One article as the source describes it."""

    key: str  # the source's id for the article, unique within the file
    title: str
    slug: str = ""  # wanted slug (Moderato exports); used when valid and free
    # Where the article first came from, when the file says so (Moderato exports
    # carry "disqus:123"); empty: the file's own format and `key`.
    source: str = ""
    external_id: str = ""
    source_url: str = ""
    deck: str = ""
    body: str = ""  # HTML (sanitised by the loader)
    image_credit: str = ""
    published_at: datetime | None = None
    # An article in its own right even when no comment hangs on it (a published
    # WordPress post), in a format whose other entries need comments to count.
    stands_alone: bool = False
    language: str = ""  # as the source writes it ("en-US"); the loader normalises it
    line: int | None = None  # where it starts in the file, for messages


@dataclass(slots=True)
class CommentRecord:
    """One comment; `article_key` and `parent_key` use the source's ids."""

    key: str  # the source's id for the comment, unique within the file
    article_key: str
    body: str  # exactly as in the source; kept byte for byte as source_body
    parent_key: str | None = None
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    author_username: str = ""
    body_is_html: bool = True  # False: plain text, paragraphs split on blank lines
    created_at: datetime | None = None
    status: str = PENDING
    hidden_reason: str = ""
    source_status: str = ""  # what the source said, verbatim ("1", "spam", "isDeleted")
    kind: str = KIND_COMMENT
    is_staff_reply: bool = False
    staff_username: str = ""  # the staff author, matched to a user of this site by username
    moderated_at: datetime | None = None  # set: a person decided the status; imports keep it
    html: str | None = None  # reader-facing HTML, when already made (parse worker)
    sanitised_away: list[str] = field(default_factory=list)  # what making `html` removed
    # What settings.IMPORT_READ_COMMENTS worked out from the text (opaque here), handed
    # with the comment's id to the import's after_load hook.
    triage: object | None = None
    line: int | None = None


@dataclass(slots=True)
class ParseWarning:
    message: str
    line: int | None = None


@dataclass
class ParseContext:
    """Collects warnings a parser wants the user to see."""

    warnings: list[ParseWarning] = field(default_factory=list)

    def warn(self, message: str, line: int | None = None) -> None:
        self.warnings.append(ParseWarning(message, line))


class ImportFormatError(Exception):
    """The file does not fit its format; the message names the file and line."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None):
        self.path = path
        self.line = line
        self.detail = message
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}, line {self.line}"
        return f"{where}: {self.detail}"

    def with_path(self, path: str) -> ImportFormatError:
        self.path = path
        self.args = (self._render(),)
        return self


def derived_key(*parts: str, prefix: str = "sha-") -> str:
    """A stable key for something the source gave no id, so re-imports match."""
    return prefix + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]
