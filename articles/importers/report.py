"""What one import did: the counts and warnings shown to the user and kept on the ImportRun."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from operator import itemgetter

from ..models import Comment
from ..trees import Tree


@dataclass
class ImportReport:
    """What one file did (or, on a dry run, would do)."""

    file_name: str
    format: str
    dry_run: bool = False
    articles_created: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    articles_skipped_without_comments: int = 0
    comments_created: int = 0
    comments_updated: int = 0
    comments_unchanged: int = 0
    created_by_status: Counter = field(default_factory=Counter)
    created_by_kind: Counter = field(default_factory=Counter)
    replies: int = 0
    orphans_made_top_level: int = 0
    comments_without_article: int = 0
    deepest_thread: int = 0
    # Reader-approved comments the source rewrote (back to pending) or deleted (flagged).
    comments_back_to_pending: int = 0
    comments_flagged_removed_at_source: int = 0
    article_fields_kept: int = 0  # left as staff changed them, or not emptied
    # What sanitising removed -> how many comments and articles lost it.
    sanitised: Counter = field(default_factory=Counter)
    # The file's statuses held back for a moderator: {"approved": [ids], "hidden:spam": [...]}
    held_statuses: dict[str, list[int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def comments_seen(self) -> int:
        return (
            self.comments_created
            + self.comments_updated
            + self.comments_unchanged
            + self.comments_without_article
        )

    def as_counts(self) -> dict:
        """For the ImportRun's JSON column: the counts, and how many of each held status."""
        held = {key: len(ids) for key, ids in self.held_statuses.items()}
        return {**counts_of(self), "held": held}

    def summary(self) -> str:
        status = ", ".join(f"{n} {s}" for s, n in sorted(self.created_by_status.items()))
        verb = "would import" if self.dry_run else "imported"
        lines = [
            f"{self.file_name} ({self.format}) {verb}: "
            f"articles {self.articles_created} created, {self.articles_updated} updated, "
            f"{self.articles_unchanged} unchanged; "
            f"comments {self.comments_created} new ({status or 'none'}), "
            f"{self.comments_updated} updated, {self.comments_unchanged} unchanged"
        ]
        if held := sum(len(ids) for ids in self.held_statuses.values()):
            lines.append(f"{held} comment(s) held pending; the file's statuses await a moderator")
        if self.comments_back_to_pending:
            lines.append(
                f"{self.comments_back_to_pending} approved comment(s) changed at source went "
                "back to pending"
            )
        if self.comments_flagged_removed_at_source:
            lines.append(
                f"{self.comments_flagged_removed_at_source} approved comment(s) removed at "
                "source were flagged on the desk"
            )
        lines.append(f"sanitising removed: {sanitised_summary(self.sanitised)}")
        return "\n  ".join(lines)


def counts_of(record) -> dict:
    """Every count a report or preview keeps (its int and Counter fields), as JSON values."""
    counts = {}
    for field_ in fields(record):
        value = getattr(record, field_.name)
        if isinstance(value, Counter):
            counts[field_.name] = dict(value)
        elif type(value) is int:  # not a bool flag such as dry_run
            counts[field_.name] = value
    return counts


def sanitised_summary(counts: dict[str, int]) -> str:
    """{"script": 3, "onerror": 1} -> "script ×3, onerror ×1" ("nothing" when empty)."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{name} ×{n}" for name, n in ordered) or "nothing"


def deepest_thread(article_ids: Iterable[int]) -> int:
    """How many levels the deepest thread in these articles has (1 = no replies)."""
    ids = list(article_ids)
    if not ids:
        return 0
    rows = Comment.objects.filter(article_id__in=ids).order_by("pk").values_list("pk", "parent_id")
    return Tree(rows, key=itemgetter(0), parent_key=itemgetter(1)).depth()
