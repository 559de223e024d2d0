"""The values a comment record becomes, and what a re-import may change on a stored comment."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.contrib.auth import get_user_model

from ..models import Comment, StaffAlias
from ..sanitize import comment_html_and_removed, safe_url
from .hooks import SourceChange
from .records import CommentRecord
from .trust import ImportTrust

# Fields the source owns: a re-import updates them when the file says otherwise.
SOURCE_FIELDS = (
    "author_name",
    "author_email",
    "author_url",
    "author_username",
    "body",
    "source_body",
    "sanitised_away",
    "created_at",
    "kind",
    "source_status",
    "is_staff_reply",
    "staff_author_id",
)
# What readers see of a comment: a person who approved it read these. When the
# source changes one, the comment goes back to pending.
REVIEWED_FIELDS = ("author_name", "author_url", "body", "is_staff_reply")
# Who wrote a staff reply: only a fully trusted import may change it on a stored comment.
AUTHORSHIP_FIELDS = ("is_staff_reply", "staff_author_id")
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
SANITISED_MAX = Comment._meta.get_field("sanitised_away").max_length


class CommentRows:
    """Turns records into row values for one import."""

    def __init__(self, *, now: datetime, trust: ImportTrust, all_pending: bool):
        self.now = now
        self.trust = trust
        self.all_pending = all_pending
        self.source_decides_new = trust.keep_statuses and not all_pending
        self.staff_ids: dict[str, int | None] = {}  # name in the file -> user pk on this site
        self.sanitised: Counter = Counter()  # what cleaning removed -> comments that lost it
        self.source_changes: list[SourceChange] = []

    def values(self, record: CommentRecord) -> dict:
        status, reason, moderated_at = record.status, record.hidden_reason, record.moderated_at
        source_status = record.source_status
        if not self.source_decides_new:
            if not source_status and status != Comment.Status.PENDING:
                # What the file said, for the desk (our own format carries no source_status).
                source_status = f"{status}: {reason}" if reason else status
            status, reason, moderated_at = Comment.Status.PENDING, "", None
        if status != Comment.Status.HIDDEN:
            reason = ""
        if record.html is None:
            body, removed = comment_html_and_removed(record.body, is_html=record.body_is_html)
        else:  # made by the parse worker
            body, removed = record.html, record.sanitised_away
        self.sanitised.update(removed)
        return {
            "author_name": record.author_name.strip()[:255],
            "author_email": record.author_email.strip()[:320],
            "author_url": safe_url(record.author_url)[:1000],
            "author_username": record.author_username.strip()[:255],
            "body": body,
            "source_body": record.body,
            "sanitised_away": ", ".join(removed)[:SANITISED_MAX],
            "status": status,
            "hidden_reason": reason,
            "moderated_at": moderated_at,
            "source_status": source_status[:40],
            "kind": record.kind,
            "created_at": record.created_at,
            "imported_at": self.now,
            "is_staff_reply": record.is_staff_reply,
            "staff_author_id": self.staff_id(record.staff_username),
            "version": 1,
            # Not a column of new rows: read by `flag_removed_at_source` on stored ones.
            "removed_at_source": record.hidden_reason == Comment.HiddenReason.REMOVED_AT_SOURCE,
        }

    def staff_id(self, name: str) -> int | None:
        """The local user a staff reply's name stands for, as `ImportTrust` allows."""
        name = name.strip()
        if not name:
            return None
        if name not in self.staff_ids:
            self.staff_ids[name] = self.find_staff(name)
        return self.staff_ids[name]

    def find_staff(self, name: str) -> int | None:
        alias = StaffAlias.objects.filter(name=name).values_list("user_id", flat=True).first()
        if alias is not None:
            return alias
        if self.trust.link_staff_by_username or name == self.trust.importing_username:
            users = get_user_model().objects.filter(username=name)
            return users.values_list("pk", flat=True).first()
        return None

    def unlinked_staff(self) -> list[str]:
        return sorted(name for name, pk in self.staff_ids.items() if pk is None)

    def apply_changes(self, comment: Comment, values: dict) -> list[str]:
        """Update what the source changed; a person's decision is never undone.

        A comment a staff member edited here keeps its text. A comment a person
        approved (or, from a less trusted import, any approved comment) whose
        reader-facing fields change goes back to pending, its old text kept.
        """
        if comment.edited_at is not None:
            return []
        fields = [name for name in SOURCE_FIELDS if getattr(comment, name) != values[name]]
        if not self.trust.keep_statuses:
            fields = [name for name in fields if name not in AUTHORSHIP_FIELDS]
        source_decides = (
            comment.moderated_at is None and self.trust.keep_statuses and not self.all_pending
        )
        if source_decides and any(getattr(comment, n) != values[n] for n in DECISION_FIELDS):
            fields += DECISION_FIELDS
        reviewed = [name for name in fields if name in REVIEWED_FIELDS]
        if reviewed and comment.status == Comment.Status.APPROVED and not source_decides:
            fields = self.back_to_pending(comment, values, fields, reviewed)
        fields += self.flag_removed_at_source(comment, values)
        for name in fields:
            setattr(comment, name, values[name])
        if fields:
            comment.version += 1
            fields.append("version")
        return fields

    def back_to_pending(self, comment: Comment, values: dict, fields, reviewed) -> list[str]:
        self.source_changes.append(
            SourceChange(
                comment_id=comment.pk,
                article_id=comment.article_id,
                status_before=comment.status,
                fields=tuple(reviewed),
                previous={name: getattr(comment, name) for name in reviewed},
                cleaned_differently=(
                    reviewed == ["body"] and comment.source_body == values["source_body"]
                ),
            )
        )
        # A person reads it again; moderated_at set keeps later imports from deciding it.
        values.update(status=Comment.Status.PENDING, hidden_reason="", moderated_at=self.now)
        extra = list(DECISION_FIELDS)
        if "body" in reviewed:
            values["previous_body"] = comment.body
            extra.append("previous_body")
        return [n for n in fields if n not in DECISION_FIELDS] + extra

    def flag_removed_at_source(self, comment: Comment, values: dict) -> list[str]:
        """A person approved it and the source has since deleted it: flag it for the desk."""
        approved_by_a_person = comment.status == Comment.Status.APPROVED and comment.moderated_at
        values["removed_at_source"] = bool(values["removed_at_source"] and approved_by_a_person)
        return (
            ["removed_at_source"]
            if values["removed_at_source"] != comment.removed_at_source
            else []
        )
