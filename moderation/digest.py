"""The daily digest and the queue-age alert: plain functions, run by commands (and jobs).

Mail goes through Django's configured backend (`EMAIL_*` settings, console by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles.models import Comment

from . import dashboard
from .dashboard import Period
from .models import CommentTriage, ModerationEvent, Rule, SentEmail

Action = ModerationEvent.Action

MODERATORS_GROUP = "Moderators"
QUEUE_AGE_ALERT = "queue-age"
DAILY_DIGEST = "daily-digest"


@dataclass
class Digest:
    day: datetime
    queue: dashboard.QueueNow
    oldest_waited_seconds: float | None
    yesterday: dashboard.DayDecisions
    moderators: list[dashboard.ModeratorFigures]
    desk_url: str
    dashboard_url: str
    settings_url: str
    held_by_rule: list[tuple[str, str, int]]  # (rule, label, pending comments it holds)
    decided_by_rules: list[tuple[str, str, int]]  # (rule label, action label, yesterday)


def held_by_rule() -> list[tuple[str, str, int]]:
    """Pending comments the triage rules hold, per rule (one held by two rules counts twice)."""
    holding = [rule for rule in Rule if rule != Rule.TRUSTED_AUTHOR]  # that one never holds
    counts = CommentTriage.objects.filter(comment__status=Comment.Status.PENDING).aggregate(
        **{
            rule.value: Count("pk", filter=Q(marker_rules__contains=f",{rule.value},"))
            for rule in holding
        }
    )
    return [(rule.value, rule.label, counts[rule.value]) for rule in holding if counts[rule.value]]


def decided_by_rules(day: Period) -> list[tuple[str, str, int]]:
    """What the rules approved or hid themselves on `day` (events with no actor and a rule)."""
    rows = (
        ModerationEvent.objects.filter(
            actor__isnull=True,
            created_at__gte=day.starts_at,
            created_at__lt=day.ends_before,
        )
        .exclude(rule="")
        .values_list("rule", "action")
        .annotate(n=Count("pk"))
        .order_by("rule", "action")
    )
    return [(Rule(rule).label, Action(action).label, n) for rule, action, n in rows]


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def build_digest(now: datetime | None = None) -> Digest:
    """The queue now, what the rules hold, yesterday's decisions (five queries)."""
    now = now or timezone.now()
    yesterday = dashboard.Period.ending(timezone.localdate(now) - timedelta(days=1), 1)
    decisions = dashboard.decision_figures(yesterday)
    queue = dashboard.queue_now(now)
    return Digest(
        day=yesterday.first,
        queue=queue,
        oldest_waited_seconds=(now - queue.oldest).total_seconds() if queue.oldest else None,
        yesterday=decisions.days[0],
        moderators=decisions.moderators,
        desk_url=absolute(reverse("moderation:queue")),
        dashboard_url=absolute(reverse("moderation:dashboard")),
        settings_url=absolute(reverse("moderation:email_settings")),
        held_by_rule=held_by_rule(),
        decided_by_rules=decided_by_rules(yesterday),
    )


def recipients(wanting: str) -> QuerySet:
    """Active Moderators with an email address who have not turned `wanting` off."""
    opted_out = Q(**{f"desk_email_settings__{wanting}": False})
    return (
        get_user_model()
        .objects.filter(groups__name=MODERATORS_GROUP, is_active=True)
        .exclude(email="")
        .exclude(opted_out)
        .order_by("pk")
        .distinct()
    )


def render_message(template: str, context: dict, subject: str, to: str) -> EmailMultiAlternatives:
    """Plain text and HTML parts from `<template>.txt` and `<template>.html`."""
    text = render_to_string(f"moderation/email/{template}.txt", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(
        render_to_string(f"moderation/email/{template}.html", context), "text/html"
    )
    return message


def digest_messages(digest: Digest) -> list[EmailMultiAlternatives]:
    subject = f"Moderato digest for {digest.day:%-d %b %Y}: {digest.queue.size} pending"
    return [
        render_message("digest", {"digest": digest, "user": user}, subject, user.email)
        for user in recipients("daily_digest")
    ]


def send_digest(now: datetime | None = None) -> int:
    """Email the digest to every Moderator who wants it now; returns how many were sent."""
    messages = digest_messages(build_digest(now))
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


def send_digest_if_due(now: datetime | None = None) -> int | None:
    """Send today's digest once, from `DIGEST_HOUR` (local time) on: for an hourly schedule.

    Returns None when it was not due (too early, or already sent today by any process).
    """
    now = now or timezone.now()
    if timezone.localtime(now).hour < settings.DIGEST_HOUR:
        return None
    with transaction.atomic():
        state = locked_state(DAILY_DIGEST)
        if state.last_sent_at and timezone.localdate(state.last_sent_at) == timezone.localdate(now):
            return None
        state.last_sent_at = now
        state.save(update_fields=["last_sent_at"])
        return send_digest(now)


def locked_state(name: str) -> SentEmail:
    """The row saying when `name` was last sent, locked until the transaction ends."""
    SentEmail.objects.get_or_create(name=name)
    return SentEmail.objects.select_for_update().get(name=name)


def alert_due(oldest: datetime | None, now: datetime) -> bool:
    limit = timedelta(minutes=settings.QUEUE_ALERT_AGE_MINUTES)
    return oldest is not None and now - oldest > limit


def send_queue_alert(now: datetime | None = None, *, dry_run: bool = False) -> list:
    """Alert Moderators when the oldest pending comment has waited too long.

    At most once per `QUEUE_ALERT_EVERY_MINUTES`: the last sending time is a row
    locked for the check, so many processes or workers running this at once send
    it once. Returns the messages sent (or, on a dry run, that would be sent).
    """
    now = now or timezone.now()
    queue = dashboard.queue_now(now)
    if not alert_due(queue.oldest, now):
        return []
    with transaction.atomic():
        state = locked_state(QUEUE_AGE_ALERT)
        every = timedelta(minutes=settings.QUEUE_ALERT_EVERY_MINUTES)
        if state.last_sent_at and now - state.last_sent_at < every:
            return []
        context = {
            "queue": queue,
            "waited_seconds": (now - queue.oldest).total_seconds(),
            "limit_minutes": settings.QUEUE_ALERT_AGE_MINUTES,
            "desk_url": absolute(reverse("moderation:queue") + "?tab=pending&order=oldest"),
            "settings_url": absolute(reverse("moderation:email_settings")),
        }
        subject = (
            f"Moderato: a comment has waited more than {settings.QUEUE_ALERT_AGE_MINUTES} minutes"
        )
        messages = [
            render_message("queue_alert", context, subject, user.email)
            for user in recipients("queue_alerts")
        ]
        if dry_run:
            return messages
        state.last_sent_at = now
        state.save(update_fields=["last_sent_at"])
        if messages:
            get_connection().send_messages(messages)
        return messages
