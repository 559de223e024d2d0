"""Two moderators at once, on PostgreSQL: row locks decide, not the last writer."""

import threading

import pytest
from django.db import connection, connections

from articles.models import Comment
from articles.tests.factory import make_comment, make_user
from moderation import services
from moderation.models import ModerationEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent sessions"),
]


def race(*actions):
    """Run each action in its own thread (own connection), released at the same moment."""
    start = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def worker(index, action):
        try:
            start.wait()
            outcomes[index] = action()
        except Exception as error:  # the outcome is what the test checks
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_same_seen_version_exactly_one_decision_wins(desk_roles):
    dana = make_user(groups=["Moderators"], first_name="Dana", last_name="Scully")
    fox = make_user(groups=["Moderators"], first_name="Fox", last_name="Mulder")
    comment = make_comment()
    seen = comment.version

    outcomes = race(
        lambda: services.approve(
            Comment.objects.get(pk=comment.pk), actor=dana, expected_version=seen
        ),
        lambda: services.hide(
            Comment.objects.get(pk=comment.pk), actor=fox, reason="spam", expected_version=seen
        ),
    )

    conflicts = [o for o in outcomes if isinstance(o, services.ModerationConflict)]
    events = [o for o in outcomes if isinstance(o, ModerationEvent)]
    assert len(conflicts) == 1 and len(events) == 1, outcomes
    assert ModerationEvent.objects.count() == 1
    winner = ModerationEvent.objects.get()
    assert Comment.objects.get().status == winner.status_after
    assert str(conflicts[0]).endswith("just now.")
    assert winner.actor.get_full_name() in str(conflicts[0])


def test_concurrent_bulk_actions_record_one_event_per_comment(desk_roles):
    dana = make_user(groups=["Moderators"])
    fox = make_user(groups=["Moderators"])
    comments = [make_comment() for _ in range(30)]
    seen = {c.pk: c.version for c in comments}

    outcomes = race(
        lambda: services.bulk_approve(list(seen), actor=dana, expected=seen),
        lambda: services.bulk_hide(list(seen)[::-1], actor=fox, reason="spam", expected=seen),
    )

    assert sorted(o.changed for o in outcomes) == [0, 30], outcomes
    assert sorted(o.conflicts for o in outcomes) == [0, 30]
    assert ModerationEvent.objects.count() == 30
    assert Comment.objects.filter(version=2).count() == 30
