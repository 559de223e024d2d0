"""Arrange an article's comments into the threads readers see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, F, TextField, Value, When

from .models import STAFF_DISPLAY_NAME, Comment

# Deeper replies are drawn at this level with an "in reply to" line instead.
MAX_VISIBLE_DEPTH = 5


@dataclass
class PublicComment:
    pk: int
    parent_id: int | None
    author_name: str
    created_at: datetime | None
    body: str  # empty for a removed comment: its text is never loaded
    is_removed: bool
    is_staff_reply: bool
    staff_name: str
    depth: int = 0
    in_reply_to: str = ""
    replies: list[PublicComment] = field(default_factory=list)


def public_staff_name(first: str | None, last: str | None, login: str | None, signed: str) -> str:
    """A staff reply's name for readers: the account's name, else the name the reply was
    signed with, never the login name (replies made before this rule were signed with it)."""
    full = f"{first or ''} {last or ''}".strip()
    if full:
        return full
    return signed if signed and signed != login else STAFF_DISPLAY_NAME


def public_threads(article) -> tuple[list[PublicComment], int]:
    """Top-level comments with nested replies, and how many comments readers see.

    Approved reader comments are shown. A hidden comment appears only as a
    placeholder, and only when it has visible replies. Pending comments and
    anything under them do not exist publicly.
    """
    rows = (
        Comment.objects.filter(
            article=article,
            kind=Comment.Kind.COMMENT,
            status__in=[Comment.Status.APPROVED, Comment.Status.HIDDEN],
        )
        .order_by(F("created_at").asc(nulls_first=True), "id")
        .values_list(
            "pk",
            "parent_id",
            "status",
            "created_at",
            "is_staff_reply",
            # Hidden text never leaves the database for a public page.
            Case(
                When(status=Comment.Status.APPROVED, then=F("body")),
                default=Value(""),
                output_field=TextField(),
            ),
            Case(When(status=Comment.Status.APPROVED, then=F("author_name")), default=Value("")),
            "staff_author__first_name",
            "staff_author__last_name",
            "staff_author__username",
        )
    )
    nodes: dict[int, PublicComment] = {}
    for pk, parent_id, status, created, staff, body, author, first, last, login in rows:
        nodes[pk] = PublicComment(
            pk=pk,
            parent_id=parent_id,
            author_name=author,
            created_at=created,
            body=body,
            is_removed=status == Comment.Status.HIDDEN,
            is_staff_reply=staff,
            staff_name=public_staff_name(first, last, login, author) if staff and author else "",
        )
    roots: list[PublicComment] = []
    for node in nodes.values():
        if node.parent_id is None:
            roots.append(node)
        elif node.parent_id in nodes:
            nodes[node.parent_id].replies.append(node)
        # else: the parent is pending (not public), so this reply waits with it.
    visible = [r for r in roots if prune(r)]
    count = 0
    for root in visible:
        count += place(root, 0)
    return visible, count


def prune(node: PublicComment) -> bool:
    """Drop removed comments that have nothing visible under them."""
    node.replies = [r for r in node.replies if prune(r)]
    return not node.is_removed or bool(node.replies)


def place(node: PublicComment, depth: int) -> int:
    """Set depths (flattening past the deepest indent); returns approved comments shown."""
    node.depth = depth
    shown = 0 if node.is_removed else 1
    if depth < MAX_VISIBLE_DEPTH - 1:
        return shown + sum(place(reply, depth + 1) for reply in node.replies)
    # The last indented level: every descendant sits here in reading order,
    # each saying whom it answers when that is not this comment.
    descendants = list(walk(node))
    for item in descendants:
        item.depth = depth + 1
        item.replies = []
    node.replies = descendants
    return shown + sum(not item.is_removed for item in descendants)


def walk(anchor: PublicComment):
    stack = [(anchor, reply) for reply in reversed(anchor.replies)]
    while stack:
        parent, node = stack.pop()
        if parent is not anchor:
            node.in_reply_to = parent.author_name or "a removed comment"
        yield node
        stack.extend((node, reply) for reply in reversed(node.replies))
