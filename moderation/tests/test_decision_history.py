"""What the history records for one decision, as the comment page lists it."""

import pytest

from articles.tests.factory import make_comment
from moderation import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "decide"),
    [
        ("pending", lambda c, actor: services.approve(c, actor=actor)),
        ("pending", lambda c, actor: services.hide(c, actor=actor, reason="spam")),
        ("approved", lambda c, actor: services.restore(c, actor=actor)),
    ],
    ids=["approve", "hide", "restore"],
)
def test_a_decision_without_a_note_records_no_note(moderator, start, decide):
    event = decide(make_comment(status=start), moderator)

    assert event.note == ""
    assert event.actor == moderator


def test_the_note_is_kept_without_surrounding_space(moderator):
    event = services.approve(make_comment(), actor=moderator, note="  Checked the quote.\n")

    assert event.note == "Checked the quote."


@pytest.mark.parametrize(
    "decide",
    [
        lambda ids, actor: services.bulk_approve(ids, actor=actor),
        lambda ids, actor: services.bulk_hide(ids, actor=actor, reason="spam"),
    ],
    ids=["approve", "hide"],
)
def test_a_bulk_decision_without_a_note_records_no_note(moderator, decide):
    comment = make_comment()

    decide([comment.pk], moderator)

    event = comment.events.get()
    assert (event.note, event.actor) == ("", moderator)
