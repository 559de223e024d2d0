from django.core.management.base import BaseCommand, CommandError

from articles import pending_counts


class Command(BaseCommand):
    help = (
        "Check the pending comments per article that the database keeps (the dashboard's queue "
        "figures) against a recount; reinstall missing triggers and recount with --rebuild."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Reinstall the triggers and count every article again (writers wait meanwhile).",
        )

    def handle(self, *args, rebuild, **options):
        missing = sorted(pending_counts.expected_triggers() - pending_counts.installed())
        wrong = pending_counts.mismatches()
        if missing:
            self.stdout.write(f"Missing triggers on articles_comment: {', '.join(missing)}")
        for article_id, (kept, actual) in sorted(wrong.items())[:20]:
            self.stdout.write(f"Article {article_id}: kept {kept}, actually {actual} pending")
        if rebuild:
            pending_counts.install()
            pending_counts.rebuild()
            self.stdout.write(f"Recounted; {len(wrong)} article(s) were wrong.")
        elif missing or wrong:
            raise CommandError(
                f"{len(wrong)} article(s) wrong, {len(missing)} trigger(s) missing: "
                "run with --rebuild."
            )
        else:
            self.stdout.write("Every article's pending count is exact.")
