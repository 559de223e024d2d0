"""The site's own classifier: trained on people's decisions, versioned, explained.

TF-IDF over word unigrams and bigrams, then logistic regression. Character n-grams
(3-5 within words) were measured too: on the SpamAssassin corpus they moved ROC-AUC from
0.9976 to 0.9986 but made scoring 16 times slower (sklearn builds them in Python), which
an import cannot afford; see docs/triage.md. Quality is measured on the most recent fifth
of the decisions (trained on the older ones); the stored model is then trained on all.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import OuterRef, Subquery

from articles.models import Comment

from ..models import ModerationEvent
from .evidence import plain_text
from .linear import LinearText, Terms, compile_logistic, tokens
from .models import LearnedModel

log = logging.getLogger(__name__)
Status = Comment.Status
HELD_OUT_SHARE = 0.2
EXPLAIN_WORDS = 5


class NotEnoughDecisions(Exception):
    """Training refused: too few decisions by people. The message says how many it needs."""


def build_pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_features=200_000)
    return Pipeline(
        [
            ("words", words),
            ("classifier", LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000)),
        ]
    )


@dataclass
class Decisions:
    texts: list[str]
    hidden: list[int]  # 1 hidden, 0 approved
    ids: list[int]

    def __len__(self) -> int:
        return len(self.hidden)


def people_decisions() -> Decisions:
    """Approved and hidden comments whose latest decision a person made, oldest decision first."""
    # The latest decision; replies, reply edits and source text changes are not decisions.
    decisions = [
        ModerationEvent.Action.APPROVE,
        ModerationEvent.Action.HIDE,
        ModerationEvent.Action.RESTORE,
    ]
    latest = ModerationEvent.objects.filter(comment=OuterRef("pk"), action__in=decisions).order_by(
        "-created_at", "-id"
    )
    rows = (
        Comment.objects.filter(status__in=[Status.APPROVED, Status.HIDDEN], is_staff_reply=False)
        .annotate(
            decided_by=Subquery(latest.values("actor_id")[:1]),
            decided_action=Subquery(latest.values("action")[:1]),
        )
        .filter(decided_by__isnull=False, decided_action__in=["approve", "hide"])
        .order_by("moderated_at", "pk")
        .values_list("pk", "body", "status")
    )
    ids, texts, hidden = [], [], []
    for pk, body, status in rows:
        ids.append(pk)
        texts.append(plain_text(body))
        hidden.append(int(status == Status.HIDDEN))
    return Decisions(texts, hidden, ids)


def required_decisions() -> tuple[int, int]:
    """(decisions in all, of each kind at least)."""
    total = settings.TRIAGE_MIN_DECISIONS
    return total, max(2, total // 10)


def check_enough(decisions: Decisions) -> None:
    total, each = required_decisions()
    hidden = sum(decisions.hidden)
    approved = len(decisions) - hidden
    if len(decisions) < total or hidden < each or approved < each:
        raise NotEnoughDecisions(
            f"Training needs at least {total} decisions by people, with at least {each} "
            f"hidden and {each} approved; there are {len(decisions)} ({hidden} hidden, "
            f"{approved} approved)."
        )


def split(decisions: Decisions) -> int:
    """Index of the first held-out decision (the most recent fifth)."""
    return len(decisions) - max(1, int(len(decisions) * HELD_OUT_SHARE))


class Scorer:
    """A model version, compiled (see `linear`): scores texts and names the words that
    pushed each score; no scikit-learn needed."""

    def __init__(self, model: LinearText, version: int):
        self.model = model
        self.version = version

    def score(self, words: Terms | list[str]) -> float:
        """The probability that the comment is hidden, from its `linear.tokens`."""
        return round(self.model.probability(words), 4)

    def scores(self, texts: list[str]) -> list[float]:
        return [self.score(tokens(text)) for text in texts]

    def explain(self, text: str, top: int = EXPLAIN_WORDS) -> list[dict]:
        return self.explain_words(tokens(text), top)

    def explain_words(self, words: Terms | list[str], top: int = EXPLAIN_WORDS) -> list[dict]:
        """The words (and word pairs) that pushed the score most, toward hidden or approved."""
        pushes = self.model.pushes(words)
        pushes.sort(key=lambda push: abs(push[0]), reverse=True)
        return [
            {
                "word": name,
                "weight": round(weight, 3),
                "towards": "hidden" if weight > 0 else "approved",
            }
            for weight, name in pushes[:top]
        ]


def compile_pipeline(pipeline) -> LinearText:
    return compile_logistic(pipeline.named_steps["words"], pipeline.named_steps["classifier"])


def fit(texts: list[str], hidden: list[int]):
    pipeline = build_pipeline()
    pipeline.fit(texts, hidden)
    return pipeline


def quality(scores: list[float], hidden: list[int], threshold: float) -> dict:
    """ROC-AUC, precision/recall at the threshold, precision at 90% recall."""
    from sklearn.metrics import precision_recall_curve, roc_auc_score

    flagged = [s >= threshold for s in scores]
    metrics = {"threshold": threshold, **precision_recall(flagged, hidden)}
    if 0 < sum(hidden) < len(hidden):
        metrics["roc_auc"] = round(float(roc_auc_score(hidden, scores)), 4)
        precision, recall, _ = precision_recall_curve(hidden, scores)
        metrics["precision_at_90_recall"] = round(
            float(max(p for p, r in zip(precision, recall, strict=True) if r >= 0.9)), 4
        )
    return metrics


def precision_recall(flagged: list[bool], hidden: list[int]) -> dict:
    true_positives = sum(1 for f, h in zip(flagged, hidden, strict=True) if f and h)
    flagged_count, hidden_count = sum(flagged), sum(hidden)
    return {
        "precision": round(true_positives / flagged_count, 4) if flagged_count else None,
        "recall": round(true_positives / hidden_count, 4) if hidden_count else None,
        "flagged": flagged_count,
        "hidden": hidden_count,
        "total": len(hidden),
    }


def train(*, by=None, threshold: float | None = None) -> LearnedModel:
    """Train on people's decisions, measure on the newest fifth, store a new version."""
    from .models import TriageRules
    from .rules import Draft, Triage

    decisions = people_decisions()
    check_enough(decisions)
    rules = TriageRules.current()
    threshold = rules.learned_threshold if threshold is None else threshold
    cut = split(decisions)
    trial = fit(decisions.texts[:cut], decisions.hidden[:cut])
    held_out = decisions.hidden[cut:]
    scores = [float(p) for p in trial.predict_proba(decisions.texts[cut:])[:, 1]]
    comments = Comment.objects.in_bulk(decisions.ids[cut:])
    verdicts = Triage(
        rules, use_learned=False
    ).judge(  # the rules alone, as they are now
        [Draft.of(comments[pk]) for pk in decisions.ids[cut:]]
    )
    metrics = {
        "model": quality(scores, held_out, threshold),
        "rules": precision_recall([v.holds for v in verdicts], held_out),
        "trained_on": cut,
        "held_out": len(held_out),
    }
    return store(
        fit(decisions.texts, decisions.hidden), decisions=len(decisions), metrics=metrics, by=by
    )


def store(pipeline, *, decisions: int, metrics: dict, by=None) -> LearnedModel:
    import joblib

    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer, compress=3)
    data = buffer.getvalue()
    latest = LearnedModel.objects.order_by("-version").values_list("version", flat=True).first()
    version = (latest or 0) + 1
    model = LearnedModel.objects.create(
        version=version,
        file_name=f"triage-model-v{version}.joblib",
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        # What imports score with: compiled now, so they never load scikit-learn.
        table=compile_pipeline(pipeline).to_bytes(),
        trained_by=by,
        decisions=decisions,
        metrics=metrics,
    )
    write_file(model.file_name, data)
    return model


def write_file(name: str, data: bytes) -> Path:
    directory = Path(settings.TRIAGE_MODEL_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    partial = path.with_suffix(".partial")
    partial.write_bytes(data)
    partial.replace(path)  # atomic: another process never reads half a file
    return path


_loaded: dict[int, Scorer] = {}


def current_scorer() -> Scorer | None:
    """The newest model, loaded once per process; None before the first training."""
    latest = LearnedModel.objects.order_by("-version").values_list("version", flat=True).first()
    if latest is None:
        return None
    if latest not in _loaded:
        _loaded.clear()
        _loaded[latest] = Scorer(load_table(latest), latest)
    return _loaded[latest]


def load_table(version: int) -> LinearText:
    """The version's compiled table; a version trained before tables were stored is
    compiled from its pipeline once (that loads scikit-learn) and the table kept."""
    table = LearnedModel.objects.filter(version=version).values_list("table", flat=True).get()
    if table:
        return LinearText.from_bytes(bytes(table))
    model = LearnedModel.objects.get(version=version)
    compiled = compile_pipeline(load_pipeline(version, model.file_name, model.sha256))
    LearnedModel.objects.filter(version=version).update(table=compiled.to_bytes())
    return compiled


def load_pipeline(version: int, file_name: str, sha256: str):
    """From MODEL_DIR; written there from the database first when this server lacks it."""
    path = Path(settings.TRIAGE_MODEL_DIR) / file_name
    data = path.read_bytes() if path.exists() else b""
    if hashlib.sha256(data).hexdigest() != sha256:
        log.info("writing triage model v%s to %s from the database", version, path)
        data = bytes(LearnedModel.objects.get(version=version).data)
        write_file(file_name, data)
    import joblib

    return joblib.load(io.BytesIO(data))
