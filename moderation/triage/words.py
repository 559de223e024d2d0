"""Whole-word matching of word and phrase lists, fast for lists of any length.

A text is cut into words (letters and digits, Unicode-aware; invisible characters and
combining marks stay inside a word), and each word is normalised with NFKC and case
folding. A list is a dict from a phrase's first word to the phrases starting with it,
so each word of the text costs one dict lookup whatever the list's length: "ass"
never hits "classic", "cunt" never "Scunthorpe", "bi" never "biólogos".

A phrase is a sequence of words, so it matches across any spaces and punctuation:
"you idiot" matches "you, idiot!". Letters spelled apart ("b-a-d") are three one-letter
words and do not match "bad"; a list catches them on purpose with the entry "b a d",
which matches "b-a-d", "b.a.d" and "b a d" (matching them for every word would make
every initialism a suspect).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .linear import tokens

# A word: letters/digits, then letters, digits, combining marks and invisible characters
# (soft hyphen, zero-width space/joiners, word joiner, BOM) that evasions put inside words.
INVISIBLE_CHARACTERS = "\u00ad\u200b-\u200d\u2060\ufeff"
INSIDE_WORD_CHARACTERS = "\u0300-\u036f" + INVISIBLE_CHARACTERS
WORD = re.compile(rf"[^\W_](?:[^\W_]|[{INSIDE_WORD_CHARACTERS}])*")
INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")
INSIDE_WORD = re.compile(f"[{INSIDE_WORD_CHARACTERS}]")
# Runs of letters and digits; runs of \w are the same in text without "_", and cheaper.
LETTERS_AND_DIGITS = re.compile(r"[^\W_]+")
WORD_CHARACTERS = re.compile(r"\w+")
# In ASCII text a word is letters and digits, and lower() is NFKC + case folding.
ASCII_WORD = re.compile(r"[a-z0-9]+")
ASCII_NON_WORD = str.maketrans(
    {c: " " for c in map(chr, range(128)) if not (c.isascii() and c.isalnum() and not c.isupper())}
)
SNIPPET_CONTEXT = 40


@dataclass(frozen=True)
class Hit:
    term: str  # the list entry, normalised ("you idiot")
    start: int  # offsets in the original text
    end: int


@lru_cache(maxsize=65536)
def normalise_word(word: str) -> str:
    """NFKC, then case folding, then NFKC again (folding can un-normalise)."""
    folded = unicodedata.normalize("NFKC", INVISIBLE.sub("", word)).casefold()
    return unicodedata.normalize("NFKC", folded)


def words(text: str) -> list[tuple[str, int, int]]:
    """(normalised word, start, end) for each word of the text."""
    if text.isascii():
        return [(m.group(), m.start(), m.end()) for m in ASCII_WORD.finditer(text.lower())]
    return [(normalise_word(m.group()), m.start(), m.end()) for m in WORD.finditer(text)]


class Text:
    """A text to search, its words worked out once and only as far as needed.

    Most comments hit no list at all: `plain_words` (one C-speed pass over the text) lets
    a list say so before any offsets are computed. The memo is plain attributes, not
    functools.cached_property, which on Python 3.11 takes a lock on every first read (1.2 s
    of a 20,000-comment import's triage).
    """

    __slots__ = ("_model_words", "_normalised", "_plain_words", "_words", "text")

    def __init__(self, text: str):
        self.text = text
        self._plain_words: list[str] | None = None
        self._model_words: list[str] | None = None
        self._words: list[tuple[str, int, int]] | None = None
        self._normalised: str | None = None

    @property
    def plain_words(self) -> list[str]:
        """The normalised words (`normalise_word` of each WORD), in text order."""
        if self._plain_words is None:
            self._find_words()
        return self._plain_words

    @property
    def model_words(self) -> list[str]:
        """What the score models count: `linear.tokens(text)`, perhaps with one-letter
        words among them (those are in no model's vocabulary, so they count for nothing)."""
        if self._model_words is None:
            if self._plain_words is None:
                self._find_words()
            if self._model_words is None:  # the words found could not tell
                self._model_words = tokens(self.text)
        return self._model_words

    def _find_words(self) -> None:
        """The plain words, and the model's words when the same pass gives them exactly."""
        text = self.text
        if text.isascii():  # what ASCII_WORD finds, ~2.5x faster
            self._plain_words = text.lower().translate(ASCII_NON_WORD).split()
            if "_" not in text:  # "_" joins words into one model token
                self._model_words = self._plain_words
            return
        runs = letter_runs(text)
        if runs is None:
            self._plain_words = [normalise_word(word) for word in WORD.findall(text)]
            return
        # The runs joined by spaces, normalised at once: NFKC and case folding never
        # carry across a space (a starter that composes with nothing) nor make one,
        # unless NFKC cuts a word in several ("ﷺ"), which the count of spaces shows.
        joined = " ".join(runs)
        folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", joined).casefold())
        if folded.count(" ") == len(runs) - 1:
            self._plain_words = folded.split(" ")
            self._normalised = folded
        else:
            self._plain_words = [normalise_word(run) for run in runs]
        self._model_words = model_words_of(text, joined, folded, self._plain_words)

    @property
    def words(self) -> list[tuple[str, int, int]]:
        if self._words is None:
            self._words = words(self.text)
        return self._words

    @property
    def normalised(self) -> str:
        """The words joined by single spaces (for spotting repeats)."""
        if self._normalised is None:
            self._normalised = " ".join(self.plain_words)
        return self._normalised


def letter_runs(text: str) -> list[str] | None:
    """WORD's matches, as plain runs of letters and digits: None when a mark or an
    invisible character follows a letter or digit (WORD would take it in)."""
    for inside in INSIDE_WORD.finditer(text):
        at = inside.start()
        if at and text[at - 1].isalnum():  # a letter or digit: [^\W_]
            return None
    return (LETTERS_AND_DIGITS if "_" in text else WORD_CHARACTERS).findall(text)


def model_words_of(text: str, joined: str, folded: str, plain_words: list[str]) -> list[str] | None:
    """`linear.tokens(text)` (with one-letter words) from the runs of letters and digits
    joined by spaces, or None when they may differ.

    The tokens are the runs of word characters in text.lower(). lower() maps each
    character on its own but for "Σ" (final or not), makes no letter or digit of anything
    else, and keeps a letter or digit one unless it makes two characters of it ("İ"): so
    in text without "_" and "Σ", when lower() keeps the runs' length, the tokens are the
    runs lowered (test_triage_words_unicode checks these facts for every character).
    """
    if "_" in text or "Σ" in text:
        return None
    lowered = joined.lower()
    if len(lowered) != len(joined):
        return None
    return plain_words if lowered == folded else lowered.split(" ")


def normalised_text(text: str) -> str:
    return Text(text).normalised


def phrase(entry: str) -> tuple[str, ...]:
    # NFKC can split one written word into several ("㍱" -> "hpa"): split again after it.
    return tuple(w for word in Text(entry).plain_words for w in word.split())


class WordList:
    """A list of words and phrases, ready to search texts."""

    def __init__(self, entries: Iterable[str]):
        starting: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for entry in entries:
            if entry_words := phrase(entry):
                starting[entry_words[0]].add(entry_words)
        # Longest phrase first, so "bad idea" wins over "bad" at the same place.
        self.starting = {w: sorted(p, key=len, reverse=True) for w, p in starting.items()}
        self.first_words = frozenset(self.starting)

    def __bool__(self) -> bool:
        return bool(self.starting)

    @classmethod
    def from_lines(cls, text: str) -> WordList:
        return compiled_list(text)

    def find(self, text: Text) -> list[Hit]:
        """Every non-overlapping hit, in text order."""
        if self.first_words.isdisjoint(text.plain_words):
            return []
        text_words = text.words
        hits, at, count = [], 0, len(text_words)
        while at < count:
            taken = 1
            for candidate in self.starting.get(text_words[at][0], ()):
                size = len(candidate)
                if size == 1 or tuple(w for w, _, _ in text_words[at : at + size]) == candidate:
                    hits.append(
                        Hit(" ".join(candidate), text_words[at][1], text_words[at + size - 1][2])
                    )
                    taken = size
                    break
            at += taken
        return hits

    def search(self, text: str) -> list[Hit]:
        return self.find(Text(text))


def snippet(text: str, hit: Hit, context: int = SNIPPET_CONTEXT) -> dict[str, str]:
    """The hit with some text either side, as three plain strings the template escapes."""
    start, end = max(0, hit.start - context), min(len(text), hit.end + context)
    return {
        "before": ("…" if start else "") + text[start : hit.start],
        "match": text[hit.start : hit.end],
        "after": text[hit.end : end] + ("…" if end < len(text) else ""),
    }


@lru_cache(maxsize=8)
def compiled_list(lines: str) -> WordList:
    """One list per text, kept: a 10,000-entry list takes ~0.3 s to build, and every import
    and page that judges comments builds it again otherwise."""
    return WordList(line for line in lines.splitlines() if line.strip())
