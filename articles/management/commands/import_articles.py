import sys

from django.core.management.base import BaseCommand, CommandError

from articles.importers.formats import FORMATS
from articles.importers.service import ImportFailed, import_file


class Command(BaseCommand):
    help = "Import articles and their comments from files (format detected from content)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")
        parser.add_argument("--format", choices=sorted(FORMATS), help="Skip detection.")
        parser.add_argument(
            "--all-pending",
            action="store_true",
            help="Send every new comment to the moderation queue, whatever the source said.",
        )

    def handle(self, *args, paths, dry_run, format, all_pending, **options):
        failures = 0
        show_progress = sys.stderr.isatty() and options["verbosity"] > 0
        for path in paths:
            try:
                report = import_file(
                    path,
                    format=format,
                    dry_run=dry_run,
                    all_pending=all_pending,
                    on_progress=self.progress if show_progress else None,
                )
            except ImportFailed as error:
                failures += 1
                self.stderr.write(self.style.ERROR(f"Error: {error} (nothing was imported)"))
                continue
            if show_progress:
                self.stderr.write("\r\033[K", ending="")
            self.stdout.write(self.style.SUCCESS(report.summary()))
            for warning in report.warnings:
                self.stdout.write(f"  warning: {warning}")
        if failures:
            raise CommandError(f"{failures} of {len(paths)} file(s) could not be imported.")

    def progress(self, comments: int) -> None:
        self.stderr.write(f"\r  {comments:,} comments…", ending="")
        self.stderr.flush()
