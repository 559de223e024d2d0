from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime
from django.utils.timezone import get_current_timezone, is_naive, make_aware

from moderation import services
from moderation.models import Rule


class Command(BaseCommand):
    help = "Return to pending every comment one triage rule decided since a moment."

    def add_arguments(self, parser):
        parser.add_argument("--rule", required=True, choices=[r.value for r in Rule])
        parser.add_argument("--since", required=True, help="e.g. 2026-11-24T00:00")
        parser.add_argument("--as", dest="username", required=True, help="the moderator undoing")

    def handle(self, *args, rule, since, username, **options):
        moment = parse_datetime(since)
        if moment is None:
            raise CommandError(f"--since {since!r} is not a date and time.")
        if is_naive(moment):
            moment = make_aware(moment, get_current_timezone())
        try:
            actor = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        result = services.undo_rule(rule, since=moment, actor=actor)
        self.stdout.write(
            self.style.SUCCESS(
                f"Returned {result.changed} comment(s) to pending; "
                f"skipped {result.conflicts} decided meanwhile."
            )
        )
