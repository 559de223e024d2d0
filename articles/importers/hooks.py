"""Where the moderation app hears about imports, without the articles app importing it.

The loader itself sends a rewritten, person-approved comment back to pending and
keeps its old text (that is the comment's own data). The audit log belongs to
the moderation app, which registers a recorder here in its AppConfig.ready();
the loader calls it inside the import's transaction, so events and changes
commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceChange:
    """The source rewrote a comment a person had approved; it went back to pending."""

    comment_id: int
    article_id: int
    status_before: str
    fields: tuple[str, ...]  # what the source changed ("body", "author_name", ...)
    previous: dict[str, object]  # those fields' values before
    # The source sent the same text as last time: what readers see changed because
    # Moderato cleans comments differently now (a sanitiser fix), not at the source.
    cleaned_differently: bool = False


SourceChangeRecorder = Callable[[list[SourceChange]], None]
_recorders: list[SourceChangeRecorder] = []


def record_source_changes_with(recorder: SourceChangeRecorder) -> None:
    if recorder not in _recorders:
        _recorders.append(recorder)


def source_changed(changes: list[SourceChange]) -> None:
    if changes:
        for recorder in _recorders:
            recorder(changes)
