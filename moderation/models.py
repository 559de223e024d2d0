from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
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
