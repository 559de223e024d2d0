"""`manage.py jobs_worker`: django-tasks-db's `db_worker`, plus the jobs' housekeeping.

Besides running tasks, every worker now and then requeues jobs whose worker died
(no heartbeat) and enqueues the periodic jobs that are due. Run as many as you like.
"""

import os
import threading

from django.conf import settings
from django.db import connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from jobs.services import housekeeping


class Command(DbWorkerCommand):
    help = "Run a background worker for jobs (db_worker plus reaping and the periodic jobs)"

    def handle(self, *args, **options):
        # With --reload the parent only watches files; the child does the work.
        if not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            threading.Thread(target=keep_house, daemon=True, name="jobs-housekeeping").start()
        return super().handle(*args, **options)


def keep_house() -> None:
    stop = threading.Event()
    try:
        while True:
            housekeeping()
            connection.close()
            if stop.wait(settings.JOBS_HOUSEKEEPING_SECONDS):
                return
    finally:
        connection.close()
