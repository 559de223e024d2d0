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
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import dashboard
from .models import SentEmail

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
    # Triage (issue 11) hook: "what was held and why" (held-by-rule counts) belongs here
    # once the rules exist; it is left out, not faked, until then.


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def build_digest(now: datetime | None = None) -> Digest:
    """The queue now and yesterday's decisions (four queries)."""
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
