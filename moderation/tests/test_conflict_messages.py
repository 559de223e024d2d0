"""What a moderator reads when someone (or something) got there first."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.tests.factory import make_comment, make_user
from moderation import services

pytestmark = pytest.mark.django_db


def test_a_change_without_a_decision_names_the_status_now(moderator_client):
    comment = make_comment(version=2)  # a re-import changed it: no event to name

    response = moderator_client.post(
        reverse("moderation:approve", args=[comment.pk]), {"version": 1}, follow=True
    )

    assert "This comment changed meanwhile; it is now pending." in response.content.decode()


def test_a_decision_by_someone_without_a_full_name_names_their_username(moderator):
    comment = make_comment()
    services.hide(comment, actor=make_user("kim", groups=["Moderators"]), reason="spam")

    with pytest.raises(services.ModerationConflict) as conflict:
        services.approve(comment, actor=moderator, expected_version=1)

    assert str(conflict.value) == "Hidden by kim just now."


@pytest.mark.parametrize(
    ("elapsed", "wording"),
    [
        (timedelta(seconds=59), "just now"),
        (timedelta(seconds=60), "1 minute ago"),
        (timedelta(hours=2, minutes=5), "2 hours ago"),
        (timedelta(days=3, hours=23), "3 days ago"),
    ],
)
def test_how_long_ago_in_the_coarsest_unit(elapsed, wording):
    now = timezone.now()

    assert services.time_ago(now - elapsed, now) == wording
