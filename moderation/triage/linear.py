"""Linear text models over TF-IDF, compiled into lookup tables and scored in plain Python.

Both scores are a scikit-learn TfidfVectorizer followed by linear models: the offensive
score (alt-profanity-check: unigrams, English stop words, five LinearSVC folds, each with a
sigmoid calibration, averaged) and the learned score (word 1-2 grams, sublinear tf,
logistic regression). Scoring one comment through scikit-learn costs ~70-110 µs of Python
and importing it ~120 MB of memory; an import of 100,000 comments pays both. The same
arithmetic over a dict (term -> column) and arrays (idf, weights) gives the same
probabilities (to ~1e-15) from one tokenisation shared by both models.

This module imports neither Django nor scikit-learn at import time: the parse worker and
the compile subprocess both use it.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from operator import itemgetter, mul

# scikit-learn's default token_pattern; lowercase=True is str.lower(), as sklearn does it.
TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # noqa: S105 - a regular expression
TOKEN = re.compile(TOKEN_PATTERN)
FORMAT = 1


def tokens(text: str) -> list[str]:
    """The words both models count (shared: one tokenisation per text)."""
    return TOKEN.findall(text.lower())


class Terms:
    """A text's words, read once for every model that scores it.

    `words` are `tokens(text)`, or any list that adds one-letter words to them (those are in
    no vocabulary, so they count for nothing; word pairs are made without them)."""

    __slots__ = ("_pairs", "words")

    def __init__(self, words: list[str]):
        self.words = words
        self._pairs: list[str] | None = None

    @classmethod
    def of(cls, text: str) -> Terms:
        return cls(tokens(text))

    @property
    def pairs(self) -> list[str]:
        """Each word pair, in text order, as scikit-learn writes it: "first second"."""
        if self._pairs is None:
            words = [word for word in self.words if len(word) > 1]
            self._pairs = list(map(" ".join, itertools.pairwise(words)))
        return self._pairs


def as_terms(words: Terms | list[str]) -> Terms:
    return words if isinstance(words, Terms) else Terms(words)


def picker(columns: list[int]) -> Callable[[array], Sequence[float]]:
    """Takes these columns' values from an array in one C call (itemgetter gives a tuple
    from two columns on, the bare value for one)."""
    if len(columns) == 1:
        (column,) = columns
        return lambda values: (values[column],)
    return itemgetter(*columns)


# 1 + log(n) for the counts below 64 (nearly every term's), worked out once by the same
# arithmetic, so to the same bits: a text's are then picked out in one C call.
SUBLINEAR_TF = array("d", [math.nan, *(1 + math.log(n) for n in range(1, 64))])


def sublinear(counts: list[int]) -> Sequence[float]:
    """1 + log(n) for each count (scikit-learn's sublinear tf)."""
    if max(counts) < len(SUBLINEAR_TF):
        return picker(counts)(SUBLINEAR_TF)
    return [1 + math.log(n) for n in counts]


def expit(x: float) -> float:
    # scipy.special.expit, written so neither branch overflows.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


class LinearText:
    """TF-IDF (l2-normalised) then one or more linear models over the same columns.

    `calibration` (one (a, b) per model) turns each decision d into expit(-(a*d + b)) and
    the probability is their mean (CalibratedClassifierCV, sigmoid); without it the
    probability is expit(d) (logistic regression).
    """

    def __init__(
        self,
        *,
        terms: Sequence[str],
        idf: Sequence[float],
        weights: Sequence[Sequence[float]],
        intercepts: Sequence[float],
        calibration: Sequence[Sequence[float]] | None = None,
        sublinear_tf: bool = False,
        ngram_max: int = 1,
    ):
        self.terms = list(terms)
        # Columns count from 1: a text's terms are looked up in C, and filter(None, ...)
        # drops the unknown ones (None) before any arithmetic. Column 0 is no term.
        self.columns = {term: at for at, term in enumerate(self.terms, 1)}
        if not (len(idf) == len(self.terms) and all(len(w) == len(self.terms) for w in weights)):
            raise ValueError("terms, idf and weights differ in length")
        self.idf = array("d", [0.0, *idf])
        self.weights = [array("d", [0.0, *w]) for w in weights]
        self.intercepts = [float(b) for b in intercepts]
        self.calibration = [(float(a), float(b)) for a, b in calibration] if calibration else None
        self.sublinear_tf = sublinear_tf
        self.ngram_max = ngram_max

    # -- scoring ------------------------------------------------------------------
    def columns_and_counts(self, terms: Terms) -> tuple[list[int], list[int]]:
        """The column and count of each distinct term of the text that the model knows, in
        order of first appearance (words, then pairs). Unknown terms would add only zeros
        to every sum below: leaving them out changes no bit of a result."""
        words = terms.words
        if self.ngram_max >= 2:
            words = itertools.chain(words, terms.pairs)
        counted = Counter(filter(None, map(self.columns.get, words)))
        return list(counted), list(counted.values())

    def raw(self, terms: Terms) -> tuple[list[int], list[float]]:
        """Columns and un-normalised TF-IDF values (sublinear tf: 1 + log n, as sklearn)."""
        at, counts = self.columns_and_counts(terms)
        if not at:
            return at, []
        tf = sublinear(counts) if self.sublinear_tf else counts
        return at, list(map(mul, tf, picker(at)(self.idf)))

    def values(self, words: Terms | list[str]) -> dict[int, float]:
        """Column -> the text's l2-normalised TF-IDF value (what transform() gives)."""
        at, raw = self.raw(as_terms(words))
        norm = math.sqrt(sum(map(mul, raw, raw)))
        if not norm:
            return {}
        return {c: v / norm for c, v in zip(at, raw, strict=True)}

    def decisions(self, words: Terms | list[str]) -> list[float]:
        """Each model's decision function: (raw · weights) / ‖raw‖ + intercept."""
        at, raw = self.raw(as_terms(words))
        norm = math.sqrt(sum(map(mul, raw, raw)))
        if not norm:
            return list(self.intercepts)
        pick = picker(at)
        return [
            sum(map(mul, raw, pick(w))) / norm + b
            for w, b in zip(self.weights, self.intercepts, strict=True)
        ]

    def probability(self, words: Terms | list[str]) -> float:
        decisions = self.decisions(words)
        if self.calibration is None:
            return expit(decisions[0])
        calibrated = [
            expit(-(a * d + b)) for d, (a, b) in zip(decisions, self.calibration, strict=True)
        ]
        return sum(calibrated) / len(calibrated)

    def score(self, text: str) -> float:
        return self.probability(tokens(text))

    def pushes(self, words: Terms | list[str]) -> list[tuple[float, str]]:
        """(value x weight, term) of each of the text's terms, for the first model, in
        column order (as scikit-learn's sparse row lists them)."""
        weights = self.weights[0]
        values = sorted(self.values(words).items())
        return [(v * weights[at], self.terms[at - 1]) for at, v in values]

    # -- storing ------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        data = {
            "format": FORMAT,
            "terms": self.terms,
            "idf": list(self.idf)[1:],  # without column 0, no term's
            "weights": [list(w)[1:] for w in self.weights],
            "intercepts": self.intercepts,
            "calibration": self.calibration,
            "sublinear_tf": self.sublinear_tf,
            "ngram_max": self.ngram_max,
        }
        # json writes floats with repr(): they read back bit for bit.
        return zlib.compress(json.dumps(data, ensure_ascii=False).encode(), 6)

    @classmethod
    def from_bytes(cls, blob: bytes) -> LinearText:
        data = json.loads(zlib.decompress(blob))
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown compiled model format {data.get('format')!r}")
        del data["format"]
        return cls(**data)


# -- compiling from scikit-learn (training time, or once for the offensive score) ---------
def vectorizer_settings(vectorizer) -> dict:
    """What LinearText needs from a fitted TfidfVectorizer; refuses what it cannot copy."""
    params = vectorizer.get_params()
    low, high = params["ngram_range"]
    supported = (
        params["analyzer"] == "word"
        and params["lowercase"]
        and params["token_pattern"] == TOKEN_PATTERN
        and params["tokenizer"] is None
        and params["preprocessor"] is None
        and params["strip_accents"] is None
        and params["input"] == "content"
        and params["norm"] == "l2"
        and params["use_idf"]
        and not params["binary"]
        and low == 1
        and high in (1, 2)
        # Stop words are dropped before n-grams are made: only unigrams can ignore them
        # (a stop word is then simply not in the vocabulary).
        and (high == 1 or not params["stop_words"])
    )
    if not supported:
        raise ValueError(f"cannot compile this vectorizer: {params}")
    vocabulary = vectorizer.vocabulary_
    terms = [""] * len(vocabulary)
    for term, at in vocabulary.items():
        terms[at] = term
    return {
        "terms": terms,
        "idf": [float(v) for v in vectorizer.idf_],
        "sublinear_tf": bool(params["sublinear_tf"]),
        "ngram_max": high,
    }


def compile_logistic(vectorizer, classifier) -> LinearText:
    """A fitted TfidfVectorizer + binary LogisticRegression (the learned score)."""
    if len(classifier.classes_) != 2:
        raise ValueError("only a binary classifier compiles")
    return LinearText(
        **vectorizer_settings(vectorizer),
        weights=[[float(w) for w in classifier.coef_[0]]],
        intercepts=[float(classifier.intercept_[0])],
    )


def compile_calibrated(vectorizer, calibrated) -> LinearText:
    """A fitted TfidfVectorizer + CalibratedClassifierCV (sigmoid) over linear models."""
    if calibrated.method != "sigmoid" or len(calibrated.classes_) != 2:
        raise ValueError("only a binary, sigmoid-calibrated classifier compiles")
    weights, intercepts, calibration = [], [], []
    for fold in calibrated.calibrated_classifiers_:
        (calibrator,) = fold.calibrators
        weights.append([float(w) for w in fold.estimator.coef_[0]])
        intercepts.append(float(fold.estimator.intercept_[0]))
        calibration.append((float(calibrator.a_), float(calibrator.b_)))
    return LinearText(
        **vectorizer_settings(vectorizer),
        weights=weights,
        intercepts=intercepts,
        calibration=calibration,
    )


def compile_profanity_check() -> LinearText:
    """alt-profanity-check's bundled model (loads scikit-learn: run it once, then cache)."""
    from profanity_check import profanity_check

    return compile_calibrated(profanity_check.vectorizer, profanity_check.model)


if __name__ == "__main__":  # python -m moderation.triage.linear OUT: compile the offensive score
    import sys
    from pathlib import Path

    out = Path(sys.argv[1])
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(compile_profanity_check().to_bytes())
    partial.replace(out)
