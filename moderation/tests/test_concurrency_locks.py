"""One change holds a comment's row while another arrives, on PostgreSQL.

Each test commits the first change only once the second is seen waiting for a row lock
(pg_stat_activity), so the order is fixed, not left to thread timing: the second must then
see the first's result. Without the `select_for_update` in the service it reads the row as
it was before the first change and overwrites it (the rule hides an approved comment, a
second reply or edit goes through unchecked), and these tests fail.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from articles.models import Comment
from articles.tests.factory import make_comment, make_user
from moderation import services
from moderation.models import ModerationEvent
from moderation.tests.test_source_decisions import held_import

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent sessions"),
]
Action = ModerationEvent.Action
WAIT_SECONDS = 20


def someone_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        # Asked inside the holder's transaction, which would otherwise keep reading the
        # activity as it was at its first look.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def first_holds_then_second(first, second):
    """Run `first` in a transaction left open until `second` (in another thread) waits for
    a lock or ends; then commit. Returns (first's result, second's result or exception)."""
    first_done, outcomes = threading.Event(), {}

    def run(name, action, hold):
        try:
            with transaction.atomic():
                outcomes[name] = action()
                if hold:
                    first_done.set()
                    deadline = time.monotonic() + WAIT_SECONDS
                    while "second" not in outcomes and time.monotonic() < deadline:
                        if someone_waits_for_a_lock():
                            break
                        time.sleep(0.02)
        except Exception as error:  # the outcome is what the test checks
            outcomes[name] = error
        finally:
            first_done.set()
            connections.close_all()

    holder = threading.Thread(target=run, args=("first", first, True))
    holder.start()
    assert first_done.wait(WAIT_SECONDS)
    other = threading.Thread(target=run, args=("second", second, False))
    other.start()
    holder.join(WAIT_SECONDS)
    other.join(WAIT_SECONDS)
    return outcomes.get("first"), outcomes.get("second")


def events(comment, action=None):
    found = ModerationEvent.objects.filter(comment=comment)
    return list(found.filter(action=action) if action else found)


def test_a_rule_leaves_alone_a_comment_a_moderator_is_deciding(desk_roles):
    moderator = make_user(groups=["Moderators"])
    comment = make_comment()

    _, changed = first_holds_then_second(
        lambda: services.approve(Comment.objects.get(pk=comment.pk), actor=moderator),
        lambda: services.decide_by_rule(
            [comment.pk], rule="banned_words", status="hidden", reason="banned word"
        ),
    )

    assert changed == 0
    assert Comment.objects.get(pk=comment.pk).status == "approved"
    assert [(e.actor_id, e.action) for e in events(comment)] == [(moderator.pk, Action.APPROVE)]


def test_a_second_reply_to_the_same_pending_comment_is_a_conflict(desk_roles):
    dana = make_user(groups=["Moderators"], first_name="Dana")
    fox = make_user(groups=["Moderators"], first_name="Fox")
    comment = make_comment()
    seen = comment.version

    first, second = first_holds_then_second(
        lambda: services.reply(comment, actor=dana, body="Thanks!", expected_version=seen),
        lambda: services.reply(comment, actor=fox, body="Noted.", expected_version=seen),
    )

    assert isinstance(first, Comment)
    assert isinstance(second, services.ModerationConflict), second
    replies = Comment.objects.filter(parent=comment, is_staff_reply=True)
    assert [r.source_body for r in replies] == ["Thanks!"]
    assert len(events(comment, Action.APPROVE)) == 1


def test_an_edit_from_a_second_tab_does_not_overwrite_the_first(desk_roles):
    dana = make_user(groups=["Moderators"], first_name="Dana")
    staff_reply = services.reply(make_comment(status="approved"), actor=dana, body="Thanks!")
    seen = staff_reply.version

    first, second = first_holds_then_second(
        lambda: services.edit_reply(
            staff_reply, actor=dana, body="Thanks, fixed.", expected_version=seen
        ),
        lambda: services.edit_reply(
            staff_reply, actor=dana, body="Thanks, corrected.", expected_version=seen
        ),
    )

    assert isinstance(first, Comment)
    assert isinstance(second, services.ModerationConflict), second
    assert Comment.objects.get(pk=staff_reply.pk).source_body == "Thanks, fixed."
    assert len(events(staff_reply, Action.EDIT_REPLY)) == 1


def test_two_moderators_accepting_one_imports_statuses_decide_once(desk_roles):
    dana = make_user(groups=["Moderators"])
    fox = make_user(groups=["Moderators"])
    comments = [make_comment() for _ in range(3)]
    run = held_import(**{"hidden:spam": comments})

    first, second = first_holds_then_second(
        lambda: services.accept_source_statuses(run, actor=dana),
        lambda: services.accept_source_statuses(run, actor=fox),
    )

    assert first.changed == 3
    assert isinstance(second, ValidationError), second
    assert ModerationEvent.objects.count() == 3
    assert set(ModerationEvent.objects.values_list("actor_id", flat=True)) == {dana.pk}
