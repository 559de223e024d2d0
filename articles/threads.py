"""Arrange an article's comments into the threads readers see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, F, TextField, Value, When

from .models import STAFF_DISPLAY_NAME, Comment
from .trees import Tree

# Deeper replies are drawn at this level with an "in reply to" line instead.
MAX_VISIBLE_DEPTH = 5


@dataclass
class PublicComment:
    pk: int
    parent_id: int | None
    is_removed: bool
    # What the comment shows: filled by `load_details`, for the page being drawn only.
    author_name: str = ""
    created_at: datetime | None = None
    body: str = ""  # empty for a removed comment: its text is never loaded
    is_staff_reply: bool = False
    staff_name: str = ""
    version: int = 1
    depth: int = 0
    # The comment a flattened reply answers, when that is not the one it is drawn under.
    answers: PublicComment | None = field(default=None, repr=False)
    in_reply_to: str = ""
    replies: list[PublicComment] = field(default_factory=list)
    # Filled by `articles.fragments` when the thread is drawn.
    fragment_key: str = ""
    replies_html: str = ""


# Ids per detail query: far below SQLite's limit of 32,766 parameters.
DETAIL_BATCH = 10_000


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
    anything under them do not exist publicly. Only the shape is loaded here (ids,
    parents, status, in reading order); `load_details` fills in the comments of the
    page being drawn, so a page of a 5,000-comment article reads 70 bodies, not 5,000.
    """
    rows = (
        Comment.objects.filter(
            article=article,
            kind=Comment.Kind.COMMENT,
            status__in=[Comment.Status.APPROVED, Comment.Status.HIDDEN],
        )
        .order_by(F("created_at").asc(nulls_first=True), "id")
        .values_list("pk", "parent_id", "status")
    )
    # A reply whose parent is pending (not public) waits with it, and so do its replies.
    public = Tree(
        (
            PublicComment(pk=pk, parent_id=parent_id, is_removed=status == Comment.Status.HIDDEN)
            for pk, parent_id, status in rows
        ),
        orphans_are_roots=False,
    )
    threads, count = [], 0
    for root in public.roots:
        if shown := place(root, 0, public):
            threads.append(root)
            count += shown
    return threads, count


def load_details(threads: list[PublicComment]) -> None:
    """Fill in what the comments of these threads show (one query per 10,000 comments)."""
    nodes = {node.pk: node for root in threads for node in members(root)}
    pks, unseen = list(nodes), set(nodes)
    for start in range(0, len(pks), DETAIL_BATCH):
        for pk, status, created, staff, version, body, author, *names in detail_rows(
            pks[start : start + DETAIL_BATCH]
        ):
            first, last, login = names
            node = nodes[pk]
            unseen.discard(pk)
            # Decided between the two queries: show no more than either state allows.
            node.is_removed = node.is_removed or status != Comment.Status.APPROVED
            node.created_at = created
            node.is_staff_reply = staff
            node.version = version
            node.body = body
            node.author_name = author
            if staff and author:
                node.staff_name = public_staff_name(first, last, login, author)
    for pk in unseen:  # deleted meanwhile
        nodes[pk].is_removed = True
    for node in nodes.values():
        if node.answers is not None:
            node.in_reply_to = node.answers.author_name or "a removed comment"


def detail_rows(pks: list[int]):
    return Comment.objects.filter(pk__in=pks).values_list(
        "pk",
        "status",
        "created_at",
        "is_staff_reply",
        "version",
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


def place(node: PublicComment, depth: int, tree: Tree[PublicComment]) -> int:
    """Set the replies drawn under the comment and their depths (flattening past the deepest
    indent). Returns how many approved comments it shows: with none, it is not drawn at all
    (a removed comment is a placeholder only when something visible is under it)."""
    node.depth = depth
    shown = 0 if node.is_removed else 1
    if depth < MAX_VISIBLE_DEPTH - 1:
        node.replies = []
        for reply in tree.replies(node):
            if below := place(reply, depth + 1, tree):
                node.replies.append(reply)
                shown += below
        return shown
    node.replies = flattened(node, tree)
    for item in node.replies:
        item.depth = depth + 1
    return shown + sum(not item.is_removed for item in node.replies)


def flattened(node: PublicComment, tree: Tree[PublicComment]) -> list[PublicComment]:
    """Everything drawn under a comment of the last indented level, in reading order, each
    saying whom it answers when that is not this comment."""
    below = list(tree.descendants(node))
    kept: set[int | None] = set()
    for item in reversed(below):  # replies before the comment they answer
        if not item.is_removed or item.pk in kept:
            kept.add(item.pk)
            kept.add(item.parent_id)
    drawn = {node.pk: node}
    for item in below:
        if item.pk in kept:
            drawn[item.pk] = item
            if item.parent_id != node.pk:
                item.answers = drawn[item.parent_id]
    return [item for item in below if item.pk in kept]


def members(root: PublicComment):
    """The comment and everything shown under it (as drawn: at most MAX_VISIBLE_DEPTH deep)."""
    yield root
    for reply in root.replies:
        yield from members(reply)


def page_showing(threads: list[PublicComment], comment_pk: int, per_page: int) -> int | None:
    """The page (1-based) whose threads include this comment; None when readers cannot see it."""
    for index, root in enumerate(threads):
        if any(node.pk == comment_pk for node in members(root)):
            return index // per_page + 1
    return None
