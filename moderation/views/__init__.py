"""The moderation desk: the queue, per-comment actions, and the staff context pages."""

from .actions import approve, edit_reply, hide, reply, restore
from .pages import article, comment
from .queue import bulk, queue

__all__ = [
    "approve",
    "article",
    "bulk",
    "comment",
    "edit_reply",
    "hide",
    "queue",
    "reply",
    "restore",
]
