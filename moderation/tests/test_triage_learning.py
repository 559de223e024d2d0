"""The learned score: refuses too few decisions, learns from people only, explains itself."""

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from articles.models import Comment
from articles.tests.factory import make_article, make_comment
from moderation import services
from moderation.models import LearnedModel
from moderation.triage import learning

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).parent / "fixtures" / "triage_decisions.csv"


def decide_fixture(moderator) -> list[Comment]:
    """Each row of the committed fixture as a comment a person decided, oldest first."""
    article = make_article()
    comments = []
    with FIXTURE.open(newline="") as rows:
        for row in csv.DictReader(rows):
            comment = make_comment(article, body=f"<p>{row['text']}</p>")
            if row["decision"] == "hidden":
                services.hide(comment, actor=moderator, reason="abuse")
            else:
                services.approve(comment, actor=moderator)
            comments.append(comment)
    # One decision a minute, in file order: the last rows are the most recent.
    start = timezone.now() - timedelta(days=1)
    for minute, comment in enumerate(comments):
        Comment.objects.filter(pk=comment.pk).update(moderated_at=start + timedelta(minutes=minute))
    return comments


def test_training_refuses_too_few_decisions_and_says_how_many(moderator, settings):
    settings.TRIAGE_MIN_DECISIONS = 50
    for _ in range(3):
        services.hide(make_comment(), actor=moderator, reason="spam")
    with pytest.raises(learning.NotEnoughDecisions) as refusal:
        learning.train()
    assert str(refusal.value) == (
        "Training needs at least 50 decisions by people, with at least 5 hidden and 5 "
        "approved; there are 3 (3 hidden, 0 approved)."
    )
    assert not LearnedModel.objects.exists()


def test_automatic_and_source_decisions_are_not_training_data(moderator):
    by_person = make_comment()
    services.approve(by_person, actor=moderator)
    by_rule = make_comment()
    services.decide_by_rule(
        [by_rule.pk], rule="banned_words", status="hidden", reason="banned_word"
    )
    make_comment(status="approved")  # decided by the import's source
    assert learning.people_decisions().ids == [by_person.pk]


def test_training_on_the_fixture_ranks_held_out_hidden_comments_first(moderator, settings):
    settings.TRIAGE_MIN_DECISIONS = 60
    comments = decide_fixture(moderator)
    model = learning.train(by=moderator)
    assert model.version == 1 and model.decisions == 80
    metrics = model.metrics
    assert (metrics["trained_on"], metrics["held_out"]) == (64, 16)
    # The newest 16 decisions, never trained on: every hidden one scores above every approved one.
    assert metrics["model"]["roc_auc"] == 1.0
    assert metrics["rules"]["total"] == 16
    assert (Path(settings.TRIAGE_MODEL_DIR) / model.file_name).exists()
    # The stored model (trained on everything) ranks the held-out comments the same way.
    held_out = list(Comment.objects.filter(pk__in=[c.pk for c in comments[64:]]))
    scores = learning.current_scorer().scores([c.body for c in held_out])
    ranked = [c.status for _, c in sorted(zip(scores, held_out, strict=True), key=lambda p: -p[0])]
    hidden_count = ranked.count("hidden")
    assert 0 < hidden_count < len(ranked)
    assert ranked[:hidden_count] == ["hidden"] * hidden_count


def test_a_server_without_the_file_scores_from_the_database(moderator, settings, tmp_path):
    settings.TRIAGE_MIN_DECISIONS = 60
    decide_fixture(moderator)
    model = learning.train()
    texts = ["you pathetic idiot", "thanks for the balanced report"]
    pipeline = learning.load_pipeline(model.version, model.file_name, model.sha256)
    learning._loaded.clear()
    settings.TRIAGE_MODEL_DIR = tmp_path / "another-server"
    scorer = learning.current_scorer()
    assert scorer.version == model.version
    # The compiled table, stored with the version, scores as the trained pipeline does.
    expected = [round(float(p), 4) for p in pipeline.predict_proba(texts)[:, 1]]
    assert scorer.scores(texts) == expected
    assert not (tmp_path / "another-server").exists()


def test_a_version_stored_without_its_table_is_compiled_once(moderator, settings, tmp_path):
    settings.TRIAGE_MIN_DECISIONS = 60
    decide_fixture(moderator)
    model = learning.train()
    table = bytes(LearnedModel.objects.get(pk=model.pk).table)
    LearnedModel.objects.filter(pk=model.pk).update(table=b"")
    learning._loaded.clear()
    settings.TRIAGE_MODEL_DIR = tmp_path / "another-server"
    assert learning.current_scorer().version == model.version
    # Compiled from the pipeline, written to this server's directory from the database first.
    assert (tmp_path / "another-server" / model.file_name).read_bytes() == bytes(model.data)
    assert bytes(LearnedModel.objects.get(pk=model.pk).table) == table


def test_each_score_is_explained_by_the_words_that_pushed_it(moderator, settings):
    settings.TRIAGE_MIN_DECISIONS = 60
    decide_fixture(moderator)
    learning.train()
    scorer = learning.current_scorer()
    rude, polite = scorer.scores(["you pathetic idiot", "thanks for the balanced report"])
    assert rude > 0.5 > polite
    words = scorer.explain("you pathetic idiot")
    assert words[0]["towards"] == "hidden"
    assert {w["word"] for w in words} & {"idiot", "pathetic"}


def test_a_reply_after_a_decision_keeps_the_decision_as_training_data(moderator):
    comment = make_comment()
    services.hide(comment, actor=moderator, reason="abuse")
    services.reply(comment, actor=moderator, body="We hid this for abuse.")
    assert comment.pk in learning.people_decisions().ids
