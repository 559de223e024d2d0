"""`manage.py send_queue_alert [--dry-run]`: run it often (e.g. every 5 minutes)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from moderation import digest


class Command(BaseCommand):
    help = (
        "Email Moderators when the oldest pending comment has waited longer than "
        "QUEUE_ALERT_AGE_MINUTES, at most once per QUEUE_ALERT_EVERY_MINUTES."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be sent; send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        messages = digest.send_queue_alert(dry_run=dry_run)
        if not messages:
            limit = settings.QUEUE_ALERT_AGE_MINUTES
            self.stdout.write(f"No alert: nothing older than {limit} minutes, or already sent.")
            return
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(f"{verb} the queue alert to {len(messages)} moderator(s).")
        if dry_run:
            self.stdout.write(messages[0].body)
