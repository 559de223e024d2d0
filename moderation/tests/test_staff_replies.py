"""Staff replies: who may write and edit them, their limits, their history, what readers see."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from articles.models import Comment
from articles.tests.factory import make_comment, make_user
from moderation import services
from moderation.models import ModerationEvent

pytestmark = pytest.mark.django_db
LIMIT = "A reply can be at most 10,000 characters."


def history(comment):
    return list(
        ModerationEvent.objects.filter(comment=comment)
        .order_by("id")
        .values_list("action", "status_before", "status_after")
    )


def snapshot():
    return (
        list(Comment.objects.order_by("pk").values_list("pk", "status", "body", "version")),
        ModerationEvent.objects.count(),
    )


@pytest.fixture
def moderator_who_cannot_reply(db):
    return make_user("mo", is_staff=True, perms=["moderation.moderate_comments"])


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["pending", "approved"])
def test_a_moderator_without_the_reply_right_cannot_reply(moderator_who_cannot_reply, status):
    comment = make_comment(status=status)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.reply(comment, actor=moderator_who_cannot_reply, body="Thanks")

    assert snapshot() == before


def test_the_admin_refuses_a_reply_from_someone_without_the_right(client):
    admin_user = make_user(
        is_staff=True, perms=["articles.view_comment", "moderation.moderate_comments"]
    )
    comment = make_comment(status="approved")
    client.force_login(admin_user)
    before = snapshot()

    response = client.post(
        reverse("admin:articles_comment_decide", args=[comment.pk]),
        {"decision": "reply", "body": "Thanks"},
    )

    assert response.status_code == 403
    assert snapshot() == before


def test_an_author_who_lost_the_reply_right_cannot_edit(moderator):
    staff_reply = services.reply(make_comment(status="approved"), actor=moderator, body="Ours")
    moderator.groups.remove(Group.objects.get(name="Moderators"))
    author = type(moderator).objects.get(pk=moderator.pk)  # permissions are cached per object
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.edit_reply(staff_reply, actor=author, body="Changed")

    assert snapshot() == before


def test_a_readers_comment_cannot_be_edited_as_a_reply(moderator):
    comment = make_comment(body="<p>Reader's words</p>", staff_author=moderator)
    before = snapshot()

    with pytest.raises(PermissionDenied, match="Only the author"):
        services.edit_reply(comment, actor=moderator, body="Put in their mouth")

    assert snapshot() == before


def test_a_reply_from_an_older_copy_of_the_comment_sees_what_changed_since(moderator):
    """The copy the caller holds was read before someone hid the comment: the reply checks
    the comment as it is now, not as that copy says."""
    stale_copy = make_comment(status="approved")
    services.hide(Comment.objects.get(pk=stale_copy.pk), actor=moderator, reason="spam")

    with pytest.raises(services.ModerationConflict, match="Hidden by Dana Scully"):
        services.reply(
            stale_copy, actor=moderator, body="Thanks", expected_version=stale_copy.version
        )
    assert not Comment.objects.filter(is_staff_reply=True).exists()


# --- the limit --------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", " \n\t ", None])
def test_an_empty_reply_is_refused_and_says_so(moderator, body):
    comment = make_comment()
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        services.reply(comment, actor=moderator, body=body)

    assert refused.value.messages == ["A reply needs some text."]
    assert snapshot() == before


def test_a_reply_of_exactly_ten_thousand_characters_is_published(moderator):
    text = "x" * 10_000

    staff_reply = services.reply(make_comment(), actor=moderator, body=f"  {text}\n")

    assert staff_reply.source_body == text


def test_a_longer_reply_is_refused_and_says_the_limit(moderator):
    comment = make_comment()
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        services.reply(comment, actor=moderator, body="x" * 10_001)

    assert refused.value.messages == [LIMIT]
    assert snapshot() == before


def test_an_edit_past_the_limit_is_refused(moderator):
    staff_reply = services.reply(make_comment(), actor=moderator, body="Short")
    before = snapshot()

    with pytest.raises(ValidationError, match="at most 10,000"):
        services.edit_reply(staff_reply, actor=moderator, body="x" * 10_001)

    assert snapshot() == before


def test_the_admin_shows_the_limit_when_a_reply_is_too_long(moderator_client):
    comment = make_comment()

    response = moderator_client.post(
        reverse("admin:articles_comment_decide", args=[comment.pk]),
        {"decision": "reply", "body": "x" * 10_001},
        follow=True,
    )

    assert LIMIT in response.content.decode()
    assert not Comment.objects.filter(is_staff_reply=True).exists()


# --- what the history says --------------------------------------------------------------------


def test_a_reply_to_an_approved_comment_is_one_event_without_a_status_change(moderator):
    comment = make_comment(status="approved")

    staff_reply = services.reply(comment, actor=moderator, body="Thanks")

    assert history(comment) == [("reply", "approved", "approved")]
    event = ModerationEvent.objects.get()
    assert (event.actor, event.related_comment) == (moderator, staff_reply)
    assert event.created_at == staff_reply.created_at == staff_reply.moderated_at


def test_a_reply_to_a_pending_comment_approves_it_first(moderator):
    comment = make_comment()

    services.reply(comment, actor=moderator, body="Welcome")

    assert history(comment) == [
        ("approve", "pending", "approved"),
        ("reply", "approved", "approved"),
    ]
    assert ModerationEvent.objects.get(action="approve").note == "Approved on reply"
    comment.refresh_from_db()
    assert (comment.status, comment.version) == ("approved", 2)


def test_a_reply_to_a_hidden_comment_leaves_it_hidden(moderator):
    comment = make_comment(status="hidden", hidden_reason="abuse")

    services.reply(comment, actor=moderator, body="We removed this.")

    assert history(comment) == [("reply", "hidden", "hidden")]
    assert Comment.objects.get(pk=comment.pk).status == "hidden"


def test_a_reply_is_signed_with_the_name_never_the_login_name(moderator):
    nameless = make_user("kim", groups=["Moderators"])
    comment = make_comment(status="approved")

    signed = services.reply(comment, actor=moderator, body="One")
    unsigned = services.reply(comment, actor=nameless, body="Two")

    assert (signed.author_name, unsigned.author_name) == ("Dana Scully", "Newsroom staff")


def test_an_edit_is_recorded_with_the_old_text_and_its_status(moderator):
    staff_reply = services.reply(make_comment(status="approved"), actor=moderator, body="Frist")

    edited = services.edit_reply(staff_reply, actor=moderator, body="  First  ")

    assert (edited.source_body, edited.body) == ("First", "<p>First</p>")
    assert edited.edited_at is not None
    event = ModerationEvent.objects.get(action="edit_reply")
    assert event.actor_name == "Dana Scully"
    assert (event.status_before, event.status_after) == ("approved", "approved")
    assert (event.note, event.related_comment) == ("Previous text:\nFrist", staff_reply)


def test_an_edit_that_changes_nothing_records_nothing(moderator):
    staff_reply = services.reply(make_comment(status="approved"), actor=moderator, body="Same")
    before = snapshot()

    unchanged = services.edit_reply(staff_reply, actor=moderator, body="  Same \n")

    assert snapshot() == before
    assert (unchanged.pk, unchanged.source_body, unchanged.version) == (
        staff_reply.pk,
        "Same",
        staff_reply.version,
    )
    assert Comment.objects.get(pk=staff_reply.pk).edited_at is None


def test_an_edit_makes_pages_drawn_before_it_stale(moderator):
    staff_reply = services.reply(make_comment(status="approved"), actor=moderator, body="Ours")
    seen = staff_reply.version

    services.edit_reply(staff_reply, actor=moderator, body="Ours, edited")

    with pytest.raises(services.ModerationConflict):
        services.hide(staff_reply, actor=moderator, reason="other", note="x", expected_version=seen)
    assert services.hide(
        staff_reply, actor=moderator, reason="other", note="x", expected_version=seen + 1
    )


# --- what readers see -------------------------------------------------------------------------


def test_readers_see_a_reply_and_its_edit_at_once(client, moderator):
    comment = make_comment(status="approved")
    page = comment.article.get_absolute_url()
    assert "Thanks for writing" not in client.get(page).content.decode()  # now cached

    staff_reply = services.reply(comment, actor=moderator, body="Thanks for writing")
    after_reply = client.get(page).content.decode()
    services.edit_reply(staff_reply, actor=moderator, body="Thanks for writing in")
    after_edit = client.get(page).content.decode()

    assert "Thanks for writing" in after_reply
    assert "Thanks for writing in" in after_edit


@pytest.mark.parametrize(
    "decide",
    [
        lambda comment, actor: services.approve(comment, actor=actor),
        lambda comment, actor: services.bulk_approve([comment.pk], actor=actor),
    ],
    ids=["one", "bulk"],
)
def test_readers_see_a_decision_at_once(client, moderator, decide):
    comment = make_comment(body="<p>Waiting to be read</p>")
    page = comment.article.get_absolute_url()
    assert "Waiting to be read" not in client.get(page).content.decode()  # now cached

    decide(comment, moderator)

    assert "Waiting to be read" in client.get(page).content.decode()
