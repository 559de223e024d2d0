"""Arrange an article's comments into the threads readers see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter

from django.db import connection
from django.db.models import F

from .caching import database_datetime
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


# Ids per detail query: far below SQLite's limit of 32,766 parameters.
DETAIL_BATCH = 10_000


def public_staff_name(first: str | None, last: str | None, login: str | None, signed: str) -> str:
    """A staff reply's name for readers: the account's name, else the name the reply was
    signed with, never the login name (replies made before this rule were signed with it)."""
    full = f"{first or ''} {last or ''}".strip()
    if full:
        return full
    return signed if signed and signed != login else STAFF_DISPLAY_NAME


class ThreadShape:
    """Which of an article's comments readers see, by id only, in reading order.

    Approved reader comments are shown. A hidden comment appears only as a placeholder, and
    only when it has visible replies. Pending comments and anything under them do not exist
    publicly. Only ids, parents and statuses are loaded (one query); `threads` builds the
    comments of one page, so a page of a 5,000-comment article handles 70 comments, not 5,000.
    """

    def __init__(self, rows: list[tuple[int, int | None, str]]):
        # A reply whose parent is not here (pending) is left out with everything under it.
        self.tree = Tree(rows, key=itemgetter(0), parent_key=itemgetter(1), orphans_are_roots=False)
        reached = [row for row, _ in self.tree.walk()]
        approved = Comment.Status.APPROVED
        self.count = sum(1 for row in reached if row[2] == approved)
        # Shown: approved, or hidden with something shown under it. Children come after
        # their parent in `reached`, so one pass backwards sees every reply first.
        shown: set[int] = set()
        for pk, parent, status in reversed(reached):
            if status == approved or pk in shown:
                shown.add(pk)
                if parent is not None:
                    shown.add(parent)
        self.shown = shown
        self.roots: list[int] = [row[0] for row in self.tree.roots if row[0] in shown]
        self.rows = {row[0]: row for row in reached}

    def threads(self, roots: list[int]) -> list[PublicComment]:
        """These top-level comments with their shown replies, depths set (no details yet)."""
        nodes: dict[int, PublicComment] = {}
        hidden = Comment.Status.HIDDEN
        for (pk, parent, status), _ in self.tree.walk([self.rows[pk] for pk in roots]):
            if pk not in self.shown:
                continue  # a removed comment with nothing shown under it, and its subtree
            node = PublicComment(pk=pk, parent_id=parent, is_removed=status == hidden)
            nodes[pk] = node
            if parent is not None and parent in nodes:
                nodes[parent].replies.append(node)
        threads = [nodes[pk] for pk in roots]
        for root in threads:
            place(root, 0)
        return threads

    def page_of(self, comment_pk: int, per_page: int) -> int | None:
        """The page (1-based) whose threads include this comment; None if readers cannot see it."""
        if comment_pk not in self.shown:
            return None
        root = comment_pk
        while (parent := self.rows[root][1]) is not None:
            root = parent
        return self.roots.index(root) // per_page + 1


def thread_shape(article) -> ThreadShape:
    """The shape of the article's public threads: one query for ids, parents and statuses."""
    rows = (
        Comment.objects.filter(
            article=article,
            kind=Comment.Kind.COMMENT,
            status__in=[Comment.Status.APPROVED, Comment.Status.HIDDEN],
        )
        .order_by(F("created_at").asc(nulls_first=True), "id")
        .values_list("pk", "parent_id", "status")
    )
    return ThreadShape(list(rows))


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


def detail_rows(pks: list[int]) -> list[tuple]:
    """What these comments show: one plain SQL query (see `details_sql`)."""
    approved = Comment.Status.APPROVED
    with connection.cursor() as cursor:
        cursor.execute(details_sql(len(pks)), [approved, approved, *pks])
        rows = cursor.fetchall()
    return [
        (pk, status, database_datetime(created), bool(staff), *rest)
        for pk, status, created, staff, *rest in rows
    ]


def details_sql(count: int) -> str:
    """The comments' status, time, staff flag, version, body and author, and their staff
    author's names; a hidden comment's text and author never leave the database.

    Plain SQL (column names from the models) rather than the ORM: building this query
    with the ORM cost three times as long as running it, a fifth of a page rendered
    without the cache.
    """
    quote = connection.ops.quote_name
    comment, user = Comment._meta, Comment._meta.get_field("staff_author").related_model._meta

    def column(meta, name: str) -> str:
        return f"{quote(meta.db_table)}.{quote(meta.get_field(name).column)}"

    status = column(comment, "status")
    shown = [column(comment, name) for name in ("id", "status", "created_at")]
    shown += [column(comment, name) for name in ("is_staff_reply", "version")]
    shown += [f"CASE WHEN {status} = %s THEN {column(comment, 'body')} ELSE '' END"]
    shown += [f"CASE WHEN {status} = %s THEN {column(comment, 'author_name')} ELSE '' END"]
    shown += [column(user, name) for name in ("first_name", "last_name", "username")]
    placeholders = ", ".join(["%s"] * count)
    return (
        f"SELECT {', '.join(shown)} FROM {quote(comment.db_table)} "  # noqa: S608 - names only
        f"LEFT OUTER JOIN {quote(user.db_table)} "
        f"ON {column(comment, 'staff_author')} = {column(user, 'id')} "
        f"WHERE {column(comment, 'id')} IN ({placeholders})"
    )


def place(node: PublicComment, depth: int) -> None:
    """Set depths, flattening past the deepest indent (so no thread is drawn deeper)."""
    node.depth = depth
    if depth < MAX_VISIBLE_DEPTH - 1:
        for reply in node.replies:
            place(reply, depth + 1)
        return
    # The last indented level: every descendant sits here in reading order,
    # each saying whom it answers when that is not this comment.
    descendants = list(walk(node))
    for item in descendants:
        item.depth = depth + 1
        item.replies = []
    node.replies = descendants


def walk(anchor: PublicComment):
    stack = [(anchor, reply) for reply in reversed(anchor.replies)]
    while stack:
        parent, node = stack.pop()
        if parent is not anchor:
            node.answers = parent
        yield node
        stack.extend((node, reply) for reply in reversed(node.replies))


def members(root: PublicComment):
    """The comment and everything shown under it."""
    yield root
    for reply in root.replies:
        yield from members(reply)
