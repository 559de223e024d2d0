"""The one loader: writes parsed records to the database in batches, idempotently.

Every format's parser yields `ArticleRecord`/`CommentRecord` items; this module
turns them into rows. A file is loaded inside one transaction, so it imports
whole or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from ..models import Article, Comment
from ..sanitize import ARTICLE_TAGS, removed_markup, safe_url, sanitize_article_html
from ..services import (
    SLUG_MAX,
    free_slug,
    language_tag,
    mark_articles_changed,
    mark_revised,
    slug_base,
)
from .bulk import RowInserter, comment_ids_by_key, reserve_ids
from .comment_rows import INSERT_COLUMNS, CommentRows
from .created import CreatedComments
from .formats import articles_need_comments
from .hooks import source_changed
from .records import HIDDEN, PENDING, ArticleRecord, CommentRecord
from .report import ImportReport, deepest_thread
from .trust import COMMAND_LINE, ImportTrust

BATCH_SIZE = 2000
MAX_LISTED = 20  # keys named in one warning before "and N more"
LOOKUP_CHUNK = 400  # keys per lookup query: well under any database's parameter limit

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
        # Articles that are written whether or not comments name them (an ordered set).
        self.articles_to_write: dict[str, None] = {}
        self.comment_ids: dict[tuple[int, str], int] = {}  # (article pk, comment key) -> pk
        self.waiting_for_parent: dict[int, tuple[int, str]] = {}  # pk -> parent ref
        self.parent_of: dict[int, int] = {}  # this import's replies: pk -> parent pk
        # (pk, record.triage) of each comment created: handed to the import's after_load hook
        self.created_comments = CreatedComments()
        self.waiting_for_article: list[CommentRecord] = []
        self.changed_articles: set[int] = set()
        self.created_articles: set[int] = set()
        self.batch: list[CommentRecord] = []
        self.inserter = RowInserter(Comment, ["id", *INSERT_COLUMNS])
        self.rows = CommentRows(now=self.now, trust=trust, all_pending=all_pending)

    # -- driving ---------------------------------------------------------------
    def load(self, records: Iterable[ArticleRecord | CommentRecord]) -> ImportReport:
        for record in records:
            if isinstance(record, ArticleRecord):
                self.article_records.setdefault(record.key, record)
                if record.stands_alone or not self.articles_need_comments:
                    self.articles_to_write[record.key] = None
                    if len(self.articles_to_write) >= BATCH_SIZE:
                        self.write_articles(self.take_articles_to_write())
            else:
                self.batch.append(record)
                if len(self.batch) >= BATCH_SIZE:
                    self.flush()
        self.flush()
        self.finish()
        return self.report

    def take_articles_to_write(self) -> list[str]:
        keys, self.articles_to_write = list(self.articles_to_write), {}
        return keys

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        self.write_articles([*self.take_articles_to_write(), *(r.article_key for r in batch)])
        ready = []
        for record in batch:
            if record.article_key in self.article_ids:
                ready.append(record)
            else:
                self.waiting_for_article.append(record)
        if ready:
            self.write_comments(ready)
        if self.on_progress:
            self.on_progress(self.report.comments_seen + len(self.waiting_for_article))

    def finish(self) -> None:
        late, self.waiting_for_article = self.waiting_for_article, []
        self.write_articles(r.article_key for r in late)
        known = [r for r in late if r.article_key in self.article_ids]
        missing = [r for r in late if r.article_key not in self.article_ids]
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
        self.report.deepest_thread = self.deepest_thread()
        mark_articles_changed(self.changed_articles)
        self.forget_lookups()

    def forget_lookups(self) -> None:
        """Drop what only loading needed (~25 MB for 100,000 comments) before the
        after_load hook runs, so that the hook's memory comes on top of less."""
        self.article_records, self.comment_ids, self.parent_of = {}, {}, {}
        self.waiting_for_parent = {}

    # -- articles --------------------------------------------------------------
    def write_articles(self, keys: Iterable[str]) -> None:
        """Write the rows of these articles not written yet (keys the file lacks stay unwritten).

        In bulk: one query finds the stored ones, one the slugs new ones could clash
        with, one inserts the new ones (SQLite: per ~60 rows); only changed stored
        articles are saved one by one.
        """
        records: dict[str, ArticleRecord] = {}
        for key in keys:
            record = self.article_records.get(key)
            if record is not None and key not in self.article_ids:
                records.setdefault(key, record)
        if not records:
            return
        stored = self.stored_articles(records.values())
        new: dict[tuple[str, str], tuple[ArticleRecord, dict]] = {}
        again = []  # a second key for an article this batch creates: updates it once created
        for key, record in records.items():
            values = self.article_values(record)
            ref = self.article_ref(record)
            if ref in stored:
                self.article_ids[key] = self.update_stored_article(stored[ref], values)
            elif ref in new:
                again.append(key)
            else:
                new[ref] = (record, values)
        self.create_articles(list(new.values()))
        if again:
            self.write_articles(again)

    def article_ref(self, record: ArticleRecord) -> tuple[str, str]:
        """(source, external id): how an article is recognised again on a later import."""
        return (record.source or self.source, record.external_id or record.key)

    def article_values(self, record: ArticleRecord) -> dict:
        self.report.sanitised.update(removed_markup(record.body, tags=ARTICLE_TAGS))
        return {
            "title": record.title.strip()[:500] or "Untitled",
            "deck": record.deck.strip(),
            "body": sanitize_article_html(record.body),
            "image_credit": record.image_credit.strip()[:500],
            "source_url": safe_url(record.source_url)[:1000],
            "published_at": record.published_at,
            "language": language_tag(record.language),
        }

    def stored_articles(self, records: Iterable[ArticleRecord]) -> dict[tuple[str, str], Article]:
        """The stored articles these records name, by (source, external id)."""
        by_source: dict[str, list[str]] = {}
        for record in records:
            source, external_id = self.article_ref(record)
            by_source.setdefault(source, []).append(external_id)
        found = {}
        for source, external_ids in by_source.items():
            for start in range(0, len(external_ids), LOOKUP_CHUNK):
                chunk = external_ids[start : start + LOOKUP_CHUNK]
                for article in Article.objects.filter(source=source, external_id__in=chunk):
                    found[(article.source, article.external_id)] = article
        return found

    def create_articles(self, new: list[tuple[ArticleRecord, dict]]) -> None:
        if not new:
            return
        slugs = self.new_slugs([(record, values["title"]) for record, values in new])
        articles = [
            Article(
                slug=slug,
                source=self.article_ref(record)[0],
                external_id=self.article_ref(record)[1],
                imported_values={n: as_json(v) for n, v in values.items()},
                **values,
            )
            for (record, values), slug in zip(new, slugs, strict=True)
        ]
        Article.objects.bulk_create(articles)
        if any(article.pk is None for article in articles):  # a database that returns no ids
            stored = self.stored_articles(record for record, _ in new)
            for article in articles:
                article.pk = stored[(article.source, article.external_id)].pk
        for (record, _), article in zip(new, articles, strict=True):
            self.article_ids[record.key] = article.pk
            self.created_articles.add(article.pk)
        self.report.articles_created += len(articles)

    def update_stored_article(self, article: Article, values: dict) -> int:
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

    def new_slugs(self, wanted: list[tuple[ArticleRecord, str]]) -> list[str]:
        """Each record's own slug when valid and free (exported URLs keep working), else new.

        One query finds every stored slug that a record's own slug or a title's
        slug could clash with; slugs given out here count as taken for the next.
        """
        own = [record.slug.strip() for record, _ in wanted]
        bases = [slug_base(title) for _, title in wanted]
        taken = self.taken_slugs(
            {s for s in own if s and len(s) <= SLUG_MAX and SLUG.match(s)}, set(bases)
        )
        slugs = []
        for slug, base in zip(own, bases, strict=True):
            if slug and len(slug) <= SLUG_MAX and SLUG.match(slug):
                if slug not in taken:
                    taken.add(slug)
                    slugs.append(slug)
                    continue
                self.report.warnings.append(f"slug {slug!r} is taken here; made a new one")
            elif slug:
                self.report.warnings.append(f"slug {slug!r} is not a valid slug; made a new one")
            slugs.append(free_slug(base, taken))
            taken.add(slugs[-1])
        return slugs

    def taken_slugs(self, exact: set[str], prefixes: set[str]) -> set[str]:
        """Stored slugs equal to one of `exact` or starting with one of `prefixes`."""
        taken: set[str] = set()
        exact_list, prefix_list = sorted(exact), sorted(prefixes)
        for start in range(0, max(len(exact_list), len(prefix_list)), LOOKUP_CHUNK):
            match = Q(slug__in=exact_list[start : start + LOOKUP_CHUNK])
            for prefix in prefix_list[start : start + LOOKUP_CHUNK]:
                match |= Q(slug__startswith=prefix)
            taken.update(Article.objects.filter(match).values_list("slug", flat=True))
        return taken

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
        self.insert_new(new)
        if updated:
            Comment.objects.bulk_update(updated, sorted(update_fields), batch_size=500)
        changes, self.rows.source_changes = self.rows.source_changes, []
        self.report.comments_back_to_pending += len(changes)
        source_changed(changes)  # the moderation app records them (see hooks.py)

    def insert_new(self, new: list[tuple[dict, CommentRecord]]) -> None:
        """Insert the batch's new comments with one statement, their ids taken beforehand.

        With every id known first, a reply gets its parent's id whether the parent
        was stored earlier or comes in this batch, before or after it. A reply whose
        parent comes in a later batch or is only in the database (an earlier import),
        or that would close a loop of replies, waits for `resolve_parents`.
        """
        if not new:
            return
        ids = reserve_ids(Comment, len(new))
        for (values, record), pk in zip(new, ids, strict=True):
            values["id"] = pk
            self.comment_ids[(values["article_id"], record.key)] = pk
        in_batch = set(ids)
        for values, record in new:
            values["parent_id"] = None
            if record.parent_key:
                pk, ref = values["id"], (values["article_id"], record.parent_key)
                parent_pk = self.comment_ids.get(ref)
                # Only a parent from this batch can lead back to a comment of this batch.
                if parent_pk is None or (
                    parent_pk in in_batch and self.is_ancestor(pk, of=parent_pk)
                ):
                    self.waiting_for_parent[pk] = ref
                else:
                    values["parent_id"] = self.parent_of[pk] = parent_pk
        self.inserter.insert([values for values, _ in new])
        self.created_comments.add(ids, [record.triage for _, record in new])
        for values, record in new:
            pk = values["id"]
            self.count_new(values, record)
            if self.holding and record.status != PENDING:
                self.hold(pk, record)

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

    def deepest_thread(self) -> int:
        """How many levels the deepest thread of the file's articles has (1 = no replies).

        Articles this import created hold only its comments, whose links are in
        `parent_of`: counted here, without reading 100,000 rows back. Articles
        stored before may hang new replies under old comments: read from the database.
        """
        stored = [pk for pk in self.article_ids.values() if pk not in self.created_articles]
        depth: dict[int, int] = {}  # reply pk -> its level
        deepest = 1 if self.created_comments else 0
        for pk in self.parent_of:
            chain, node = [], pk
            while node in self.parent_of and node not in depth:
                chain.append(node)
                node = self.parent_of[node]
            level = depth.get(node, 1)  # node: a known reply, or a comment that answers none
            for reply in reversed(chain):
                level += 1
                depth[reply] = level
            deepest = max(deepest, level)
        return max(deepest, deepest_thread(stored))

    def warn_keys(self, message: str, keys: list[str]) -> None:
        listed = ", ".join(keys[:MAX_LISTED])
        more = f" and {len(keys) - MAX_LISTED} more" if len(keys) > MAX_LISTED else ""
        self.report.warnings.append(f"{message}: {listed}{more}")


def as_json(value):
    """A field's value as `Article.imported_values` keeps it."""
    return value.isoformat() if isinstance(value, datetime) else value
