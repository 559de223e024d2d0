"""For tests: run queued jobs in the test's process, or a real worker process on the test DB."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from .models import Job
from .runner import execute

REPO = Path(__file__).resolve().parent.parent


def run_queued_jobs() -> list[Job]:
    """Run every queued job (and any it queues) here, oldest first; returns them as they ended."""
    finished = []
    while job := Job.objects.filter(status=Job.Status.QUEUED).order_by("pk").first():
        finished.append(execute(job.pk))
    return finished


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database these settings name (the test database, in tests)."""
    name = str(settings_dict["NAME"])
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{name}"
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{auth}{settings_dict.get('HOST') or ''}{port}/{quote(name, safe='')}"


def start_worker(log: Path, **env: str) -> subprocess.Popen:
    """`manage.py jobs_worker` in a child process on this test's database, polling quickly."""
    from django.conf import settings
    from django.db import connection

    child_env = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "MODERATO_TEST_RUN": settings.RUN_ID,  # the same media directory as this test run
        "CONN_MAX_AGE": "0",
        **env,
    }
    command = [sys.executable, "manage.py", "jobs_worker", "--no-reload", "--no-startup-delay"]
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        [*command, "--interval", "0.05", "-v", "0"],
        cwd=REPO,
        env=child_env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, *, seconds: float = 60, every: float = 0.02, what: str = "it"):
    """Poll until `condition()` is truthy (and return it); fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(every)
    raise AssertionError(f"gave up waiting for {what} after {seconds} s")
