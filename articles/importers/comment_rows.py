"""The values a comment record becomes, and what a re-import may change on a stored comment."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model

from ..models import Comment
from ..sanitize import comment_html, safe_url
from .records import CommentRecord

# Fields the source owns: a re-import updates them when the file says otherwise.
SOURCE_FIELDS = (
    "author_name",
    "author_email",
    "author_url",
    "author_username",
    "body",
    "source_body",
    "created_at",
    "kind",
    "source_status",
    "is_staff_reply",
    "staff_author_id",
)
# A decision: the source's until a person (here or, in a Moderato export, there) made one.
DECISION_FIELDS = ("status", "hidden_reason", "moderated_at")

INSERT_COLUMNS = [
    "article_id",
    "parent_id",
    "external_id",
    *SOURCE_FIELDS,
    *DECISION_FIELDS,
    "imported_at",
    "version",
]


class CommentRows:
    """Turns records into row values for one import."""

    def __init__(self, *, now: datetime, all_pending: bool = False):
        self.now = now
        self.all_pending = all_pending
        self.staff_ids: dict[str, int | None] = {}  # username -> user pk on this site

    def values(self, record: CommentRecord) -> dict:
        status, reason, moderated_at = record.status, record.hidden_reason, record.moderated_at
        if self.all_pending:
            status, reason, moderated_at = Comment.Status.PENDING, "", None
        if status != Comment.Status.HIDDEN:
            reason = ""
        return {
            "author_name": record.author_name.strip()[:255],
            "author_email": record.author_email.strip()[:320],
            "author_url": safe_url(record.author_url)[:1000],
            "author_username": record.author_username.strip()[:255],
            "body": record.html
            if record.html is not None
            else comment_html(record.body, is_html=record.body_is_html),
            "source_body": record.body,
            "status": status,
            "hidden_reason": reason,
            "moderated_at": moderated_at,
            "source_status": record.source_status[:40],
            "kind": record.kind,
            "created_at": record.created_at,
            "imported_at": self.now,
            "is_staff_reply": record.is_staff_reply,
            "staff_author_id": self.staff_id(record.staff_username),
            "version": 1,
        }

    def staff_id(self, username: str) -> int | None:
        """The user of this site with that username; none when there is no such user."""
        username = username.strip()
        if not username:
            return None
        if username not in self.staff_ids:
            self.staff_ids[username] = (
                get_user_model()
                .objects.filter(username=username)
                .values_list("pk", flat=True)
                .first()
            )
        return self.staff_ids[username]

    def missing_staff(self) -> list[str]:
        return sorted(name for name, pk in self.staff_ids.items() if pk is None)

    def apply_changes(self, comment: Comment, values: dict) -> list[str]:
        """Update what the source changed; a person's decision is never undone."""
        fields = [name for name in SOURCE_FIELDS if getattr(comment, name) != values[name]]
        source_decides = comment.moderated_at is None and not self.all_pending
        if source_decides and any(getattr(comment, n) != values[n] for n in DECISION_FIELDS):
            fields += DECISION_FIELDS
        for name in fields:
            setattr(comment, name, values[name])
        if fields:
            comment.version += 1
            fields.append("version")
        return fields
