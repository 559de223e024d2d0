"""A small, hand-made history for the dashboard's tests: every figure is known in advance.

Today is D = 10 March 2026 and "now" is D 12:00 UTC. Times are (days before D, "HH:MM").
"""

from datetime import UTC, date, datetime, timedelta

from articles.models import Comment, ImportRun
from articles.tests.factory import make_article, make_comment, make_user
from moderation import rollup
from moderation.models import ModerationEvent

D = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
Action = ModerationEvent.Action
Status = Comment.Status


def at(days_before: int, hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    day = D - timedelta(days=days_before)
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=UTC)


def event(comment, actor, action, when, reason=""):
    """Record a decision as the services would have, and leave the comment in its new state."""
    after = {
        Action.APPROVE: Status.APPROVED,
        Action.HIDE: Status.HIDDEN,
        Action.RESTORE: Status.PENDING,
    }[action]
    ModerationEvent.objects.create(
        comment=comment,
        actor=actor,
        action=action,
        status_before=comment.status,
        status_after=after,
        reason=reason,
        created_at=when,
    )
    comment.status, comment.hidden_reason = after, reason
    comment.save(update_fields=["status", "hidden_reason"])


def build_history(moderator):
    """Returns the people, articles and comments by the names the tests use."""
    fox = make_user("fox", groups=["Moderators"], first_name="Fox", last_name="Mulder")
    busy = make_article(title="Tram line approved")
    quiet = make_article(title="Storm closes the harbour")
    c = {}
    for name, arrived in {
        "c1": at(2, "08:00"),
        "c2": at(2, "08:00"),
        "c3": at(1, "06:00"),
        "c4": at(1, "00:00"),
        "c6": at(10, "01:00"),
        "c7": at(0, "00:30"),
        "c8": at(9, "00:00"),
    }.items():
        c[name] = make_comment(busy if name == "c7" else quiet, created_at=arrived)
    # Still pending, never decided.
    c["c9"] = make_comment(busy, created_at=at(0, "10:00"))
    c["c10"] = make_comment(quiet, created_at=at(1, "06:00"))
    c["c11"] = make_comment(busy, created_at=at(0, "11:55"))

    event(c["c1"], moderator, Action.APPROVE, at(2, "09:00"))  # waited 1 h
    event(c["c2"], moderator, Action.HIDE, at(2, "10:00"), "spam")  # waited 2 h
    event(c["c2"], fox, Action.APPROVE, at(1, "10:00"))  # reversal: a day after the hide
    event(c["c3"], None, Action.HIDE, at(1, "06:30"), "abuse")  # automatic, waited 30 min
    event(c["c4"], fox, Action.HIDE, at(1, "12:00"), "off_topic")  # waited 12 h
    event(c["c6"], moderator, Action.APPROVE, at(10, "02:00"))  # outside the week
    event(c["c7"], moderator, Action.APPROVE, at(0, "01:00"))  # waited 30 min
    event(c["c7"], moderator, Action.RESTORE, at(0, "01:05"))  # undo: a reversal
    event(c["c8"], moderator, Action.APPROVE, at(9, "01:00"))
    event(c["c8"], fox, Action.HIDE, at(0, "09:00"), "spam")  # 9 days later: not a reversal

    ImportRun.objects.create(
        file_name="a.xml",
        format="wxr",
        started_at=at(1, "05:00"),
        succeeded=True,
        counts={"comments_created": 5, "created_by_status": {"pending": 3, "approved": 2}},
    )
    ImportRun.objects.create(
        file_name="b.xml", format="wxr", started_at=at(1, "07:00"), error="Not XML."
    )
    ImportRun.objects.create(
        file_name="old.xml", format="wxr", started_at=at(20, "07:00"), succeeded=True
    )
    rollup.rebuild()
    return {"fox": fox, "busy": busy, "quiet": quiet, **c}
