"""Moderato's own JSON export (format "moderato", version 1; see docs/import-formats.md).

The document is produced piece by piece, a chunk of articles at a time, and comments are
read with a streaming cursor, so only one article's comments are in memory at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from operator import itemgetter

from django.apps import apps
from django.db.models import F, QuerySet

from .models import Article, Comment
from .sanitize import comment_html
from .trees import Tree

FORMAT, VERSION = "moderato", 1
ARTICLE_CHUNK = 100
ROW_CHUNK = 2000
COMMENT_COLUMNS = (
    "pk",
    "article_id",
    "parent_id",
    "external_id",
    "author_name",
    "author_email",
    "author_url",
    "author_username",
    "body",
    "source_body",
    "status",
    "hidden_reason",
    "source_status",
    "kind",
    "is_staff_reply",
    "created_at",
    "moderated_at",
)


@dataclass
class ExportCounts:
    articles: int = 0
    comments: int = 0
    events: int = 0


def export_json(
    articles: QuerySet[Article], *, events: bool = False, counts: ExportCounts | None = None
) -> Iterator[str]:
    """Yield the Moderato JSON document for these articles, in pieces to write one after another."""
    counts = counts if counts is not None else ExportCounts()
    yield f'{{"format": "{FORMAT}", "version": {VERSION}, "articles": [\n'
    first = True
    for chunk in article_chunks(articles):
        ids = [a.pk for a in chunk]
        comments = ByArticle(comment_rows(ids))
        history = ByArticle(event_rows(ids)) if events else None
        for article in chunk:
            data = article_data(article, comments.take(article.pk), history, counts)
            yield ("" if first else ",\n") + json.dumps(data, ensure_ascii=False)
            first = False
    yield "\n]}\n"


def article_chunks(articles: QuerySet[Article]) -> Iterator[list[Article]]:
    """The articles in id order, ARTICLE_CHUNK at a time (keyset pagination, no OFFSET)."""
    last = 0
    while True:
        chunk = list(articles.filter(pk__gt=last).order_by("pk")[:ARTICLE_CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


class ByArticle:
    """Rows ordered by article id, handed out one article at a time."""

    def __init__(self, rows: Iterable[dict]):
        self.groups = groupby(rows, key=itemgetter("article_id"))
        self.current = next(self.groups, None)

    def take(self, article_id: int) -> list[dict]:
        if self.current is None or self.current[0] != article_id:
            return []
        rows = list(self.current[1])
        self.current = next(self.groups, None)
        return rows


def comment_rows(article_ids: list[int]) -> Iterator[dict]:
    return (
        Comment.objects.filter(article_id__in=article_ids)
        .order_by("article_id", F("created_at").asc(nulls_first=True), "pk")
        .values(*COMMENT_COLUMNS, staff_username=F("staff_author__username"))
        .iterator(chunk_size=ROW_CHUNK)
    )


def event_rows(article_ids: list[int]) -> Iterator[dict]:
    # Through the app registry: articles never imports the moderation package.
    event = apps.get_model("moderation", "ModerationEvent")
    return (
        event.objects.filter(comment__article_id__in=article_ids)
        .order_by("comment__article_id", "created_at", "pk")
        .values(
            "comment_id",
            "related_comment_id",
            "rule",
            "action",
            "status_before",
            "status_after",
            "reason",
            "note",
            "created_at",
            article_id=F("comment__article_id"),
            actor_username=F("actor__username"),
        )
        .iterator(chunk_size=ROW_CHUNK)
    )


def article_data(
    article: Article, comments: list[dict], history: ByArticle | None, counts: ExportCounts
) -> dict:
    ids = {row["pk"]: row["external_id"] or f"moderato:{row['pk']}" for row in comments}
    data = {
        "id": article_id(article),
        "slug": article.slug,
        "title": article.title,
        "deck": article.deck,
        "body": article.body,
        "image_credit": article.image_credit,
        "source_url": article.source_url,
        "published_at": iso(article.published_at),
        "language": article.language,
        "comments": [comment_data(row, ids) for row in thread_order(comments)],
    }
    counts.articles += 1
    counts.comments += len(comments)
    if history is not None:
        data["events"] = [event_data(row, ids) for row in history.take(article.pk)]
        counts.events += len(data["events"])
    return data


def article_id(article: Article) -> str:
    """Where the article came from ("disqus:123"), or this site's own id."""
    if article.external_id:
        return f"{article.source}:{article.external_id}"
    return f"moderato:{article.pk}"


def thread_order(rows: list[dict]) -> list[dict]:
    """Each comment followed by its replies, depth first; rows come oldest first."""
    thread = Tree(rows, key=itemgetter("pk"), parent_key=itemgetter("parent_id"))
    return [row for row, _ in thread.walk()]


def comment_data(row: dict, ids: dict[int, str]) -> dict:
    source_body = row["source_body"]
    return {
        "id": ids[row["pk"]],
        "parent_id": ids.get(row["parent_id"]),
        "author_name": row["author_name"],
        "author_email": row["author_email"],
        "author_url": row["author_url"],
        "author_username": row["author_username"],
        "body": row["body"],
        "source_body": source_body,
        # Whichever reading of the source reproduces the stored body.
        "source_body_is_html": comment_html(source_body, is_html=False) != row["body"],
        "status": row["status"],
        "hidden_reason": row["hidden_reason"],
        "source_status": row["source_status"],
        "kind": row["kind"],
        "is_staff_reply": row["is_staff_reply"],
        "staff_author": row["staff_username"] or "",
        "created_at": iso(row["created_at"]),
        "moderated_at": iso(row["moderated_at"]),
    }


def event_data(row: dict, ids: dict[int, str]) -> dict:
    return {
        "comment_id": ids[row["comment_id"]],
        "action": row["action"],
        "actor": row["actor_username"],
        "rule": row["rule"],  # the triage rule that decided, for an automatic event; else ""
        "status_before": row["status_before"],
        "status_after": row["status_after"],
        "reason": row["reason"],
        "note": row["note"],
        "related_comment_id": ids.get(row["related_comment_id"]),
        "created_at": iso(row["created_at"]),
    }


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z: '2024-05-02T09:30:00Z'."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
