"""Both scores from compiled lookup tables give scikit-learn's probabilities, without it."""

import itertools
import json
import math
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from articles.importers.formats import FORMATS
from articles.importers.records import CommentRecord, ImportFormatError, ParseContext
from articles.importers.service import sniff
from bench.triage import CORPUS, read_corpus
from conftest import SAMPLES
from moderation.triage import learning, scores
from moderation.triage.evidence import plain_text
from moderation.triage.linear import LinearText, Terms, compile_logistic, expit, tokens
from moderation.triage.words import Text

EDGE_CASES = [
    "",
    "   ",
    "the and of to it is was",  # stop words only: no term of the offensive vocabulary
    "!!! ??? ...",
    "a",
    "You IDIOT, you absolute moron!!!",
    "fuck fuck fuck shit",
    "jalapeño résumé naïve café Ünïcödé ÅNGSTRÖM",
    "日本語のテキスト 中文 한국어 العربية русский текст",
    "emoji 😀🔥 and zero\u200bwidth and soft\u00adhyphen",
    "ﬁne ligatures and ＦＵＬＬＷＩＤＴＨ letters",
    "under_score words_with_digits 123 4567 x1 a1b2",
    "idiot " * 3000,  # very long, one term many times
    " ".join(f"word{n} thanks council report idiot" for n in range(2000)),
]


def corpus_texts(limit: int) -> list[str]:
    if not CORPUS.exists():
        pytest.skip("SpamAssassin corpus not installed (npm ci)")
    messages = sorted(read_corpus(), key=lambda m: m[0])
    step = max(1, len(messages) // limit)
    return [text for _, text, _ in messages[::step]][:limit]


def sample_bodies() -> list[str]:
    """The plain text of every comment in the shared sample files that parse."""
    if not SAMPLES.is_dir():
        return []
    texts = []
    for path in sorted(SAMPLES.glob("*/*.*")):
        with path.open("rb") as stream:
            try:
                parse = FORMATS[sniff(stream)].parse
                records = list(parse(stream, ParseContext()))
            except ImportFormatError:  # the malformed samples
                records = []
        texts += [plain_text(r.body) for r in records if isinstance(r, CommentRecord)]
    return texts


def test_the_offensive_table_scores_exactly_as_alt_profanity_check():
    from profanity_check import predict_prob

    texts = EDGE_CASES + corpus_texts(1500) + sample_bodies()
    assert len(texts) > 1500
    expected = predict_prob(texts)
    model = scores.offensive_model()
    compiled = [model.probability(tokens(text)) for text in texts]
    worst = max(abs(a - float(b)) for a, b in zip(compiled, expected, strict=True))
    assert worst < 1e-9
    # The texts cover both ends of the score.
    assert min(compiled) < 0.1 and max(compiled) > 0.9
    # Judging takes the tokens from the word lists' reading of the text: the same scores.
    for text in texts:
        assert model.probability(Terms(Text(text).model_words)) == model.probability(tokens(text))


def test_the_learned_table_scores_and_explains_exactly_as_the_pipeline():
    texts = corpus_texts(1200)
    labels = [int(n % 3 == 0 or "click" in t.lower() or "$" in t) for n, t in enumerate(texts)]
    pipeline = learning.fit(texts[:800], labels[:800])
    scorer = learning.Scorer(learning.compile_pipeline(pipeline), version=1)
    unseen = texts[800:] + EDGE_CASES + sample_bodies()
    expected = pipeline.predict_proba(unseen)[:, 1]
    compiled = [scorer.model.probability(tokens(text)) for text in unseen]
    assert max(abs(a - float(b)) for a, b in zip(compiled, expected, strict=True)) < 1e-9
    for text in unseen:  # word pairs skip one-letter words, as scikit-learn's tokens do
        words = Terms(Text(text).model_words)
        assert scorer.model.probability(words) == scorer.model.probability(tokens(text))
    # Explained by the same words with the same weights as scikit-learn's row gives.
    words, coefficients = pipeline.named_steps["words"], pipeline.named_steps["classifier"].coef_[0]
    names = words.get_feature_names_out()
    for text in unseen[:50]:
        row = words.transform([text])
        pushes = {
            names[i]: round(float(v * coefficients[i]), 3)
            for i, v in zip(row.indices, row.data, strict=True)
        }
        explained = scorer.explain(text, top=len(pushes))
        assert {w["word"]: w["weight"] for w in explained} == pushes


def score_with_every_term(model: LinearText, words: list[str]) -> float:
    """The score summed over every distinct term of the text, words then pairs, in order
    of first appearance, a term the model lacks counting with idf and weights 0."""
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(w for w in words if len(w) > 1)]
    counted = list(Counter(words).items())
    if model.ngram_max >= 2:
        counted += Counter(pairs).items()
    columns = [model.columns.get(term, 0) for term, _ in counted]  # column 0: no term
    tf = [1 + math.log(n) if model.sublinear_tf else n for _, n in counted]
    raw = [t * model.idf[c] for t, c in zip(tf, columns, strict=True)]
    norm = math.sqrt(sum(r * r for r in raw))
    decisions = [
        (sum(r * w[c] for r, c in zip(raw, columns, strict=True)) / norm if norm else 0.0) + b
        for w, b in zip(model.weights, model.intercepts, strict=True)
    ]
    if model.calibration is None:
        return expit(decisions[0])
    calibrated = [
        expit(-(a * d + b)) for d, (a, b) in zip(decisions, model.calibration, strict=True)
    ]
    return sum(calibrated) / len(calibrated)


def test_scores_are_the_plain_sum_over_every_term_to_the_bit():
    texts = EDGE_CASES + sample_bodies()
    vocabulary = Counter(w for text in texts for w in tokens(text))
    pairs = Counter(p for text in texts for p in Terms(tokens(text)).pairs)
    rng = random.Random(5)
    terms = [t for t, _ in vocabulary.most_common(300)] + [p for p, _ in pairs.most_common(200)]
    learned = LinearText(
        terms=terms,
        idf=[rng.uniform(1, 8) for _ in terms],
        weights=[[rng.uniform(-3, 3) for _ in terms]],
        intercepts=[-0.3],
        sublinear_tf=True,
        ngram_max=2,
    )
    for model in (scores.offensive_model(), learned):
        for text in texts:
            words = tokens(text)
            assert model.probability(words) == score_with_every_term(model, words), text


def test_a_table_reads_back_bit_for_bit():
    model = scores.offensive_model()
    again = LinearText.from_bytes(model.to_bytes())
    for text in EDGE_CASES:
        assert again.probability(tokens(text)) == model.probability(tokens(text))


def test_only_what_the_table_can_copy_compiles():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts, labels = ["good report", "bad idiot", "good council", "bad moron"], [0, 1, 0, 1]
    for vectorizer in (
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)),
        TfidfVectorizer(ngram_range=(1, 2), stop_words="english"),  # stop words before bigrams
        TfidfVectorizer(binary=True),
        TfidfVectorizer(strip_accents="unicode"),
    ):
        matrix = vectorizer.fit_transform(texts)
        classifier = LogisticRegression().fit(matrix, labels)
        with pytest.raises(ValueError, match="cannot compile"):
            compile_logistic(vectorizer, classifier)


def test_the_offensive_table_is_made_once_per_package_version_and_kept():
    path = scores.table_path()
    scores.offensive_model()
    assert path.exists() and path.parent == Path(settings.TRIAGE_MODEL_DIR)
    assert scores.package_digest() in path.name


def test_scoring_and_reading_comments_never_loads_scikit_learn():
    """A fresh process judges a text with both tables (the parse worker's work)."""
    scores.offensive_model()  # made and kept in this run's model directory
    table = LinearText(
        terms=["idiot", "thanks", "you idiot"],
        idf=[1.5, 1.2, 2.0],
        weights=[[2.0, -1.0, 1.0]],
        intercepts=[-0.5],
        ngram_max=2,
    ).to_bytes()
    code = f"""
import sys, django
django.setup()
from moderation.models import TriageRules
from moderation.triage import learning, precompute, service
from moderation.triage.linear import LinearText
from moderation.triage.rules import Draft, Triage
import articles.importers.service
scorer = learning.Scorer(LinearText.from_bytes({table!r}), 1)
rules = TriageRules(learned_hold_enabled=True, learned_threshold=0.5, offensive_threshold=0.5)
part = Triage(rules, scorer=scorer).read(Draft(body="<p>You idiot!</p>"))
print(json.dumps([part.offensive > 0.5, part.learned > 0.5, sorted(sys.modules)]))
""".replace("import sys,", "import json, sys,")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "TRIAGE_MODEL_DIR": str(settings.TRIAGE_MODEL_DIR),
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    offensive, learned, modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert offensive and learned
    assert not [m for m in modules if m.split(".")[0] in ("sklearn", "scipy", "joblib")]
