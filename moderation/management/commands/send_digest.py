"""`manage.py send_digest [--dry-run]`: the daily digest to every Moderator who wants it."""

from django.core.management.base import BaseCommand

from moderation import digest


class Command(BaseCommand):
    help = "Email the daily digest to every Moderator who has not opted out."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the plain-text digest; send nothing."
        )
        parser.add_argument(
            "--if-due",
            action="store_true",
            help="Send only if today's digest has not gone out yet and it is DIGEST_HOUR or "
            "later (run it hourly from cron).",
        )

    def handle(self, *args, dry_run=False, if_due=False, **options):
        if dry_run:
            built = digest.build_digest()
            messages = digest.digest_messages(built)
            to = ", ".join(m.to[0] for m in messages) or "nobody"
            self.stdout.write(f"Would send to: {to}\n")
            self.stdout.write(messages[0].body if messages else "(no recipients)")
            return
        sent = digest.send_digest_if_due() if if_due else digest.send_digest()
        if sent is None:
            self.stdout.write("Not due: too early today, or today's digest has gone out.")
            return
        self.stdout.write(f"Sent the digest to {sent} moderator{'s' if sent != 1 else ''}.")
