"""The rules, compiled once, judging a batch of comments: markers, scores, a decision."""

from __future__ import annotations

import hashlib
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from articles.models import Comment

from . import learning
from .authors import AuthorStats, author_key, author_stats, earlier_texts, text_hash
from .evidence import domain, domain_set, in_domains, links, plain_text
from .linear import Terms
from .models import Rule, TriageRules
from .scores import offensive_model
from .words import Hit, Text, WordList, snippet

Status = Comment.Status
MAX_SNIPPETS = 3
# What a Draft reads from a stored comment.
DRAFT_FIELDS = (
    "pk",
    "body",
    "source_body",
    "author_name",
    "author_email",
    "sanitised_away",
    "status",
    "moderated_at",
)


@dataclass
class Draft:
    """One comment as the rules see it (a stored comment, or the rules page's test box)."""

    body: str  # the sanitised HTML readers see
    source_body: str = ""
    author_name: str = ""
    author_email: str = ""
    # What sanitising took out of the source ("script", "onerror", "javascript:"), as the
    # import recorded it on the comment.
    sanitised_away: list[str] = field(default_factory=list)
    pk: int | None = None
    status: str = Status.PENDING
    undecided: bool = True  # pending and never decided by a person or a rule

    @classmethod
    def of(cls, comment: Comment) -> Draft:
        return cls.from_row({name: getattr(comment, name) for name in DRAFT_FIELDS})

    @classmethod
    def from_row(cls, row: dict) -> Draft:
        """From `Comment.objects.values(*DRAFT_FIELDS)`: a batch needs no model instances."""
        return cls(
            body=row["body"],
            source_body=row["source_body"],
            author_name=row["author_name"],
            author_email=row["author_email"],
            sanitised_away=[s.strip() for s in row["sanitised_away"].split(",") if s.strip()],
            pk=row["pk"],
            status=row["status"],
            undecided=row["status"] == Status.PENDING and row["moderated_at"] is None,
        )


def marker(rule: Rule, summary: str, *, holds: bool = True, **evidence) -> dict:
    return {
        "rule": rule.value,
        "label": rule.label,
        "summary": summary,
        "holds": holds,
        "evidence": evidence,
    }


@dataclass(slots=True)
class TextPart:
    """What the rules find in a comment's own text and author fields, without the database:
    made in the import's parse worker (see `precompute`) or while judging."""

    fingerprint: str  # the rules and models it was made with (`Triage.fingerprint`)
    text_hash: str = ""
    author_key: str = ""
    offensive: float | None = None
    learned: float | None = None
    banned: bool = False
    # Markers in the order a verdict lists them: words and links come before the author's
    # and repeat markers, removed markup and the scores after them.
    before: tuple[dict, ...] = ()
    after: tuple[dict, ...] = ()

    # Pickled (from the parse worker) as one tuple; the import keeps one part per comment
    # until its end, so an author's key is kept once however many comments they wrote.
    def __getstate__(self) -> tuple:
        return (
            self.fingerprint,
            self.text_hash,
            self.author_key,
            self.offensive,
            self.learned,
            self.banned,
            self.before,
            self.after,
        )

    def __setstate__(self, state: tuple) -> None:
        (
            self.fingerprint,
            self.text_hash,
            author_key,
            self.offensive,
            self.learned,
            self.banned,
            self.before,
            self.after,
        ) = state
        self.author_key = sys.intern(author_key)


@dataclass
class Verdict:
    markers: list[dict] = field(default_factory=list)
    offensive: float | None = None
    learned: float | None = None
    learned_version: int | None = None
    decision: Rule | None = None  # BANNED_WORDS hides, TRUSTED_AUTHOR approves
    text_hash: str = ""
    author_key: str = ""

    @property
    def holds(self) -> bool:
        return any(m["holds"] for m in self.markers)

    @property
    def likelihood(self) -> float:
        """Holding markers count one each; the highest score breaks ties."""
        scores = [s for s in (self.offensive, self.learned) if s is not None]
        return sum(1 for m in self.markers if m["holds"]) + max(scores, default=0.0)

    def add(self, rule: Rule, summary: str, *, holds: bool = True, **evidence) -> None:
        self.markers.append(marker(rule, summary, holds=holds, **evidence))


class Triage:
    """The site's rules ready to judge comments; build one per run, not per comment."""

    def __init__(
        self,
        rules: TriageRules,
        *,
        scorer: learning.Scorer | None = None,
        use_learned: bool = True,
    ):
        self.rules = rules
        self.banned = WordList.from_lines(rules.banned_words)
        self.suspect = WordList.from_lines(rules.suspect_words)
        self.allowed = domain_set(rules.allowed_domains)
        self.denied = domain_set(rules.denied_domains)
        if scorer is None and use_learned:
            scorer = learning.current_scorer()
        self.scorer = scorer
        self.offensive = offensive_model() if rules.offensive_enabled else None
        self.fingerprint = fingerprint(rules, scorer)

    def judge(
        self,
        drafts: list[Draft],
        parts: list[TextPart | None] | None = None,
        *,
        stats: dict[str, AuthorStats] | None = None,
        repeats: dict[str, list[str]] | None = None,
    ) -> list[Verdict]:
        """A verdict per draft, in order: a few queries per batch.

        `parts[i]`, when given and made with these rules, is drafts[i]'s text already
        read (by the import's parse worker); the draft then needs no body. `stats` and
        `repeats`, when given, are the authors' records and the texts seen, read once for
        a whole import (see service.triage_new_comments)."""
        if parts is None:
            parts = [None] * len(drafts)
        parts = [self.text_part(draft, part) for draft, part in zip(drafts, parts, strict=True)]
        verdicts = [
            Verdict(
                text_hash=part.text_hash,
                author_key=part.author_key,
                offensive=part.offensive,
                learned=part.learned,
                learned_version=self.scorer.version if part.learned is not None else None,
            )
            for part in parts
        ]
        if stats is None:
            stats = self.author_stats({v.author_key for v in verdicts if v.author_key})
        if repeats is None:
            repeats = self.repeats(drafts, verdicts)
        for draft, part, verdict in zip(drafts, parts, verdicts, strict=True):
            self.mark(draft, part, verdict, stats.get(verdict.author_key), repeats)
        return verdicts

    def text_part(self, draft: Draft | None, part: TextPart | None) -> TextPart | None:
        """`part` if it was read with these rules, else the draft read now (None: none)."""
        if part is not None and part.fingerprint == self.fingerprint:
            return part
        return None if draft is None else self.read(draft)

    def read(self, draft: Draft) -> TextPart:
        """The text-only part of the judgement: words, links, removed markup, both scores."""
        text = plain_text(draft.body)
        searchable = Text(text)
        part = TextPart(
            self.fingerprint,
            text_hash=text_hash(searchable),
            author_key=author_key(draft.author_name, draft.author_email),
        )
        before, after = [], []
        if banned := (self.banned.find(searchable) if self.banned else []):
            part.banned = True
            before.append(
                marker(Rule.BANNED_WORDS, words_summary("banned", banned), **hits(text, banned))
            )
        if suspect := (self.suspect.find(searchable) if self.suspect else []):
            before.append(
                marker(Rule.SUSPECT_WORDS, words_summary("suspect", suspect), **hits(text, suspect))
            )
        before.extend(self.link_markers(draft, text))
        if self.rules.markup_enabled and draft.sanitised_away:
            removed = draft.sanitised_away
            after.append(
                marker(Rule.MARKUP_REMOVED, "removed " + ", ".join(removed), removed=removed)
            )
        if self.offensive is not None or self.scorer is not None:
            # One tokenisation and count for both scores, mostly from the words already
            # found (see `Text.model_words`): no second pass over the text.
            words = Terms(searchable.model_words)
            if self.offensive is not None:
                part.offensive = round(self.offensive.probability(words), 4)
            if self.scorer is not None:
                part.learned = self.scorer.score(words)
            after.extend(self.score_markers(words, part))
        part.before, part.after = tuple(before), tuple(after)
        return part

    def author_stats(self, keys: set[str]) -> dict[str, AuthorStats]:
        r = self.rules
        if not keys or not (r.new_commenter_enabled or r.history_enabled or r.trusted_enabled):
            return {}
        return author_stats(
            keys,
            trusted_days=r.trusted_days,
            history_days=r.history_days,
            history_last=r.history_last if r.history_enabled else 0,
        )

    def repeats(self, drafts: list[Draft], verdicts: list[Verdict]) -> dict[str, list[str]]:
        """Text hash -> author keys of every comment with that text, this batch included."""
        if not self.rules.repeat_enabled:
            return {}
        hashes = {v.text_hash for v in verdicts if v.text_hash}
        seen: dict[str, list[str]] = defaultdict(list)
        for text, author in earlier_texts(hashes, [d.pk for d in drafts if d.pk]):
            seen[text].append(author)
        for verdict in verdicts:
            if verdict.text_hash:
                seen[verdict.text_hash].append(verdict.author_key)
        return seen

    def import_repeats(self, parts: Iterable[TextPart]) -> dict[str, list[str]]:
        """`repeats` for a whole import's comments (which have no triage rows yet): texts
        seen once, and nowhere else, are left out (they mark nothing) to keep it small."""
        if not self.rules.repeat_enabled:
            return {}
        first: dict[str, str] = {}  # text hash -> its first author in the import
        again: dict[str, list[str]] = {}  # texts the import has more than once
        for part in parts:
            if not (text := part.text_hash):
                continue
            if text in again:
                again[text].append(part.author_key)
            elif text in first:
                again[text] = [first[text], part.author_key]
            else:
                first[text] = part.author_key
        earlier: dict[str, list[str]] = defaultdict(list)
        for text, author in earlier_texts(set(first), []):
            earlier[text].append(author)
        keep_single = self.rules.repeat_min_authors <= 1
        seen = {}
        for text, author in first.items():
            authors = earlier.get(text, []) + again.get(text, [author])
            if len(authors) > 1 or keep_single:
                seen[text] = authors
        return seen

    def mark(self, draft: Draft, part: TextPart, verdict: Verdict, stats, repeats) -> None:
        verdict.markers.extend(part.before)
        self.mark_author(draft, verdict, stats)
        self.mark_repeat(verdict, repeats)
        verdict.markers.extend(part.after)
        if draft.undecided:
            if part.banned:
                verdict.decision = Rule.BANNED_WORDS
            elif self.trusted(stats) and not verdict.holds:
                verdict.decision = Rule.TRUSTED_AUTHOR
                verdict.add(
                    Rule.TRUSTED_AUTHOR,
                    f"{stats.approved_recent} approved, none hidden in "
                    f"{self.rules.trusted_days} days",
                    holds=False,
                )

    def link_markers(self, draft: Draft, text: str) -> list[dict]:
        if not self.rules.links_enabled:
            return []
        found = links(draft.body, text)
        limit = self.rules.max_links
        # Allowed domains only lower the count: within the limit, and with no domain
        # denied, the links mark nothing whatever their hosts (which cost ~5 µs a link).
        if len(found) <= limit and not self.denied:
            return []
        hosts = [domain(url) for url in found]
        denied = sorted({d for h in hosts if (d := in_domains(h, self.denied))})
        counted = [h for h in hosts if not in_domains(h, self.allowed)]
        markers = []
        if len(counted) > limit:
            markers.append(
                marker(
                    Rule.LINKS,
                    f"{len(counted)} links, limit {limit}",
                    count=len(counted),
                    limit=limit,
                    domains=sorted(set(counted)),
                )
            )
        if denied:
            markers.append(marker(Rule.LINKS, "links to " + ", ".join(denied), denied=denied))
        return markers

    def mark_author(self, draft: Draft, verdict: Verdict, stats: AuthorStats | None) -> None:
        r = self.rules
        if stats is None:
            return
        if r.new_commenter_enabled:
            # A stored approved comment is in its author's count: leave it out.
            approved = stats.approved_total - (1 if draft.pk and draft.status == "approved" else 0)
            if approved < r.new_commenter_min_approved:
                verdict.add(
                    Rule.NEW_COMMENTER,
                    f"{approved} approved comment{'s' if approved != 1 else ''} on this site "
                    f"(needs {r.new_commenter_min_approved})",
                    approved=approved,
                )
        if r.history_enabled and r.history_hidden:
            latest = [status for pk, status in stats.latest if pk != draft.pk][: r.history_last]
            hidden = sum(1 for status in latest if status == Status.HIDDEN)
            if hidden >= r.history_hidden:
                verdict.add(
                    Rule.RECENT_HISTORY,
                    f"{hidden} of the last {len(latest)} hidden",
                    hidden=hidden,
                    of=len(latest),
                )

    def trusted(self, stats: AuthorStats | None) -> bool:
        r = self.rules
        return bool(
            r.trusted_enabled
            and stats is not None
            and stats.approved_recent >= r.trusted_min_approved
            and stats.hidden_recent == 0
        )

    def mark_repeat(self, verdict: Verdict, repeats: dict[str, list[str]]) -> None:
        if not verdict.text_hash or verdict.text_hash not in repeats:
            return
        authors = repeats[verdict.text_hash]
        by_same = authors.count(verdict.author_key) > 1 if verdict.author_key else False
        distinct = len(set(authors))
        if by_same:
            verdict.add(Rule.REPEAT_POST, "the same text again from this author", authors=distinct)
        elif distinct >= self.rules.repeat_min_authors:
            verdict.add(
                Rule.REPEAT_POST, f"the same text from {distinct} authors", authors=distinct
            )

    def score_markers(self, words: Terms, part: TextPart) -> list[dict]:
        r = self.rules
        markers = []
        if part.offensive is not None and part.offensive >= r.offensive_threshold:
            markers.append(
                marker(
                    Rule.OFFENSIVE,
                    f"offensive-language score {part.offensive:.2f} (threshold "
                    f"{r.offensive_threshold:.2f})",
                    score=part.offensive,
                    threshold=r.offensive_threshold,
                )
            )
        if (
            r.learned_hold_enabled
            and part.learned is not None
            and part.learned >= r.learned_threshold
        ):
            markers.append(
                marker(
                    Rule.LEARNED,
                    f"learned score {part.learned:.2f} (threshold {r.learned_threshold:.2f})",
                    score=part.learned,
                    threshold=r.learned_threshold,
                    words=self.scorer.explain_words(words),
                )
            )
        return markers


# What a TextPart depends on: a part made with other rules (or another model) is read again.
TEXT_RULE_FIELDS = (
    "banned_words",
    "suspect_words",
    "links_enabled",
    "max_links",
    "allowed_domains",
    "denied_domains",
    "markup_enabled",
    "offensive_enabled",
    "offensive_threshold",
    "learned_hold_enabled",
    "learned_threshold",
)


def fingerprint(rules: TriageRules, scorer: learning.Scorer | None) -> str:
    values = [getattr(rules, name) for name in TEXT_RULE_FIELDS]
    values.append(scorer.version if scorer else None)
    return hashlib.sha1(repr(values).encode(), usedforsecurity=False).hexdigest()


def words_summary(kind: str, found: list[Hit]) -> str:
    terms = list(dict.fromkeys(hit.term for hit in found))
    return f"{kind} word{'s' if len(terms) > 1 else ''} " + ", ".join(f"“{t}”" for t in terms)


def hits(text: str, found: list[Hit]) -> dict:
    return {
        "terms": list(dict.fromkeys(hit.term for hit in found)),
        "snippets": [snippet(text, hit) for hit in found[:MAX_SNIPPETS]],
    }
