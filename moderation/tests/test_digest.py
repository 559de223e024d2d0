"""The daily digest, the queue-age alert and a moderator's opt-out, with locmem mail."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from articles.tests.factory import make_comment, make_user
from moderation import digest, services
from moderation.models import DeskEmailSettings, SentEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(moderator):
    moderator.email = "dana@example.com"
    moderator.save()
    fox = make_user("fox", groups=["Moderators"], email="fox@example.com", first_name="Fox")
    make_user("nomail", groups=["Moderators"])  # no address: nothing to send to
    make_user("eddie2", groups=["Editors"], email="eddie@example.com")  # not a Moderator
    return moderator, fox


def test_digest_goes_to_each_moderator_with_text_and_html(team, settings):
    settings.SITE_URL = "https://desk.example.org"
    make_comment(created_at=timezone.now() - timedelta(hours=30))
    make_comment(created_at=timezone.now() - timedelta(minutes=10))

    sent = digest.send_digest()

    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["dana@example.com", "fox@example.com"]
    message = mail.outbox[0]
    assert message.subject.endswith(": 2 pending")
    assert "Pending queue now: 2 comments, the oldest waiting 1 d 6 h." in message.body
    assert "Older than 1 hour: 1. Older than 24 hours: 1." in message.body
    assert "The desk: https://desk.example.org/moderation/" in message.body
    assert "https://desk.example.org/moderation/settings/email/" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert '<a href="https://desk.example.org/moderation/?tab=pending">2 comments</a>' in html
    assert "<h2>Yesterday's decisions: 0</h2>" in html


def test_digest_counts_yesterdays_decisions(team):
    moderator, fox = team
    now = timezone.now() + timedelta(days=1)  # "tomorrow": today's decisions are yesterday's
    services.hide(make_comment(), actor=moderator, reason="spam")
    services.approve(make_comment(), actor=fox)
    services.approve(make_comment(), actor=fox)

    built = digest.build_digest(now)
    message = digest.digest_messages(built)[0]

    assert "Yesterday's decisions: 3" in message.body
    assert "- Approved: 2\n- Hidden: 1\n" in message.body
    assert "Fox: 2 decisions" in message.body and "Dana Scully: 1 decision\n" in message.body


def test_a_moderator_who_opted_out_gets_no_digest(team, client):
    _, fox = team
    client.force_login(fox)
    response = client.post(
        "/moderation/settings/email/", {"queue_alerts": "on"}
    )  # digest box unticked
    assert response.status_code == 302
    assert DeskEmailSettings.objects.get(user=fox).daily_digest is False

    digest.send_digest()

    assert [m.to[0] for m in mail.outbox] == ["dana@example.com"]


def test_settings_page_shows_and_refuses(client, team, editor):
    moderator, _ = team
    assert client.get("/moderation/settings/email/").status_code == 302  # to log in
    client.force_login(editor)
    assert client.get("/moderation/settings/email/").status_code == 403
    client.force_login(moderator)
    html = client.get("/moderation/settings/email/").content.decode()
    assert "Email me the daily digest" in html and "checked" in html
    assert not DeskEmailSettings.objects.exists()  # a GET saves nothing


def test_queue_alert_is_sent_once_per_period(team, settings):
    settings.QUEUE_ALERT_AGE_MINUTES = 60
    settings.QUEUE_ALERT_EVERY_MINUTES = 240
    now = timezone.now()
    make_comment(created_at=now - timedelta(minutes=30))
    assert digest.send_queue_alert(now) == []  # nothing has waited an hour yet

    make_comment(created_at=now - timedelta(minutes=90))
    first = digest.send_queue_alert(now)
    again = digest.send_queue_alert(now + timedelta(minutes=239))
    later = digest.send_queue_alert(now + timedelta(minutes=241))

    assert (len(first), len(again), len(later)) == (2, 0, 2)
    assert len(mail.outbox) == 4
    assert "has waited 1 h 30 min (the alert is set to 60 minutes)" in mail.outbox[0].body
    assert SentEmail.objects.get().last_sent_at == now + timedelta(minutes=241)


def test_queue_alert_dry_run_sends_and_records_nothing(team, settings):
    settings.QUEUE_ALERT_AGE_MINUTES = 60
    make_comment(created_at=timezone.now() - timedelta(hours=3))

    call_command("send_queue_alert", "--dry-run")

    assert mail.outbox == []
    assert SentEmail.objects.get().last_sent_at is None
    assert digest.send_queue_alert() != []  # the real run still sends


def test_opted_out_of_alerts_gets_no_alert(team, settings):
    moderator, _ = team
    DeskEmailSettings.objects.create(user=moderator, queue_alerts=False)
    settings.QUEUE_ALERT_AGE_MINUTES = 60
    make_comment(created_at=timezone.now() - timedelta(hours=3))

    digest.send_queue_alert()

    assert [m.to[0] for m in mail.outbox] == ["fox@example.com"]


def test_send_digest_dry_run_prints_and_sends_nothing(team, capsys):
    make_comment()

    call_command("send_digest", "--dry-run")

    out = capsys.readouterr().out
    assert "Would send to: dana@example.com, fox@example.com" in out
    assert "Pending queue now: 1 comment" in out
    assert mail.outbox == []


def test_digest_if_due_goes_once_a_day_from_the_set_hour(team, settings):
    settings.DIGEST_HOUR = 7
    day = timezone.localtime().replace(hour=6, minute=30, second=0, microsecond=0)

    too_early = digest.send_digest_if_due(day)
    at_seven = digest.send_digest_if_due(day.replace(hour=7, minute=5))
    again_at_eight = digest.send_digest_if_due(day.replace(hour=8))
    next_morning = digest.send_digest_if_due(day.replace(hour=7) + timedelta(days=1))

    assert (too_early, at_seven, again_at_eight, next_morning) == (None, 2, None, 2)
    assert len(mail.outbox) == 4
    assert SentEmail.objects.get(name="daily-digest").last_sent_at == day.replace(
        hour=7
    ) + timedelta(days=1)


def test_send_digest_command_if_due_says_when_it_is_not(team, capsys, settings):
    settings.DIGEST_HOUR = 0
    call_command("send_digest", "--if-due")
    call_command("send_digest", "--if-due")

    out = capsys.readouterr().out
    assert "Sent the digest to 2 moderators." in out
    assert "Not due: too early today, or today's digest has gone out." in out
    assert len(mail.outbox) == 2


def test_digest_says_what_the_rules_hold_and_decided(team):
    from moderation.models import CommentTriage

    held = [make_comment(), make_comment()]
    CommentTriage.objects.create(comment=held[0], marker_rules=",suspect_words,links,")
    CommentTriage.objects.create(comment=held[1], marker_rules=",links,trusted_author,")
    gone = make_comment(status="approved")
    CommentTriage.objects.create(comment=gone, marker_rules=",links,")  # decided: not held
    services.decide_by_rule(
        [make_comment().pk], rule="banned_words", status="hidden", reason="banned_word"
    )
    tomorrow = timezone.now() + timedelta(days=1)  # so today's rule decision is "yesterday"

    message = digest.digest_messages(digest.build_digest(tomorrow))[0]

    assert (
        "Held by the triage rules now (pending, by why):\n- Suspect word: 1\n- Links: 2\n"
        in message.body
    )
    assert "Decided by the rules yesterday:\n- Banned word: 1 hidden\n" in message.body
    assert "- Automatic: 1, by people: 0" in message.body
    html = message.alternatives[0][0]
    assert '?tab=pending&amp;marker=links">Links: 2</a>' in html


def test_the_scheduled_jobs_send_the_digest_and_the_alert_once(team, settings):
    from jobs.services import enqueue_due
    from jobs.testing import run_queued_jobs

    settings.DIGEST_HOUR = 0
    settings.QUEUE_ALERT_AGE_MINUTES = 60
    make_comment(created_at=timezone.now() - timedelta(hours=3))

    enqueue_due()
    finished = {job.kind: job for job in run_queued_jobs()}
    enqueue_due(timezone.now() + timedelta(hours=2))  # both due again, neither sends again
    again = {job.kind: job for job in run_queued_jobs()}

    assert finished["moderation.tasks.send_daily_digest"].result == {"due": True, "sent": 2}
    assert finished["moderation.tasks.send_queue_age_alert"].result == {"sent": 2}
    assert again["moderation.tasks.send_daily_digest"].result == {"due": False, "sent": 0}
    assert again["moderation.tasks.send_queue_age_alert"].result == {"sent": 0}
    digests = [m for m in mail.outbox if m.subject.startswith("Moderato digest")]
    alerts = [m for m in mail.outbox if "has waited more than 60 minutes" in m.subject]
    assert (len(digests), len(alerts), len(mail.outbox)) == (2, 2, 4)
