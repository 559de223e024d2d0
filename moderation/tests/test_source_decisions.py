"""What imports bring to the desk: a rewritten approved comment, one the source deleted, and
the statuses an Editor's file carried, accepted by a moderator."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.importers.service import import_file
from articles.models import Comment, ImportRun
from articles.tests.factory import make_article, make_comment
from moderation import services
from moderation.models import ModerationEvent

from .import_files import moderato_comment, moderato_file

pytestmark = pytest.mark.django_db
AUTHOR = {"author_name": "Reader", "author_url": "https://reader.example/"}


def history(comment):
    """The comment page's history, newest first: who, what, from, to, reason, note."""
    return [
        (e.actor_name, e.action, e.status_before, e.status_after, e.reason, e.note)
        for e in comment.events.select_related("actor")
    ]


# --- the source rewrote what a person approved ----------------------------------------------


def reimported(moderator, tmp_path, **changed):
    """Comment "a", approved by a person, then imported again with `changed` fields."""
    first = {"body": "<p>Original words.</p>", **AUTHOR}
    import_file(moderato_file(tmp_path / "first.json", [moderato_comment("a", **first)]))
    comment = Comment.objects.get(external_id="a")
    services.approve(comment, actor=moderator)
    again = moderato_file(tmp_path / "again.json", [moderato_comment("a", **{**first, **changed})])
    import_file(again)
    comment.refresh_from_db()
    return comment


def test_a_rewrite_of_text_and_author_lists_every_change_and_the_old_values(moderator, tmp_path):
    comment = reimported(
        moderator,
        tmp_path,
        body="<p>New words.</p>",
        author_name="Someone Else",
        author_url="https://else.example/",
    )

    assert comment.status == "pending"
    assert history(comment)[0] == (
        "Automatic (import)",
        "text_changed_at_source",
        "approved",
        "pending",
        "",
        "Changed at source: author name, author url, body."
        " Back to pending for a person to read again.\n"
        "Before:\nauthor name: Reader\nauthor url: https://reader.example/\n"
        "Previous text:\n<p>Original words.</p>",
    )


def test_a_rewrite_of_the_name_alone_lists_only_the_name(moderator, tmp_path):
    comment = reimported(moderator, tmp_path, author_name="Someone Else")

    assert history(comment)[0][-1] == (
        "Changed at source: author name. Back to pending for a person to read again.\n"
        "Before:\nauthor name: Reader"
    )


def test_a_rewrite_of_the_text_alone_gives_the_previous_text(moderator, tmp_path):
    comment = reimported(moderator, tmp_path, body="<p>New words.</p>")

    assert history(comment)[0][-1] == (
        "Changed at source: body. Back to pending for a person to read again.\n"
        "Previous text:\n<p>Original words.</p>"
    )


def test_a_body_cleaned_differently_now_says_so_rather_than_blaming_the_source(moderator, tmp_path):
    source = {"body": "<p>Use x<y when sorting.</p>", **AUTHOR}
    import_file(moderato_file(tmp_path / "first.json", [moderato_comment("a", **source)]))
    comment = Comment.objects.get(external_id="a")
    # As an older sanitiser stored it: the stray "<" erased the reader's words.
    Comment.objects.filter(pk=comment.pk).update(body="<p>Use x</p>")
    services.approve(Comment.objects.get(pk=comment.pk), actor=moderator)

    import_file(moderato_file(tmp_path / "again.json", [moderato_comment("a", **source)]))

    comment.refresh_from_db()
    assert (comment.status, comment.body) == ("pending", "<p>Use x&lt;y when sorting.</p>")
    assert history(comment)[0][-1] == (
        "Shown differently after an update to how comments are cleaned (the source's text is"
        " the same). Back to pending for a person to read again.\n"
        "Previous text:\n<p>Use x</p>"
    )


# --- the source deleted what a person approved ---------------------------------------------


def removed_at_source():
    return make_comment(status="approved", moderated_at=timezone.now(), removed_at_source=True)


def test_hiding_a_comment_removed_at_source_records_why_and_clears_the_flag(moderator_client):
    comment, other = removed_at_source(), removed_at_source()

    response = moderator_client.post(
        reverse("moderation:hide_removed", args=[comment.pk]),
        {"version": comment.version},
        follow=True,
    )

    assert "Hid the comment by" in response.content.decode()
    comment.refresh_from_db()
    assert (comment.status, comment.hidden_reason, comment.removed_at_source) == (
        "hidden",
        "removed_at_source",
        False,
    )
    assert history(comment) == [
        ("Dana Scully", "hide", "approved", "hidden", "removed_at_source", "Removed at source")
    ]
    other.refresh_from_db()  # still flagged on the desk: nobody has handled it yet
    assert (other.status, other.removed_at_source) == ("approved", True)


def test_a_comment_hidden_as_removed_and_restored_is_not_flagged_again(moderator):
    comment = removed_at_source()

    event = services.hide_removed_at_source(comment, actor=moderator)

    # The caller's object says what is stored, like every decision's.
    assert (comment.status, comment.removed_at_source, comment.version) == ("hidden", False, 2)
    assert event.reason == "removed_at_source"
    services.restore(comment, actor=moderator)
    assert Comment.objects.filter(removed_at_source=True).count() == 0


def test_hiding_a_removed_comment_someone_changed_meanwhile_is_a_conflict(moderator):
    comment = removed_at_source()
    seen = comment.version
    services.restore(comment, actor=moderator)

    with pytest.raises(services.ModerationConflict):
        services.hide_removed_at_source(comment, actor=moderator, expected_version=seen)

    comment.refresh_from_db()
    assert (comment.status, comment.removed_at_source) == ("pending", True)


# --- accepting the statuses an Editor's file carried ---------------------------------------


def held_import(**held):
    """An Editor's import whose new comments came in pending, the file's statuses held."""
    finished_at = timezone.now() - timedelta(minutes=5)
    return ImportRun.objects.create(
        file_name="decided.json",
        format="moderato",
        finished_at=finished_at,
        succeeded=True,
        source_statuses=ImportRun.SourceStatuses.HELD,
        held_statuses={key: [c.pk for c in comments] for key, comments in held.items()},
    )


def test_accepting_gives_each_comment_the_files_status_as_the_moderators_decision(moderator):
    make_article(), make_article()  # comment ids differ from article ids
    article = make_article()
    fine, spam, abuse = (make_comment(article) for _ in range(3))
    already = make_comment(article, status="approved")  # as the file says, nobody decided
    run = held_import(
        **{"approved": [fine, already], "hidden:spam": [spam], "hidden:abuse": [abuse]}
    )

    result = services.accept_source_statuses(run, actor=moderator)

    assert (result.changed, result.unchanged, result.conflicts) == (3, 1, 0)
    statuses = [(c.status, c.hidden_reason) for c in Comment.objects.order_by("pk")]
    assert statuses == [("approved", ""), ("hidden", "spam"), ("hidden", "abuse"), ("approved", "")]
    note = f"Accepted the source's status (import #{run.pk}, decided.json)"
    assert history(fine) == [("Dana Scully", "approve", "pending", "approved", "", note)]
    assert history(spam) == [("Dana Scully", "hide", "pending", "hidden", "spam", note)]
    assert history(abuse) == [("Dana Scully", "hide", "pending", "hidden", "abuse", note)]
    assert not already.events.exists()
    run.refresh_from_db()
    assert (run.source_statuses, run.statuses_decided_by) == ("accepted", moderator)
    assert run.statuses_decided_at >= run.finished_at


def test_accepting_leaves_what_a_person_decided_after_the_import(moderator):
    kept, decided = make_comment(), make_comment()
    run = held_import(**{"hidden:spam": [kept, decided]})
    services.approve(decided, actor=moderator)

    result = services.accept_source_statuses(run, actor=moderator)

    assert (result.changed, result.unchanged, result.conflicts) == (1, 0, 1)
    assert Comment.objects.get(pk=decided.pk).status == "approved"


def test_accepted_statuses_cannot_be_accepted_twice(moderator):
    comment = make_comment()
    run = held_import(approved=[comment])
    held_import(approved=[make_comment()])  # another import, still held
    drawn = ImportRun.objects.get(pk=run.pk)  # a second page drawn before the first accepts
    services.accept_source_statuses(run, actor=moderator)
    services.restore(comment, actor=moderator)

    with pytest.raises(ValidationError) as refused:
        services.accept_source_statuses(drawn, actor=moderator)

    assert refused.value.messages == ["This import has no statuses waiting to be accepted."]
    assert Comment.objects.get(pk=comment.pk).status == "pending"


def test_an_editor_cannot_accept_the_files_statuses(editor):
    comment = make_comment()
    run = held_import(approved=[comment])

    with pytest.raises(PermissionDenied):
        services.accept_source_statuses(run, actor=editor)

    assert Comment.objects.get().status == "pending" and not ModerationEvent.objects.exists()
    run.refresh_from_db()
    assert (run.source_statuses, run.statuses_decided_by) == ("held", None)
