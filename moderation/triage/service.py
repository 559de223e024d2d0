"""Running the rules: on an import's new comments, over the pending queue, as a preview,
and on the rules page's test box. Every state change goes through moderation.services."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from operator import itemgetter

from django.db import connection, transaction
from django.utils import timezone

from articles.models import Comment

from .. import services
from .models import CommentTriage, Rule, TriageRules
from .rules import DRAFT_FIELDS, Draft, TextPart, Triage, Verdict

Status = Comment.Status
CHUNK = 5000


@dataclass
class RunResult:
    judged: int = 0
    held: int = 0
    hidden: int = 0
    approved: int = 0

    def summary(self) -> str:
        return (
            f"Ran the rules over {self.judged:,} comments: {self.held:,} held with a marker, "
            f"{self.hidden:,} hidden as banned, {self.approved:,} approved as trusted."
        )


def triage_new_comments(created: Iterable[tuple[int, TextPart | None]]) -> RunResult:
    """The import hook: judge the comments an import just created, in its transaction.

    `created` is (comment id, what `precompute` read from its text in the parse worker, or
    None); a comment whose text was read needs no body from the database. It is walked
    twice, and never held whole: an import hands 100,000s, pickled a batch at a time.

    Every comment of the import is judged against the site as the import left it: the
    authors' records and the texts seen are read once, for all of them (so a verdict does
    not depend on where chunks happen to split the file), and the rules' decisions are
    applied after all are judged.
    """
    if iter(created) is created:  # a one-off iterator: walked twice below
        created = list(created)
    triage = Triage(TriageRules.current())
    read: dict[int, TextPart | None] = {}  # comments read here: from their stored rows
    authors: set[str] = set()
    walk = parts_noting_authors(created, triage, read, authors)
    repeats = triage.import_repeats(walk)
    for _ in walk:  # the repeat rule may be off: the authors are still needed
        pass
    stats = triage.author_stats(authors)
    result, banned, trusted = RunResult(), [], []
    for chunk in chunks(created, read):
        drafts = status_drafts([pk for pk, _ in chunk])
        parts = dict(chunk)
        verdicts = triage.judge(drafts, [parts[d.pk] for d in drafts], stats=stats, repeats=repeats)
        save_verdicts(drafts, verdicts, many=True)
        for draft, verdict in zip(drafts, verdicts, strict=True):
            if verdict.decision == Rule.BANNED_WORDS:
                banned.append(draft.pk)
            elif verdict.decision == Rule.TRUSTED_AUTHOR:
                trusted.append(draft.pk)
        result.judged += len(drafts)
        result.held += sum(1 for v in verdicts if v.holds and v.decision is None)
    apply_decisions(result, banned, trusted)
    return result


def parts_noting_authors(
    created: Iterable[tuple[int, TextPart | None]],
    triage: Triage,
    read: dict[int, TextPart | None],
    authors: set[str],
) -> Iterator[TextPart]:
    """Every comment's part, noting its author; a comment whose text was not read (with
    these rules) is read from its stored row and kept in `read` (None: deleted meanwhile)."""
    unread = []
    for pk, part in created:
        if triage.text_part(None, part) is None:
            unread.append(pk)
            continue
        if part.author_key:
            authors.add(part.author_key)
        yield part
    read.update(dict.fromkeys(unread))
    for start in range(0, len(unread), CHUNK):
        for draft in stored_drafts(unread[start : start + CHUNK]):
            part = read[draft.pk] = triage.read(draft)
            if part.author_key:
                authors.add(part.author_key)
            yield part


def chunks(
    created: Iterable[tuple[int, TextPart | None]], read: dict[int, TextPart | None]
) -> Iterator[list[tuple[int, TextPart]]]:
    """`created` in lists of up to CHUNK, each in id order, with the parts read here."""
    chunk = []
    for pk, part in created:
        if pk in read:
            part = read[pk]
            if part is None:  # deleted meanwhile
                continue
        chunk.append((pk, part))
        if len(chunk) >= CHUNK:
            yield sorted(chunk, key=itemgetter(0))
            chunk = []
    if chunk:
        yield sorted(chunk, key=itemgetter(0))


def status_drafts(ids: list[int]) -> list[Draft]:
    """Sorted ids' comments as the rules' decisions need them: no text (it was read), in one
    query over the ids' range (not `pk IN (…)`), in plain SQL (the ORM spent ~15 µs a row
    turning `moderated_at` into a datetime that is only tested for None)."""
    wanted = set(ids)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('id')}, {quote('status')}, {quote('moderated_at')} IS NULL"  # noqa: S608 - names only
            f" FROM {quote(Comment._meta.db_table)} WHERE {quote('id')} BETWEEN %s AND %s"
            f" ORDER BY {quote('id')}",
            [ids[0], ids[-1]],
        )
        rows = cursor.fetchall()
    return [
        Draft(
            body="",
            pk=pk,
            status=status,
            undecided=status == Status.PENDING and bool(never_decided),
            sanitised_away=NOTHING,
        )
        for pk, status, never_decided in rows
        if pk in wanted
    ]


NOTHING: list[str] = []  # shared, never changed: a draft without text removes nothing


def apply_decisions(result: RunResult, banned: list[int], trusted: list[int]) -> None:
    if banned:
        result.hidden += services.decide_by_rule(
            banned,
            rule=Rule.BANNED_WORDS,
            status=Status.HIDDEN,
            reason=Comment.HiddenReason.BANNED_WORD,
        )
    if trusted:
        result.approved += services.decide_by_rule(
            trusted, rule=Rule.TRUSTED_AUTHOR, status=Status.APPROVED
        )


def run_over_pending(
    *, chunk_size: int = CHUNK, on_progress: Callable[[int, int], None] | None = None
) -> RunResult:
    """Judge every pending comment again with the current rules, a chunk per transaction."""
    ids = list(Comment.objects.pending().order_by("pk").values_list("pk", flat=True))
    triage = Triage(TriageRules.current())
    result = RunResult()
    for start in range(0, len(ids), chunk_size):
        with transaction.atomic():
            part = judge_and_apply(ids[start : start + chunk_size], triage)
        for name in ("judged", "held", "hidden", "approved"):
            setattr(result, name, getattr(result, name) + getattr(part, name))
        if on_progress:
            on_progress(min(start + chunk_size, len(ids)), len(ids))
    return result


def judge_and_apply(ids: list[int], triage: Triage) -> RunResult:
    result = RunResult()
    for start in range(0, len(ids), CHUNK):
        drafts = stored_drafts(ids[start : start + CHUNK])
        verdicts = triage.judge(drafts)
        save_verdicts(drafts, verdicts)
        banned = [
            d.pk for d, v in zip(drafts, verdicts, strict=True) if v.decision == Rule.BANNED_WORDS
        ]
        trusted = [
            d.pk for d, v in zip(drafts, verdicts, strict=True) if v.decision == Rule.TRUSTED_AUTHOR
        ]
        apply_decisions(result, banned, trusted)
        result.judged += len(drafts)
        result.held += sum(1 for v in verdicts if v.holds and v.decision is None)
    return result


def stored_drafts(ids: list[int]) -> list[Draft]:
    """The comments as the rules see them, in one query (plain rows: ~0.1 ms a comment less
    than model instances with deferred fields)."""
    return [Draft.from_row(row) for row in Comment.objects.filter(pk__in=ids).values(*DRAFT_FIELDS)]


SAVED_COLUMNS = (
    "markers",
    "marker_rules",
    "offensive_score",
    "learned_score",
    "learned_version",
    "likelihood",
    "text_hash",
    "author_key",
    "evaluated_at",
)


def save_verdicts(drafts: list[Draft], verdicts: list[Verdict], *, many: bool = False) -> None:
    """Insert or replace each comment's triage row.

    The ORM's bulk_create spends ~0.4 ms of Python per row compiling values; this is the
    import's hot path, so rows are written here: one executemany of INSERT … ON CONFLICT,
    or (`many`, on PostgreSQL) COPY into a temporary table and one INSERT … SELECT from it,
    several times faster for thousands of rows.
    """
    if not drafts:
        return
    quote = connection.ops.quote_name
    table = quote(CommentTriage._meta.db_table)
    columns = ", ".join(quote(c) for c in ("comment_id", *SAVED_COLUMNS))
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in SAVED_COLUMNS)
    upsert = f" ON CONFLICT ({quote('comment_id')}) DO UPDATE SET {updates}"
    if many and connection.vendor == "postgresql":
        copy_rows(drafts, verdicts, table, columns, upsert)
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    if connection.vendor == "postgresql":
        markers_field = CommentTriage._meta.get_field("markers")
        as_json = partial(markers_field.get_db_prep_save, connection=connection)
    else:  # JSON text, as the field's own json.dumps writes it (~50 µs a row less)
        as_json = json_text
    rows = [
        (pk, as_json(markers), *rest, now) for pk, markers, *rest in row_values(drafts, verdicts)
    ]
    marks = ", ".join(["%s"] * (len(SAVED_COLUMNS) + 1))
    with connection.cursor() as cursor:  # only names from this module are formatted in
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks}){upsert}", rows)  # noqa: S608


def json_text(markers: list[dict]) -> str:
    return json.dumps(markers) if markers else "[]"


def row_values(drafts: list[Draft], verdicts: list[Verdict]):
    """(comment id, markers, marker_rules, … author_key): the columns before evaluated_at."""
    for draft, verdict in zip(drafts, verdicts, strict=True):
        markers = verdict.markers
        yield (
            draft.pk,
            markers,
            f",{','.join([m['rule'] for m in markers])}," if markers else "",
            verdict.offensive,
            verdict.learned,
            verdict.learned_version,
            verdict.likelihood,
            verdict.text_hash,
            verdict.author_key[:330],
        )


INCOMING = "moderation_triage_incoming"


def copy_rows(drafts, verdicts, table: str, columns: str, upsert: str) -> None:
    """PostgreSQL: COPY into a temporary table (gone at commit), then one upsert from it."""
    now = timezone.now()
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            f"DROP TABLE IF EXISTS {INCOMING};"
            f" CREATE TEMPORARY TABLE {INCOMING} (LIKE {table}) ON COMMIT DROP"
        )
        with cursor.cursor.copy(f"COPY {INCOMING} ({columns}) FROM STDIN") as copy:
            for pk, markers, *rest in row_values(drafts, verdicts):
                copy.write_row((pk, json_text(markers), *rest, now))
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {INCOMING}{upsert}"  # noqa: S608
        )


@dataclass
class Preview:
    pending: int = 0
    held_now: int = 0
    would_hold: int = 0  # not held now, held under the new rules
    would_release: int = 0  # held now, no longer held
    would_hide: int = 0
    would_approve: int = 0

    def summary(self) -> str:
        return (
            f"Of {self.pending:,} pending comments ({self.held_now:,} held now), this change "
            f"would hold {self.would_hold:,} more and release {self.would_release:,}; "
            f"{self.would_hide:,} would be hidden as banned and {self.would_approve:,} "
            "approved as trusted."
        )


def preview(rules: TriageRules) -> Preview:
    """What `rules` (saved or not) would do to the pending queue; nothing is written."""
    triage = Triage(rules)
    held_now = {
        pk
        for pk, markers in CommentTriage.objects.filter(comment__status=Status.PENDING).values_list(
            "comment_id", "markers"
        )
        if any(m.get("holds") for m in markers)
    }
    ids = list(Comment.objects.pending().order_by("pk").values_list("pk", flat=True))
    result = Preview(pending=len(ids), held_now=len(held_now))
    for start in range(0, len(ids), CHUNK):
        drafts = stored_drafts(ids[start : start + CHUNK])
        for draft, verdict in zip(drafts, triage.judge(drafts), strict=True):
            if verdict.decision == Rule.BANNED_WORDS:
                result.would_hide += 1
            elif verdict.decision == Rule.TRUSTED_AUTHOR:
                result.would_approve += 1
            elif verdict.holds and draft.pk not in held_now:
                result.would_hold += 1
            if draft.pk in held_now and not verdict.holds:
                result.would_release += 1
    return result


def try_text(
    rules: TriageRules, text: str, *, author_name: str = "", author_email: str = ""
) -> Verdict:
    """The rules page's test box: which rules fire on a pasted text, and the scores."""
    from articles.sanitize import comment_html_and_removed

    body, removed = comment_html_and_removed(text)
    draft = Draft(
        body=body,
        source_body=text,
        sanitised_away=removed,
        author_name=author_name.strip(),
        author_email=author_email.strip(),
    )
    return Triage(rules).judge([draft])[0]


def explain(comment: Comment) -> list[dict]:
    """The words that pushed the current learned model's score for this comment most."""
    from .evidence import plain_text
    from .learning import current_scorer

    scorer = current_scorer()
    return scorer.explain(plain_text(comment.body)) if scorer else []
