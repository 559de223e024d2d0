"""Bulk decisions as moderators meet them: what is stored, what other pages then see, who may."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Comment
from articles.tests.factory import make_article, make_comment, make_user
from moderation import services
from moderation.models import ModerationEvent

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:articles_comment_changelist")


def snapshot():
    return (
        list(
            Comment.objects.order_by("pk").values_list("pk", "status", "hidden_reason", "version")
        ),
        ModerationEvent.objects.count(),
    )


@pytest.fixture
def fox(db):
    return make_user("fox", groups=["Moderators"], first_name="Fox", last_name="Mulder")


def test_bulk_hide_stores_the_reason_and_note_in_the_history(moderator):
    waiting, shown = make_comment(), make_comment(status="approved")

    result = services.bulk_hide(
        [waiting.pk, shown.pk], actor=moderator, reason="abuse", note="  Threats  "
    )

    assert (result.changed, result.unchanged, result.conflicts) == (2, 0, 0)
    assert set(Comment.objects.values_list("status", "hidden_reason")) == {("hidden", "abuse")}
    history = ModerationEvent.objects.order_by("comment_id").values_list(
        "comment_id",
        "actor_id",
        "rule",
        "action",
        "status_before",
        "status_after",
        "reason",
        "note",
    )
    assert list(history) == [  # a person's decision: no rule named
        (waiting.pk, moderator.pk, "", "hide", "pending", "hidden", "abuse", "Threats"),
        (shown.pk, moderator.pk, "", "hide", "approved", "hidden", "abuse", "Threats"),
    ]


def test_bulk_approve_clears_the_hidden_reason(moderator):
    comment = make_comment(status="hidden", hidden_reason="spam")

    services.bulk_approve([comment.pk], actor=moderator, note="Not spam after all")

    assert Comment.objects.values_list("status", "hidden_reason").get() == ("approved", "")
    event = ModerationEvent.objects.get()
    assert (event.action, event.reason, event.note) == ("approve", "", "Not spam after all")


def test_bulk_decision_time_is_when_it_was_made(moderator):
    comment = make_comment()
    before = timezone.now()

    services.bulk_approve([comment.pk], actor=moderator)

    comment.refresh_from_db()
    event = ModerationEvent.objects.get()
    assert before <= comment.moderated_at <= timezone.now()
    assert event.created_at == comment.moderated_at


def test_a_page_drawn_before_a_bulk_decision_sees_it(moderator, fox):
    """Fox's bulk hide lands after Dana's page was drawn: her "all matching" skips it."""
    comment, untouched = make_comment(), make_comment()
    drawn_at = timezone.now()
    services.bulk_hide([comment.pk], actor=fox, reason="spam")

    result = services.bulk_approve(
        [comment.pk, untouched.pk], actor=moderator, unchanged_since=drawn_at
    )

    assert (result.changed, result.conflicts) == (1, 1)
    assert Comment.objects.get(pk=comment.pk).status == "hidden"


def test_a_decision_made_before_the_page_was_drawn_is_no_conflict(moderator, fox):
    comment = make_comment()
    services.bulk_hide([comment.pk], actor=fox, reason="spam")
    drawn_at = timezone.now()

    result = services.bulk_approve([comment.pk], actor=moderator, unchanged_since=drawn_at)

    assert (result.changed, result.conflicts) == (1, 0)


def test_a_bulk_decision_makes_older_pages_stale_and_newer_ones_current(moderator, fox):
    comment = make_comment()
    seen = comment.version
    services.bulk_hide([comment.pk], actor=fox, reason="spam")

    with pytest.raises(services.ModerationConflict, match="Hidden by Fox Mulder"):
        services.approve(comment, actor=moderator, expected_version=seen)
    stale = services.bulk_approve([comment.pk], actor=moderator, expected={comment.pk: seen})
    fresh = services.approve(comment, actor=moderator, expected_version=seen + 1)

    assert (stale.changed, stale.conflicts) == (0, 1)
    assert fresh is not None and Comment.objects.get().status == "approved"


def test_comments_already_in_the_state_are_counted_not_recorded(moderator):
    pending, approved = make_comment(), make_comment(status="approved")

    result = services.bulk_approve([pending.pk, approved.pk, pending.pk], actor=moderator)

    assert (result.changed, result.unchanged, result.conflicts) == (1, 1, 0)
    assert list(ModerationEvent.objects.values_list("comment_id", flat=True)) == [pending.pk]
    assert Comment.objects.get(pk=approved.pk).version == approved.version


def test_hidden_for_another_reason_is_a_change(moderator):
    comment = make_comment(status="hidden", hidden_reason="spam")

    result = services.bulk_hide([comment.pk], actor=moderator, reason="duplicate")

    assert (result.changed, result.unchanged) == (1, 0)
    assert Comment.objects.get().hidden_reason == "duplicate"


def test_the_desk_says_how_many_already_were(moderator_client):
    pending, approved = make_comment(), make_comment(status="approved")
    selected = [f"{pending.pk}:{pending.version}", f"{approved.pk}:{approved.version}"]

    response = moderator_client.post(
        reverse("moderation:bulk"), {"decision": "approve", "selected": selected}, follow=True
    )

    assert "Approved 1 comment. 1 already were." in response.content.decode()


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("approve_selected", {}, "Approved 1; 2 already were."),
        ("hide_selected", {"reason": "spam"}, "Hid 3; 0 already were."),
    ],
)
def test_the_admin_says_how_many_already_were(moderator_client, action, data, message):
    ids = [
        make_comment().pk,
        make_comment(status="approved").pk,
        make_comment(status="approved").pk,
    ]

    response = moderator_client.post(
        CHANGELIST, {"action": action, "_selected_action": ids, **data}, follow=True
    )

    assert message in response.content.decode()


@pytest.mark.parametrize(
    "decide",
    [
        lambda ids, actor: services.bulk_approve(ids, actor=actor),
        lambda ids, actor: services.bulk_hide(ids, actor=actor, reason="spam"),
    ],
    ids=["approve", "hide"],
)
@pytest.mark.parametrize("persona", ["staff_without_role", "editor"])
def test_bulk_without_the_moderate_right_is_refused_and_changes_nothing(decide, persona, request):
    actor = request.getfixturevalue(persona)
    ids = [make_comment().pk, make_comment(status="hidden", hidden_reason="spam").pk]
    before = snapshot()

    with pytest.raises(PermissionDenied):
        decide(ids, actor)

    assert snapshot() == before


def test_bulk_by_nobody_is_refused():
    comment = make_comment()

    with pytest.raises(PermissionDenied):
        services.bulk_approve([comment.pk], actor=None)
    assert Comment.objects.get().status == "pending"


@pytest.mark.parametrize(
    ("reason", "note", "message"),
    [
        ("", "", "Choose a reason for hiding ('' is not one)."),
        ("removed_at_source", "", "Choose a reason for hiding ('removed_at_source' is not one)."),
        ("banned_word", "", "Choose a reason for hiding ('banned_word' is not one)."),
        ("because", "", "Choose a reason for hiding ('because' is not one)."),
        ("other", "", "Say why in a note when the reason is “other”."),
        ("other", "   ", "Say why in a note when the reason is “other”."),
    ],
)
def test_bulk_hide_without_a_valid_reason_is_refused(moderator, reason, note, message):
    comment = make_comment()
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        services.bulk_hide([comment.pk], actor=moderator, reason=reason, note=note)

    assert refused.value.messages == [message]

    assert snapshot() == before


def test_bulk_hide_for_another_reason_with_a_note(moderator):
    comment = make_comment()

    services.bulk_hide([comment.pk], actor=moderator, reason="other", note="Libel")

    assert Comment.objects.values_list("hidden_reason").get() == ("other",)
    assert ModerationEvent.objects.get().note == "Libel"


def test_bulk_over_more_than_one_chunk_changes_every_comment(moderator, monkeypatch):
    monkeypatch.setattr(services, "BULK_CHUNK", 2)
    comments = [make_comment() for _ in range(5)]

    result = services.bulk_hide([c.pk for c in comments], actor=moderator, reason="spam")

    assert (result.changed, result.unchanged, result.conflicts) == (5, 0, 0)
    assert Comment.objects.filter(status="hidden").count() == 5
    assert ModerationEvent.objects.filter(action="hide").count() == 5


def test_readers_of_each_article_in_a_bulk_decision_see_it_at_once(client, moderator):
    # Articles outnumber comments, so comment ids and article ids differ: each decision must
    # refresh its comment's article page, not the page of an article with the comment's id.
    [make_article() for _ in range(3)]
    articles = [make_article(), make_article()]
    comments = [make_comment(a, body=f"<p>Words for {a.title}</p>") for a in articles]
    pages = [a.get_absolute_url() for a in articles]
    assert not any("Words for" in client.get(p).content.decode() for p in pages)  # now cached

    services.bulk_approve([c.pk for c in comments], actor=moderator)

    for article, page in zip(articles, pages, strict=True):
        assert f"Words for {article.title}" in client.get(page).content.decode()
