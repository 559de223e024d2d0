from django.core.management.base import BaseCommand

from moderation.triage.service import CHUNK, run_over_pending


class Command(BaseCommand):
    help = "Run the saved triage rules over every pending comment, one chunk per transaction."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=CHUNK)

    def handle(self, *args, chunk_size, verbosity, **options):
        progress = self.progress if verbosity > 1 else None
        result = run_over_pending(chunk_size=chunk_size, on_progress=progress)
        self.stdout.write(self.style.SUCCESS(result.summary()))

    def progress(self, done: int, total: int) -> None:
        self.stderr.write(f"  {done:,} of {total:,} pending comments judged")
