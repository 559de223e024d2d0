"""Decisions a triage rule makes on its own, and a moderator undoing them: what the history,
the public page and the dashboard then show."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from articles.models import Comment
from articles.tests.factory import make_article, make_comment
from moderation import dashboard, services
from moderation.models import ModerationEvent

pytestmark = pytest.mark.django_db
BANNED = {"rule": "banned_words", "status": "hidden", "reason": "banned_word"}
TRUSTED = {"rule": "trusted_author", "status": "approved"}


def history(comment):
    """The comment page's history, newest first: who, what, from, to, reason, note."""
    return [
        (e.actor_name, e.action, e.status_before, e.status_after, e.reason, e.note)
        for e in comment.events.select_related("actor")
    ]


def state(comment):
    comment.refresh_from_db()
    return comment.status, comment.hidden_reason


def decided_by(comments, **rule):
    services.decide_by_rule([c.pk for c in comments], **rule)
    return comments


def week():
    return dashboard.period_ending_today(7)


# --- a rule decides ---------------------------------------------------------------------


def test_a_rule_hides_for_its_reason_and_the_history_names_the_rule():
    comment = make_comment()

    changed = services.decide_by_rule([comment.pk], note="  matched “scoundrel”\n", **BANNED)

    assert changed == 1
    comment.refresh_from_db()
    assert (comment.status, comment.hidden_reason, comment.version) == ("hidden", "banned_word", 2)
    assert history(comment) == [
        ("rule “Banned word”", "hide", "pending", "hidden", "banned_word", "matched “scoundrel”")
    ]
    assert comment.moderated_at == comment.events.get().created_at


def test_a_rule_approves_without_a_reason():
    comment = make_comment()

    assert services.decide_by_rule([comment.pk], **TRUSTED) == 1

    assert state(comment) == ("approved", "")
    assert history(comment) == [("rule “Trusted author”", "approve", "pending", "approved", "", "")]


def test_a_rule_leaves_alone_what_a_person_got_to_first(moderator):
    approved = make_comment(status="approved")
    restored = make_comment()  # hidden, then sent back to the queue by a person
    services.hide(restored, actor=moderator, reason="spam")
    services.restore(restored, actor=moderator)
    waiting = make_comment()

    changed = services.decide_by_rule([approved.pk, restored.pk, waiting.pk, waiting.pk], **BANNED)

    assert changed == 1
    assert (state(approved), state(restored), state(waiting)) == (
        ("approved", ""),
        ("pending", ""),
        ("hidden", "banned_word"),
    )
    assert [e.actor_name for e in restored.events.all()] == ["Dana Scully", "Dana Scully"]
    assert not approved.events.exists()


def test_a_rule_deciding_nothing_changes_nothing(django_assert_num_queries):
    approved = make_comment(status="approved")

    # Savepoint, lock+read (nothing still waiting), release: no event, no article touched.
    with django_assert_num_queries(3):
        assert services.decide_by_rule([approved.pk], **BANNED) == 0
    assert not ModerationEvent.objects.exists()


def test_a_rule_over_several_chunks_decides_each_comment_once(
    monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(services, "BULK_CHUNK", 2)
    article = make_article()
    comments = [make_comment(article) for _ in range(5)]

    # Savepoint; per chunk of 2 (x3): lock+read, the dashboard's counts (recent decisions,
    # add to the day's counter, arrivals, first decisions), insert events, update;
    # bump the article; release.
    with django_assert_num_queries(2 + 3 * 7 + 1):
        changed = services.decide_by_rule([c.pk for c in comments], **BANNED)

    assert changed == 5
    assert [state(c) for c in comments] == [("hidden", "banned_word")] * 5
    assert ModerationEvent.objects.filter(rule="banned_words").count() == 5


def test_readers_see_what_a_rule_approved_at_once(client):
    # Two other articles first, so that comment ids and article ids differ: a decision must
    # refresh the page of its comment's article, not of an article with the comment's id.
    make_article(), make_article()
    article = make_article()
    comments = [make_comment(article, body=f"<p>Trusted words {n}.</p>") for n in range(2)]
    page = client.get(article.get_absolute_url()).content.decode()  # now cached
    assert "Trusted words" not in page

    decided_by(comments, **TRUSTED)

    page = client.get(article.get_absolute_url()).content.decode()
    assert "Trusted words 0." in page and "Trusted words 1." in page


def test_the_dashboard_counts_a_rules_decisions_as_automatic():
    comments = decided_by([make_comment(), make_comment()], **BANNED)

    figures = dashboard.decision_figures(week())

    assert (figures.totals.automatic, figures.totals.by_people) == (2, 0)
    assert figures.totals.by_action["hide"] == figures.totals.by_reason["banned_word"] == 2
    assert [m.name for m in figures.moderators] == ["Automatic"]
    assert sum(day.decided for day in dashboard.wait_figures(week())) == len(comments)


# --- a moderator undoes a rule --------------------------------------------------------------


def test_undo_returns_to_pending_only_the_rules_own_latest_decisions_since(moderator):
    before = decided_by([make_comment()], **BANNED)[0]
    since = before.events.get().created_at + timedelta(microseconds=1)
    undone, redecided = decided_by([make_comment(), make_comment()], **BANNED)
    other_rule = decided_by([make_comment()], **TRUSTED)[0]
    services.approve(redecided, actor=moderator)  # a person decided after the rule
    by_a_person = make_comment()
    services.hide(by_a_person, actor=moderator, reason="spam")

    result = services.undo_rule("banned_words", since=since, actor=moderator)

    assert (result.changed, result.unchanged, result.conflicts) == (1, 0, 0)
    assert [state(c) for c in (before, undone, redecided, other_rule, by_a_person)] == [
        ("hidden", "banned_word"),
        ("pending", ""),
        ("approved", ""),
        ("approved", ""),
        ("hidden", "spam"),
    ]
    actor, action, status_before, status_after, reason, note = history(undone)[0]
    assert (actor, action, status_before, status_after, reason) == (
        "Dana Scully",
        "restore",
        "hidden",
        "pending",
        "",
    )
    assert note.startswith("Undid the rule “Banned word” since ")


def test_undo_says_which_rule_and_since_when_unless_given_a_note(moderator):
    said, given = decided_by([make_comment(), make_comment()], **BANNED)
    since = datetime(2020, 1, 2, 3, 4, 59, tzinfo=UTC)

    services.undo_rule("banned_words", since=since, actor=moderator, comment_ids=[said.pk])
    services.undo_rule(
        "banned_words", since=since, actor=moderator, note="Too strict", comment_ids=[given.pk]
    )

    assert history(said)[0][-1] == "Undid the rule “Banned word” since 2020-01-02 03:04"
    assert history(given)[0][-1] == "Too strict"


def test_undo_of_a_chunk_changes_only_those_that_still_qualify(moderator):
    since = datetime(2020, 1, 1, tzinfo=UTC)
    chunk, outside, redecided = decided_by([make_comment() for _ in range(3)], **BANNED)
    services.approve(redecided, actor=moderator)

    result = services.undo_rule(
        "banned_words", since=since, actor=moderator, comment_ids=[chunk.pk, redecided.pk]
    )

    assert (result.changed, result.unchanged, result.conflicts) == (1, 0, 0)
    assert [state(c)[0] for c in (chunk, outside, redecided)] == ["pending", "hidden", "approved"]


def test_what_a_rule_decided_is_counted_up_to_a_moment(moderator):
    """An undo job counts, then undoes, what the rule decided before it was asked for."""
    since = datetime(2020, 1, 1, tzinfo=UTC)
    early = decided_by([make_comment(), make_comment()], **BANNED)
    until = max(e.created_at for e in ModerationEvent.objects.all())
    late = decided_by([make_comment()], **BANNED)

    up_to = services.comments_decided_by_rule("banned_words", since, until=until)
    open_ended = services.comments_decided_by_rule("banned_words", since)

    assert sorted(up_to) == [c.pk for c in early]
    assert sorted(open_ended) == [c.pk for c in [*early, *late]]


def test_undo_is_a_moderators_decision_on_the_dashboard(moderator):
    decided_by([make_comment(), make_comment()], **BANNED)

    services.undo_rule("banned_words", since=datetime(2020, 1, 1, tzinfo=UTC), actor=moderator)

    figures = dashboard.decision_figures(week())
    dana = next(m for m in figures.moderators if m.actor_id == moderator.pk)
    assert (dana.by_action, dana.total, dana.reversals) == ({"restore": 2}, 2, 2)


def test_undo_without_the_moderate_right_is_refused_and_changes_nothing(staff_without_role):
    comment = decided_by([make_comment()], **BANNED)[0]

    with pytest.raises(PermissionDenied):
        services.undo_rule(
            "banned_words", since=datetime(2020, 1, 1, tzinfo=UTC), actor=staff_without_role
        )

    assert state(comment) == ("hidden", "banned_word")
    assert comment.events.count() == 1 and Comment.objects.count() == 1
