"""The one loader: writes parsed records to the database in batches, idempotently.

Every format's parser yields `ArticleRecord`/`CommentRecord` items; this module
turns them into rows. A file is loaded inside one transaction, so it imports
whole or not at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from ..models import Article, Comment
from ..sanitize import comment_html, safe_url, sanitize_article_html
from ..services import mark_articles_changed, unique_slug
from .records import ArticleRecord, CommentRecord

BATCH_SIZE = 2000
# Formats whose "articles" are just pages that comments hang on: an entry with
# no comments is not worth an article (a Disqus export lists every page ever
# viewed). Feeds and our own format are about the articles themselves.
ARTICLES_NEED_COMMENTS = {"disqus", "wxr"}
MAX_LISTED = 20  # keys named in one warning before "and N more"

ARTICLE_FIELDS = ("title", "deck", "body", "image_credit", "source_url", "published_at")
COMMENT_TEXT_FIELDS = (
    "author_name",
    "author_email",
    "author_url",
    "author_username",
    "body",
    "source_body",
    "created_at",
    "kind",
    "source_status",
)


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
        return {
            "articles_created": self.articles_created,
            "articles_updated": self.articles_updated,
            "articles_unchanged": self.articles_unchanged,
            "articles_skipped_without_comments": self.articles_skipped_without_comments,
            "comments_created": self.comments_created,
            "comments_updated": self.comments_updated,
            "comments_unchanged": self.comments_unchanged,
            "created_by_status": dict(self.created_by_status),
            "created_by_kind": dict(self.created_by_kind),
            "replies": self.replies,
            "orphans_made_top_level": self.orphans_made_top_level,
            "comments_without_article": self.comments_without_article,
            "deepest_thread": self.deepest_thread,
        }

    def summary(self) -> str:
        status = ", ".join(f"{n} {s}" for s, n in sorted(self.created_by_status.items()))
        verb = "would import" if self.dry_run else "imported"
        return (
            f"{self.file_name} ({self.format}) {verb}: "
            f"articles {self.articles_created} created, {self.articles_updated} updated, "
            f"{self.articles_unchanged} unchanged; "
            f"comments {self.comments_created} new ({status or 'none'}), "
            f"{self.comments_updated} updated, {self.comments_unchanged} unchanged"
        )


class Loader:
    """Consumes one file's records; call `load(records)` inside a transaction."""

    def __init__(
        self,
        report: ImportReport,
        *,
        all_pending: bool = False,
        on_progress: Callable[[int], None] | None = None,
    ):
        self.report = report
        self.source = report.format
        self.all_pending = all_pending
        self.on_progress = on_progress
        self.now = timezone.now()
        self.article_records: dict[str, ArticleRecord] = {}
        self.article_ids: dict[str, int] = {}  # article key -> pk, once written
        self.comment_ids: dict[tuple[int, str], int] = {}  # (article pk, comment key) -> pk
        self.waiting_for_parent: dict[int, tuple[int, str]] = {}  # comment pk -> parent ref
        self.waiting_for_article: list[CommentRecord] = []
        self.changed_articles: set[int] = set()
        self.batch: list[CommentRecord] = []

    # -- driving ---------------------------------------------------------------
    def load(self, records: Iterable[ArticleRecord | CommentRecord]) -> ImportReport:
        for record in records:
            if isinstance(record, ArticleRecord):
                self.article_records.setdefault(record.key, record)
                if self.source not in ARTICLES_NEED_COMMENTS:
                    self.article_id(record.key)
            else:
                self.batch.append(record)
                if len(self.batch) >= BATCH_SIZE:
                    self.flush()
        self.flush()
        self.finish()
        return self.report

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        ready = []
        for record in batch:
            if self.article_id(record.article_key) is None:
                self.waiting_for_article.append(record)
            else:
                ready.append(record)
        if ready:
            self.write_comments(ready)
        if self.on_progress:
            self.on_progress(self.report.comments_seen + len(self.waiting_for_article))

    def finish(self) -> None:
        late, self.waiting_for_article = self.waiting_for_article, []
        known = [r for r in late if self.article_id(r.article_key) is not None]
        missing = [r for r in late if self.article_id(r.article_key) is None]
        if known:
            self.write_comments(known)
        if missing:
            self.report.comments_without_article = len(missing)
            self.warn_keys(
                f"{len(missing)} comment(s) name an article that is not in the file and were "
                "not imported",
                [f"{r.key} (article {r.article_key})" for r in missing],
            )
        self.resolve_parents()
        skipped = [k for k in self.article_records if k not in self.article_ids]
        self.report.articles_skipped_without_comments = len(skipped)
        if skipped:
            self.report.warnings.append(
                f"{len(skipped)} article(s) without comments were not imported"
            )
        self.report.deepest_thread = deepest_thread(self.article_ids.values())
        mark_articles_changed(self.changed_articles)

    # -- articles --------------------------------------------------------------
    def article_id(self, key: str) -> int | None:
        if key in self.article_ids:
            return self.article_ids[key]
        record = self.article_records.get(key)
        if record is None:
            return None
        self.article_ids[key] = pk = self.write_article(record)
        return pk

    def write_article(self, record: ArticleRecord) -> int:
        values = {
            "title": record.title.strip()[:500] or "Untitled",
            "deck": record.deck.strip(),
            "body": sanitize_article_html(record.body),
            "image_credit": record.image_credit.strip()[:500],
            "source_url": safe_url(record.source_url)[:1000],
            "published_at": record.published_at,
        }
        article = Article.objects.filter(source=self.source, external_id=record.key).first()
        if article is None:
            article = Article.objects.create(
                slug=unique_slug(values["title"]),
                source=self.source,
                external_id=record.key,
                **values,
            )
            self.report.articles_created += 1
            return article.pk
        changed = [name for name in ARTICLE_FIELDS if getattr(article, name) != values[name]]
        if changed:
            for name in changed:
                setattr(article, name, values[name])
            article.save(update_fields=changed)
            self.report.articles_updated += 1
            self.changed_articles.add(article.pk)
        else:
            self.report.articles_unchanged += 1
        return article.pk

    # -- comments --------------------------------------------------------------
    def write_comments(self, records: list[CommentRecord]) -> None:
        records = self.drop_duplicates(records)
        existing = self.existing_comments(records)
        new: list[tuple[Comment, CommentRecord]] = []
        updated: list[Comment] = []
        update_fields: set[str] = set()
        for record in records:
            article_pk = self.article_ids[record.article_key]
            values = self.comment_values(record)
            current = existing.get((article_pk, record.key))
            if current is None:
                comment = Comment(article_id=article_pk, external_id=record.key, **values)
                comment.parent_id = self.known_parent(article_pk, record.parent_key)
                new.append((comment, record))
                continue
            self.comment_ids[(article_pk, record.key)] = current.pk
            fields = self.apply_changes(current, values)
            if fields:
                updated.append(current)
                update_fields.update(fields)
                self.changed_articles.add(article_pk)
                self.report.comments_updated += 1
            else:
                self.report.comments_unchanged += 1
        if new:
            Comment.objects.bulk_create([c for c, _ in new], batch_size=BATCH_SIZE)
            for comment, record in new:
                self.comment_ids[(comment.article_id, record.key)] = comment.pk
                if record.parent_key and comment.parent_id is None:
                    self.waiting_for_parent[comment.pk] = (comment.article_id, record.parent_key)
                self.count_new(comment, record)
        if updated:
            Comment.objects.bulk_update(updated, sorted(update_fields), batch_size=500)

    def drop_duplicates(self, records: list[CommentRecord]) -> list[CommentRecord]:
        seen: set[tuple[str, str]] = set()
        unique = []
        for record in records:
            ref = (record.article_key, record.key)
            article_pk = self.article_ids[record.article_key]
            if ref in seen or (article_pk, record.key) in self.comment_ids:
                self.report.warnings.append(
                    f"comment {record.key!r} appears more than once; the first was kept"
                    + (f" (line {record.line})" if record.line else "")
                )
                continue
            seen.add(ref)
            unique.append(record)
        return unique

    def existing_comments(self, records: list[CommentRecord]) -> dict[tuple[int, str], Comment]:
        article_pks = {self.article_ids[r.article_key] for r in records}
        keys = [r.key for r in records]
        rows = Comment.objects.filter(article_id__in=article_pks, external_id__in=keys)
        return {(c.article_id, c.external_id): c for c in rows}

    def comment_values(self, record: CommentRecord) -> dict:
        status, reason = record.status, record.hidden_reason
        if self.all_pending:
            status, reason = Comment.Status.PENDING, ""
        if status != Comment.Status.HIDDEN:
            reason = ""
        return {
            "author_name": record.author_name.strip()[:255],
            "author_email": record.author_email.strip()[:320],
            "author_url": safe_url(record.author_url)[:1000],
            "author_username": record.author_username.strip()[:255],
            "body": comment_html(record.body, is_html=record.body_is_html),
            "source_body": record.body,
            "status": status,
            "hidden_reason": reason,
            "source_status": record.source_status[:40],
            "kind": record.kind,
            "created_at": record.created_at,
            "imported_at": self.now,
        }

    def apply_changes(self, comment: Comment, values: dict) -> list[str]:
        """Update what the source changed; a person's decision is never undone."""
        fields = [name for name in COMMENT_TEXT_FIELDS if getattr(comment, name) != values[name]]
        source_decides = comment.moderated_at is None and not self.all_pending
        if source_decides and (comment.status, comment.hidden_reason) != (
            values["status"],
            values["hidden_reason"],
        ):
            fields += ["status", "hidden_reason"]
        for name in fields:
            setattr(comment, name, values[name])
        if fields:
            comment.version += 1
            fields.append("version")
        return fields

    def known_parent(self, article_pk: int, parent_key: str | None) -> int | None:
        if not parent_key:
            return None
        return self.comment_ids.get((article_pk, parent_key))

    def count_new(self, comment: Comment, record: CommentRecord) -> None:
        self.report.comments_created += 1
        self.report.created_by_status[comment.status] += 1
        self.report.created_by_kind[comment.kind] += 1
        if record.parent_key:
            self.report.replies += 1
        self.changed_articles.add(comment.article_id)

    def resolve_parents(self) -> None:
        """Link replies that came before their parents; orphans become top level."""
        if not self.waiting_for_parent:
            return
        unresolved = {
            pk: ref for pk, ref in self.waiting_for_parent.items() if ref not in self.comment_ids
        }
        if unresolved:
            # A parent may already be in the database from an earlier import.
            for c in Comment.objects.filter(
                article_id__in={a for a, _ in unresolved.values()},
                external_id__in={k for _, k in unresolved.values()},
            ).only("pk", "article_id", "external_id"):
                self.comment_ids[(c.article_id, c.external_id)] = c.pk
        links, orphans = [], []
        for pk, ref in self.waiting_for_parent.items():
            parent_pk = self.comment_ids.get(ref)
            if parent_pk is None or parent_pk == pk:
                orphans.append(f"{pk} (parent {ref[1]})")
            else:
                links.append(Comment(pk=pk, parent_id=parent_pk))
        if links:
            Comment.objects.bulk_update(links, ["parent"], batch_size=500)
        if orphans:
            self.report.orphans_made_top_level = len(orphans)
            self.report.replies -= len(orphans)
            self.warn_keys(
                f"{len(orphans)} repl(ies) name a parent that does not exist and were "
                "made top level",
                orphans,
            )

    def warn_keys(self, message: str, keys: list[str]) -> None:
        listed = ", ".join(keys[:MAX_LISTED])
        more = f" and {len(keys) - MAX_LISTED} more" if len(keys) > MAX_LISTED else ""
        self.report.warnings.append(f"{message}: {listed}{more}")


def deepest_thread(article_ids: Iterable[int]) -> int:
    """How many levels the deepest thread in these articles has (1 = no replies)."""
    ids = list(article_ids)
    if not ids:
        return 0
    parents = dict(Comment.objects.filter(article_id__in=ids).values_list("pk", "parent_id"))
    depth: dict[int, int] = {}

    def level(pk: int) -> int:
        chain = []
        while pk is not None and pk not in depth:
            chain.append(pk)
            pk = parents.get(pk)
            if len(chain) > len(parents):  # a cycle; cannot happen via the loader
                break
        base = depth.get(pk, 0) if pk is not None else 0
        for node in reversed(chain):
            base += 1
            depth[node] = base
        return depth[chain[0]] if chain else depth.get(pk, 0)

    return max((level(pk) for pk in parents), default=0)
