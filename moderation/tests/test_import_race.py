"""An import and a moderator at once, on PostgreSQL: the import locks what it may update."""

import threading

import pytest
from django.db import connection, connections

from articles.importers.comment_rows import CommentRows
from articles.importers.service import import_file
from articles.models import Comment
from articles.tests.factory import make_user
from moderation import services
from moderation.models import ModerationEvent

from .import_files import moderato_comment, moderato_file

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent sessions"),
]
LOCK_WAIT_SECONDS = 2  # how long the import waits for the moderator before going on


def test_a_decision_made_during_an_import_is_neither_overwritten_nor_lost(
    desk_roles, tmp_path, monkeypatch
):
    dana = make_user(groups=["Moderators"], first_name="Dana", last_name="Scully")
    import_file(
        moderato_file(tmp_path / "first.json", [moderato_comment("a", "<p>Hi</p>")]),
    )
    comment = Comment.objects.get()
    assert (comment.status, comment.version) == ("pending", 1)
    # The source's newer export: it now calls the comment spam, with other text.
    newer = moderato_file(
        tmp_path / "newer.json",
        [moderato_comment("a", "<p>Hi!</p>", status="hidden", hidden_reason="spam")],
    )
    moderator_done = threading.Event()
    outcome = {}

    def moderator_hides():
        try:
            outcome["event"] = services.hide(
                Comment.objects.get(pk=comment.pk), actor=dana, reason="abuse"
            )
        except Exception as error:  # the outcome is what the test checks
            outcome["error"] = error
        finally:
            connections.close_all()
            moderator_done.set()

    original = CommentRows.apply_changes
    moderator = threading.Thread(target=moderator_hides)

    def apply_changes_while_a_moderator_acts(self, stored, values):
        # The import has read the comment; the moderator acts now, in their own session.
        if not moderator.is_alive() and not moderator_done.is_set():
            moderator.start()
            moderator_done.wait(LOCK_WAIT_SECONDS)  # returns at once without the row lock
        return original(self, stored, values)

    monkeypatch.setattr(CommentRows, "apply_changes", apply_changes_while_a_moderator_acts)

    import_file(newer)
    moderator.join(timeout=30)

    assert "error" not in outcome, outcome
    comment.refresh_from_db()
    # The import wrote first (version 2); the moderator's decision came after, on top.
    assert (comment.status, comment.hidden_reason, comment.body) == (
        "hidden",
        "abuse",
        "<p>Hi!</p>",
    )
    assert comment.moderated_at is not None
    assert comment.version == 3
    event = ModerationEvent.objects.get()
    assert (event.actor, event.status_before, event.status_after) == (dana, "hidden", "hidden")
