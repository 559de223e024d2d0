"""Background jobs: how long a job waits for an idle worker, and the import rate through a
job compared with `manage.py import_articles` on the same file (target: within 5%).

Each database is fresh (SQLite in a temp dir, then PostgreSQL when reachable). The
worker is `manage.py jobs_worker` with its default polling interval (1 s).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.imports import postgres_ready, run_import, write_disqus_export

REPO = Path(__file__).resolve().parent.parent
COMMENTS = int(os.environ.get("BENCH_JOBS_COMMENTS", "100000"))
PINGS = int(os.environ.get("BENCH_JOBS_PINGS", "20"))
PG_URL = os.environ.get(
    "BENCH_JOBS_PG_URL", "postgres://postgres@127.0.0.1:5432/moderato_bench_jobs"
)


def child_env(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "LOG_LEVEL": "ERROR",
        "MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "moderato-bench-media"),
    }


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="moderato-bench-jobs-") as tmp:
        export = Path(tmp) / "disqus.xml"
        write_disqus_export(export, comments=COMMENTS, threads=max(1, COMMENTS // 100))
        print(
            f"generated Disqus export: {COMMENTS:,} comments, {export.stat().st_size / 1e6:.1f} MB"
        )
        print(f"machine load (1/5/15 min): {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        targets = [("sqlite", f"sqlite:///{tmp}/command.sqlite3", f"sqlite:///{tmp}/job.sqlite3")]
        if postgres_ready(PG_URL) and postgres_ready(PG_URL + "_job"):
            targets.append(("postgresql", PG_URL, PG_URL + "_job"))
        for label, command_url, job_url in targets:
            seconds, _, _ = run_import(command_url, export)
            print(
                f"{label}: import_articles {COMMENTS / seconds:,.0f} comments/s ({seconds:.1f} s)"
            )
            measure_job(label, job_url, export)


def measure_job(label: str, url: str, export: Path) -> None:
    env = child_env(url)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "jobs_worker", "--no-reload", "-v0"], cwd=REPO, env=env
    )
    try:
        subprocess.run(
            [sys.executable, "-m", "bench.jobs", label, str(export)], cwd=REPO, env=env, check=True
        )
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def wait_done(job, seconds: float = 3600):
    from jobs.models import Job

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (Job.Status.DONE, Job.Status.FAILED):
            return job
        time.sleep(0.01)
    raise RuntimeError(f"job {job.pk} did not finish")


def main(label: str, export: Path) -> None:
    """In a child process configured for the bench database, with a worker running."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files import File

    from articles.importers.staging import confirm_import, stage_upload
    from jobs import services
    from jobs.tasks import ping

    waits = []
    rng = random.Random(7)
    for _ in range(PINGS):
        time.sleep(rng.uniform(0, 1.2))  # arrive at any moment of the worker's polling cycle
        job = wait_done(services.start(ping, title="ping"))
        waits.append((job.started_at - job.created_at).total_seconds())
    print(
        f"{label}: an idle worker took a job after {statistics.median(waits) * 1000:.0f} ms "
        f"(median of {PINGS} at random moments; max {max(waits) * 1000:.0f} ms; polling 1 s)"
    )
    editor, _ = get_user_model().objects.get_or_create(username="bench-editor", is_superuser=True)
    with export.open("rb") as stream:
        pending = stage_upload(File(stream), file_name=export.name, user=editor)
    preview = wait_done(pending.preview_job)
    job = wait_done(confirm_import(pending, user=editor))
    if job.status != "done":
        raise RuntimeError(job.error)
    running = (job.finished_at - job.started_at).total_seconds()
    overall = (job.finished_at - job.created_at).total_seconds()
    parsing = (preview.finished_at - preview.started_at).total_seconds()
    print(
        f"{label}: import job {COMMENTS / running:,.0f} comments/s ({running:.1f} s running, "
        f"{overall:.1f} s from confirm to done); preview job {parsing:.1f} s"
    )


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
