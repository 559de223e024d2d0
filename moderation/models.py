from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models import Comment

from .triage.models import CommentTriage, LearnedModel, Rule, TriageRules

__all__ = ["CommentTriage", "LearnedModel", "ModerationEvent", "Rule", "TriageRules"]


class ModerationEventQuerySet(models.QuerySet):
    # The log is append-only: bulk edits and deletes are refused at the ORM level too.
    def update(self, **kwargs):
        raise PermissionDenied("Moderation events cannot be changed.")

    def delete(self):
        raise PermissionDenied("Moderation events cannot be deleted.")


class ModerationEvent(models.Model):
    """One decision on a comment. Append-only: nothing edits or deletes it."""

    class Action(models.TextChoices):
        APPROVE = "approve", "Approved"
        HIDE = "hide", "Hidden"
        RESTORE = "restore", "Returned to pending"
        REPLY = "reply", "Replied as staff"
        EDIT_REPLY = "edit_reply", "Edited staff reply"
        TEXT_CHANGED_AT_SOURCE = "text_changed_at_source", "Text changed at source"

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="events")
    # Empty for automatic events: an import's, or a triage rule's (named in `rule`).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moderation_events",
    )
    rule = models.CharField(max_length=30, choices=Rule, blank=True)
    action = models.CharField(max_length=30, choices=Action)
    status_before = models.CharField(max_length=10, choices=Comment.Status)
    status_after = models.CharField(max_length=10, choices=Comment.Status)
    reason = models.CharField(max_length=30, choices=Comment.HiddenReason, blank=True)
    note = models.TextField(blank=True)
    # For a reply: the staff comment it created; for an edit: the reply edited.
    related_comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ModerationEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("moderate_comments", "Can approve and hide comments"),
            ("reply_as_staff", "Can reply to comments as staff"),
        ]
        indexes = [models.Index(fields=["comment", "-created_at"], name="event_comment_recent")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor_name} on comment {self.comment_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("Moderation events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Moderation events cannot be deleted.")

    @property
    def actor_name(self) -> str:
        """Who acted, by full name (never a login name when there is one); for automatic
        events the triage rule that decided, else "Automatic (import)"."""
        if self.actor is None:
            if self.rule:
                return f"rule “{self.get_rule_display()}”"
            return "Automatic (import)"
        return self.actor.get_full_name() or self.actor.get_username()


class DailyDecisionCount(models.Model):
    """Decisions per day, person (none: automatic), action and reason.

    Kept current by the services in the same transaction as each event, so the
    dashboard reads a few hundred rows instead of a million events. `reversals`
    counts the decisions among them that undid an approve or hide made within
    the previous `REVERSAL_WINDOW` (see `moderation/rollup.py`).
    """

    day = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=30, choices=ModerationEvent.Action)
    reason = models.CharField(max_length=30, choices=Comment.HiddenReason, blank=True)
    decisions = models.PositiveIntegerField(default=0)
    reversals = models.PositiveIntegerField(default=0)

    class Meta:
        permissions = [("view_dashboard", "Can view the moderation dashboard")]
        # Two partial constraints because NULLs never conflict in a plain unique index;
        # the services' upserts name the one they target.
        constraints = [
            models.UniqueConstraint(
                fields=["day", "actor", "action", "reason"],
                condition=Q(actor__isnull=False),
                name="daily_count_unique_person",
            ),
            models.UniqueConstraint(
                fields=["day", "action", "reason"],
                condition=Q(actor__isnull=True),
                name="daily_count_unique_automatic",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.decisions} × {self.action} {self.reason}".strip()


class FirstDecision(models.Model):
    """When a pending comment was first approved or hidden, and how long it had waited."""

    comment = models.OneToOneField(
        Comment, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    decided_at = models.DateTimeField()
    # The local day of `decided_at`, stored so the per-day percentiles read one index in
    # order (an index-only scan, no sort of the whole period, no time-zone maths per row).
    day = models.DateField()
    waited_seconds = models.PositiveBigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "waited_seconds"], name="first_decision_day_wait")]

    def __str__(self) -> str:
        return f"comment {self.comment_id} decided after {self.waited_seconds} s"


class DailyWaits(models.Model):
    """A closed day's time to first decision, as `dashboard.wait_figures` computed it once.

    First decisions are dated when they are made, so a day two days past gets no new one and its
    percentiles stay true: the page reads them here instead of sorting that day's waits again.
    `rollup` drops a day's row should a first decision be dated that far back, and `rebuild()`
    drops them all.
    """

    day = models.DateField(primary_key=True)
    decided = models.PositiveIntegerField()
    median_seconds = models.FloatField(null=True)
    p90_seconds = models.FloatField(null=True)

    def __str__(self) -> str:
        return f"{self.day}: {self.decided} first decisions"


class SentEmail(models.Model):
    """When a mail that must not repeat too often (the queue alert, the daily digest) was last
    sent: a row every app process and worker locks and reads, never process memory."""

    name = models.CharField(max_length=40, unique=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} last sent {self.last_sent_at}"


class DeskEmailSettings(models.Model):
    """A desk user's own choice of emails; no row means both are wanted."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_email_settings"
    )
    daily_digest = models.BooleanField("Email me the daily digest", default=True)
    queue_alerts = models.BooleanField(
        "Email me when the oldest pending comment has waited too long", default=True
    )

    def __str__(self) -> str:
        return f"email settings of {self.user}"
