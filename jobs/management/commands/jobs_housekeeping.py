"""`manage.py jobs_housekeeping [--once]`: requeue jobs whose worker died, enqueue due periodic
jobs. Every `jobs_worker` already does this; run it yourself with a backend whose workers are
not ours (RQ), e.g. from cron with --once."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from jobs.services import housekeeping


class Command(BaseCommand):
    help = "Requeue jobs whose worker died and enqueue the periodic jobs that are due"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one round, then exit")

    def handle(self, *args, once: bool = False, **options):
        while True:
            housekeeping()
            if once:
                return
            time.sleep(settings.JOBS_HOUSEKEEPING_SECONDS)
