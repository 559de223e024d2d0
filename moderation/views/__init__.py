"""The moderation desk: the queue, per-comment actions, and the staff context pages."""

from .actions import approve, edit_reply, hide, hide_removed, reply, restore
from .dashboard import dashboard
from .dashboard import export as dashboard_export
from .email_settings import email_settings
from .imports import accept_statuses as import_accept_statuses
from .imports import preview as import_preview
from .imports import runs as import_runs
from .imports import upload as import_upload
from .jobs import desk_jobs, job
from .pages import article, comment
from .queue import bulk, queue

__all__ = [
    "approve",
    "article",
    "bulk",
    "comment",
    "dashboard",
    "dashboard_export",
    "desk_jobs",
    "edit_reply",
    "email_settings",
    "hide",
    "hide_removed",
    "import_accept_statuses",
    "import_preview",
    "import_runs",
    "import_upload",
    "job",
    "queue",
    "reply",
    "restore",
]
