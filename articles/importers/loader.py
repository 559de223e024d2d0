"""The one loader: writes parsed records to the database in batches, idempotently.

Every format's parser yields `ArticleRecord`/`CommentRecord` items; this module
turns them into rows. A file is loaded inside one transaction, so it imports
whole or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime

from django.utils import timezone

from ..models import Article, Comment
from ..sanitize import ARTICLE_TAGS, removed_markup, safe_url, sanitize_article_html
from ..services import SLUG_MAX, language_tag, mark_articles_changed, mark_revised, unique_slug
from .bulk import NewRows, RowInserter, comment_ids_by_key
from .comment_rows import INSERT_COLUMNS, CommentRows
from .formats import articles_need_comments
from .hooks import source_changed
from .records import HIDDEN, PENDING, ArticleRecord, CommentRecord
from .report import ImportReport, deepest_thread
from .trust import COMMAND_LINE, ImportTrust

BATCH_SIZE = 2000
MAX_LISTED = 20  # keys named in one warning before "and N more"

ARTICLE_FIELDS = ("title", "deck", "body", "image_credit", "source_url", "published_at", "language")
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


class Loader:
    """Consumes one file's records; call `load(records)` inside a transaction."""

    def __init__(
        self,
        report: ImportReport,
        *,
        trust: ImportTrust = COMMAND_LINE,
        all_pending: bool = False,
        on_progress: Callable[[int], None] | None = None,
    ):
        self.report = report
        # New comments whose file status is held back for a moderator (see trust.py).
        self.holding = not trust.keep_statuses and not all_pending
        self.source = report.format
        self.all_pending = all_pending
        self.articles_need_comments = articles_need_comments(report.format)
        self.on_progress = on_progress
        self.now = timezone.now()
        self.article_records: dict[str, ArticleRecord] = {}
        self.article_ids: dict[str, int] = {}  # article key -> pk, once written
        self.comment_ids: dict[tuple[int, str], int] = {}  # (article pk, comment key) -> pk
        self.waiting_for_parent: dict[int, tuple[int, str]] = {}  # pk -> parent ref
        self.parent_of: dict[int, int] = {}  # this import's replies: pk -> parent pk
        # (pk, record.triage) of each comment created: handed to the import's after_load hook
        self.created_comments: list[tuple[int, object | None]] = []
        self.waiting_for_article: list[CommentRecord] = []
        self.changed_articles: set[int] = set()
        self.created_articles: set[int] = set()
        self.batch: list[CommentRecord] = []
        self.inserter = RowInserter(Comment, INSERT_COLUMNS)
        self.new_rows = NewRows()
        self.rows = CommentRows(now=self.now, trust=trust, all_pending=all_pending)

    # -- driving ---------------------------------------------------------------
    def load(self, records: Iterable[ArticleRecord | CommentRecord]) -> ImportReport:
        for record in records:
            if isinstance(record, ArticleRecord):
                self.article_records.setdefault(record.key, record)
                if record.stands_alone or not self.articles_need_comments:
                    self.ensure_article_written(record.key)
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
            if self.ensure_article_written(record.article_key) is None:
                self.waiting_for_article.append(record)
            else:
                ready.append(record)
        if ready:
            self.write_comments(ready)
        if self.on_progress:
            self.on_progress(self.report.comments_seen + len(self.waiting_for_article))

    def finish(self) -> None:
        late, self.waiting_for_article = self.waiting_for_article, []
        known = [r for r in late if self.ensure_article_written(r.article_key) is not None]
        missing = [r for r in late if self.ensure_article_written(r.article_key) is None]
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
        if unlinked := self.rows.unlinked_staff():
            self.warn_keys(
                "staff replies kept without a staff author (no user here has that username)"
                if self.rows.trust.link_staff_by_username
                else "staff replies keep the file's name as text, linked to no user (an admin"
                " can map a name to a user with a staff alias)",
                unlinked,
            )
        self.report.sanitised.update(self.rows.sanitised)
        skipped = [k for k in self.article_records if k not in self.article_ids]
        self.report.articles_skipped_without_comments = len(skipped)
        if skipped:
            self.report.warnings.append(
                f"{len(skipped)} article(s) without comments were not imported"
            )
        self.report.deepest_thread = deepest_thread(self.article_ids.values())
        mark_articles_changed(self.changed_articles)

    # -- articles --------------------------------------------------------------
    def ensure_article_written(self, key: str) -> int | None:
        """The article's pk, writing its row on the first ask; None if the file lacks it."""
        if key in self.article_ids:
            return self.article_ids[key]
        record = self.article_records.get(key)
        if record is None:
            return None
        self.article_ids[key] = pk = self.write_article(record)
        return pk

    def write_article(self, record: ArticleRecord) -> int:
        """Create or update (and name so) the article's row; return its pk."""
        self.report.sanitised.update(removed_markup(record.body, tags=ARTICLE_TAGS))
        values = {
            "title": record.title.strip()[:500] or "Untitled",
            "deck": record.deck.strip(),
            "body": sanitize_article_html(record.body),
            "image_credit": record.image_credit.strip()[:500],
            "source_url": safe_url(record.source_url)[:1000],
            "published_at": record.published_at,
            "language": language_tag(record.language),
        }
        source = record.source or self.source
        external_id = record.external_id or record.key
        article = Article.objects.filter(source=source, external_id=external_id).first()
        if article is None:
            article = Article.objects.create(
                slug=self.new_slug(record, values["title"]),
                source=source,
                external_id=external_id,
                imported_values={n: as_json(v) for n, v in values.items()},
                **values,
            )
            self.report.articles_created += 1
            self.created_articles.add(article.pk)
            return article.pk
        changed = self.update_article(article, values)
        if changed:
            article.save(update_fields=mark_revised(article, changed, at=self.now))
        if set(changed) - {"imported_values"}:
            self.report.articles_updated += 1
            self.changed_articles.add(article.pk)
        else:
            self.report.articles_unchanged += 1
        return article.pk

    def update_article(self, article: Article, values: dict) -> list[str]:
        """Take the file's fields, except blanks and fields changed here since the last import.

        "Changed here" is the stored value differing from what the last import
        wrote (`Article.imported_values`); articles imported before that was
        kept count as unchanged here.
        """
        changed: list[str] = []
        last = dict(article.imported_values)
        for name in ARTICLE_FIELDS:
            new, current = values[name], getattr(article, name)
            if new in ("", None):
                if current not in ("", None):
                    self.report.article_fields_kept += 1
                continue  # a file that leaves a field blank never empties it
            if name in last and as_json(current) != last[name]:
                if as_json(new) != last[name]:
                    self.report.article_fields_kept += 1
                    self.report.warnings.append(
                        f"article {article.slug!r}: kept its {name} as changed here"
                        " (the file has another)"
                    )
                continue
            last[name] = as_json(new)
            if current != new:
                setattr(article, name, new)
                changed.append(name)
        if last != article.imported_values:
            article.imported_values = last
            changed.append("imported_values")
        return changed

    def new_slug(self, record: ArticleRecord, title: str) -> str:
        """The record's own slug when valid and free (exported URLs keep working), else new."""
        wanted = record.slug.strip()
        if wanted and len(wanted) <= SLUG_MAX and SLUG.match(wanted):
            if not Article.objects.filter(slug=wanted).exists():
                return wanted
            self.report.warnings.append(f"slug {wanted!r} is taken here; made a new one")
        elif wanted:
            self.report.warnings.append(f"slug {wanted!r} is not a valid slug; made a new one")
        return unique_slug(title)

    # -- comments --------------------------------------------------------------
    def write_comments(self, records: list[CommentRecord]) -> None:
        records = self.drop_duplicates(records)
        existing = self.existing_comments(records)
        new: list[tuple[dict, CommentRecord]] = []
        updated: list[Comment] = []
        update_fields: set[str] = set()
        for record in records:
            article_pk = self.article_ids[record.article_key]
            values = self.rows.values(record)
            current = existing.get((article_pk, record.key))
            if current is None:
                values.update(article_id=article_pk, external_id=record.key)
                new.append((values, record))
                continue
            self.comment_ids[(article_pk, record.key)] = current.pk
            fields = self.rows.apply_changes(current, values)
            if fields:
                updated.append(current)
                update_fields.update(fields)
                self.changed_articles.add(article_pk)
                self.report.comments_updated += 1
                if "removed_at_source" in fields and current.removed_at_source:
                    self.report.comments_flagged_removed_at_source += 1
            else:
                self.report.comments_unchanged += 1
        self.insert_in_waves(new)
        if updated:
            Comment.objects.bulk_update(updated, sorted(update_fields), batch_size=500)
        changes, self.rows.source_changes = self.rows.source_changes, []
        self.report.comments_back_to_pending += len(changes)
        source_changed(changes)  # the moderation app records them (see hooks.py)

    def insert_in_waves(self, new: list[tuple[dict, CommentRecord]]) -> None:
        """Insert parents before their replies so most replies get parent_id at once.

        Each wave holds the rows whose parent is already stored (or who have none);
        replies to rows of this batch wait for the next wave. A reply whose parent
        is not in sight waits for `resolve_parents` at the end of the file.
        """
        batch_keys = {(v["article_id"], r.key) for v, r in new}
        while new:
            wave, later = [], []
            for values, record in new:
                parent_ref = (values["article_id"], record.parent_key)
                if (
                    record.parent_key
                    and parent_ref not in self.comment_ids
                    and (parent_ref in batch_keys)
                ):
                    later.append((values, record))
                else:
                    values["parent_id"] = self.comment_ids.get(parent_ref)
                    wave.append((values, record))
            if not wave:  # a cycle of replies: break it, the parents resolve later
                wave, later = later, []
                for values, _ in wave:
                    values["parent_id"] = None
            self.inserter.insert([tuple(v[c] for c in self.inserter.columns) for v, _ in wave])
            refs = [(v["article_id"], r.key) for v, r in wave]
            self.comment_ids.update(self.new_rows.ids(refs))
            for values, record in wave:
                batch_keys.discard((values["article_id"], record.key))
                pk = self.comment_ids[(values["article_id"], record.key)]
                self.created_comments.append((pk, record.triage))
                if values["parent_id"] is not None:
                    self.parent_of[pk] = values["parent_id"]
                elif record.parent_key:
                    self.waiting_for_parent[pk] = (values["article_id"], record.parent_key)
                self.count_new(values, record)
                if self.holding and record.status != PENDING:
                    self.hold(pk, record)
            new = later

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
        refs = [
            (self.article_ids[r.article_key], r.key)
            for r in records
            if self.article_ids[r.article_key] not in self.created_articles
        ]
        if not refs:  # articles created by this import have no earlier comments
            return {}
        ids = comment_ids_by_key(refs)
        # Locked until the import commits: a moderator deciding one meanwhile waits,
        # then acts on what the import wrote, and the import never acts on a stale row.
        # In id order, as bulk decisions lock them, so the two never deadlock.
        rows = Comment.objects.select_for_update().filter(pk__in=ids.values()).order_by("pk")
        return {(c.article_id, c.external_id): c for c in rows}

    def hold(self, pk: int, record: CommentRecord) -> None:
        """Keep the file's status for a moderator to accept (the comment came in pending)."""
        reason = record.hidden_reason if record.status == HIDDEN else ""
        key = f"{record.status}:{reason}" if reason else record.status
        self.report.held_statuses.setdefault(key, []).append(pk)

    def count_new(self, values: dict, record: CommentRecord) -> None:
        self.report.comments_created += 1
        self.report.created_by_status[values["status"]] += 1
        self.report.created_by_kind[values["kind"]] += 1
        if record.parent_key:
            self.report.replies += 1
        self.changed_articles.add(values["article_id"])

    def resolve_parents(self) -> None:
        """Link replies that came before their parents; orphans become top level."""
        if not self.waiting_for_parent:
            return
        unresolved = {
            pk: ref for pk, ref in self.waiting_for_parent.items() if ref not in self.comment_ids
        }
        if unresolved:
            # A parent may already be in the database from an earlier import.
            self.comment_ids.update(comment_ids_by_key(sorted(set(unresolved.values()))))
        links, orphans, cycles = [], [], []
        for pk, ref in self.waiting_for_parent.items():
            parent_pk = self.comment_ids.get(ref)
            if parent_pk is None:
                orphans.append(f"{pk} (parent {ref[1]})")
            elif self.is_ancestor(pk, of=parent_pk):
                cycles.append(f"{pk} (parent {ref[1]})")
            else:
                self.parent_of[pk] = parent_pk
                links.append(Comment(pk=pk, parent_id=parent_pk))
        if links:
            Comment.objects.bulk_update(links, ["parent"], batch_size=500)
        self.report.orphans_made_top_level = len(orphans) + len(cycles)
        self.report.replies -= len(orphans) + len(cycles)
        if orphans:
            self.warn_keys(
                f"{len(orphans)} repl(ies) name a parent that does not exist and were "
                "made top level",
                orphans,
            )
        if cycles:
            self.warn_keys(
                f"{len(cycles)} repl(ies) would make a loop of replies (a comment answering "
                "its own reply) and were made top level",
                cycles,
            )

    def is_ancestor(self, pk: int, *, of: int) -> bool:
        """Is `pk` the comment `of` itself or one of its ancestors? (Only this import's
        comments can form a loop: earlier ones never point at new ones.)"""
        node: int | None = of
        steps = 0
        while node is not None:
            if node == pk:
                return True
            steps += 1
            if steps > len(self.parent_of) + 1:
                break
            node = self.parent_of.get(node)
        else:
            return False
        return True  # a loop that does not pass through pk: refuse to join it

    def warn_keys(self, message: str, keys: list[str]) -> None:
        listed = ", ".join(keys[:MAX_LISTED])
        more = f" and {len(keys) - MAX_LISTED} more" if len(keys) > MAX_LISTED else ""
        self.report.warnings.append(f"{message}: {listed}{more}")


def as_json(value):
    """A field's value as `Article.imported_values` keeps it."""
    return value.isoformat() if isinstance(value, datetime) else value
