from django.core.management.base import BaseCommand, CommandError

from moderation.triage import learning
from moderation.triage.tasks import start_training


class Command(BaseCommand):
    help = "Train the learned triage score on the decisions people made here; store a new version."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-job",
            action="store_true",
            help="Queue it for a job worker instead of training here.",
        )

    def handle(self, *args, as_job, **options):
        if as_job:
            job = start_training(None)
            self.stdout.write(self.style.SUCCESS(f"Queued job {job.pk}: {job.title}."))
            return
        try:
            model = learning.train()
        except learning.NotEnoughDecisions as refusal:
            raise CommandError(str(refusal)) from None
        metrics = model.metrics
        quality, rules = metrics["model"], metrics["rules"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Trained version {model.version} on {model.decisions} decisions "
                f"({metrics['held_out']} newest held out)."
            )
        )
        self.stdout.write(
            f"  learned score: ROC-AUC {quality.get('roc_auc')}, at {quality['threshold']}: "
            f"precision {quality['precision']}, recall {quality['recall']}; "
            f"precision at 90% recall {quality.get('precision_at_90_recall')}"
        )
        self.stdout.write(
            f"  rules alone: precision {rules['precision']}, recall {rules['recall']}"
        )
