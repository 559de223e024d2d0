from django.core.management.base import BaseCommand

from moderation.triage.service import CHUNK, run_over_pending
from moderation.triage.tasks import start_run_over_pending


class Command(BaseCommand):
    help = "Run the saved triage rules over every pending comment, one chunk per transaction."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=CHUNK)
        parser.add_argument(
            "--as-job",
            action="store_true",
            help="Queue it for a job worker instead of running here.",
        )

    def handle(self, *args, chunk_size, verbosity, as_job, **options):
        if as_job:
            job = start_run_over_pending(None)
            self.stdout.write(self.style.SUCCESS(f"Queued job {job.pk}: {job.title}."))
            return
        progress = self.progress if verbosity > 1 else None
        result = run_over_pending(chunk_size=chunk_size, on_progress=progress)
        self.stdout.write(self.style.SUCCESS(result.summary()))

    def progress(self, done: int, total: int) -> None:
        self.stderr.write(f"  {done:,} of {total:,} pending comments judged")
