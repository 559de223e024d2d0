"""Rules run on every comment an import creates, in the import's own transaction."""

import pytest
from django.core.management import call_command

from articles.importers.service import import_file
from articles.models import Comment
from conftest import SEED
from moderation.models import CommentTriage, ModerationEvent, TriageRules
from moderation.triage.rules import TextPart

pytestmark = pytest.mark.django_db


def test_an_import_triages_its_new_comments_before_the_desk_sees_them():
    TriageRules.objects.filter(pk=1).update(banned_words="telecoms", suspect_words="tourists")
    import_file(SEED, all_pending=True)
    triaged = dict(CommentTriage.objects.values_list("comment_id", "marker_rules"))
    assert set(triaged) == set(Comment.objects.values_list("pk", flat=True))
    banned = Comment.objects.get(body__contains="telecoms")
    assert (banned.status, banned.hidden_reason) == ("hidden", "banned_word")
    assert ModerationEvent.objects.get(comment=banned).rule == "banned_words"
    assert ",banned_words," in triaged[banned.pk]


def test_a_dry_run_judges_nothing():
    import_file(SEED, dry_run=True)
    assert not CommentTriage.objects.exists()


def test_the_import_command_runs_the_hook_and_a_reimport_adds_nothing(tmp_path):
    call_command("import_articles", str(SEED), stdout=tmp_path.joinpath("out").open("w"))
    count = CommentTriage.objects.count()
    assert count == Comment.objects.count() > 0
    call_command("import_articles", str(SEED), stdout=tmp_path.joinpath("out2").open("w"))
    assert CommentTriage.objects.count() == count


def test_a_caller_may_pass_its_own_hook():
    seen = []
    import_file(SEED, after_load=seen.extend)
    assert sorted(pk for pk, _ in seen) == sorted(Comment.objects.values_list("pk", flat=True))
    # Each comment comes with what triage read from its text while the file was parsed.
    assert all(isinstance(part, TextPart) and part.fingerprint for _, part in seen)
    assert not CommentTriage.objects.exists()


def test_the_commands_run_train_and_undo(moderator, capsys):
    from django.core.management.base import CommandError

    from articles.tests.factory import make_comment

    comment = make_comment(body="<p>you scoundrel</p>")
    TriageRules.objects.filter(pk=1).update(banned_words="scoundrel")
    call_command("triage_run")
    assert "1 hidden as banned" in capsys.readouterr().out
    call_command("triage_undo", rule="banned_words", since="2000-01-01T00:00", username="dana")
    assert "Returned 1 comment(s) to pending" in capsys.readouterr().out
    comment.refresh_from_db()
    assert comment.status == "pending"
    with pytest.raises(CommandError, match="Training needs at least 200 decisions"):
        call_command("triage_train")
