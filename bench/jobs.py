"""Background jobs: how long a job waits for an idle worker, and the import rate through a
job compared with `manage.py import_articles` on the same file (target: within 5%).

Each import gets a fresh database (SQLite in a temp dir, then PostgreSQL when reachable);
command and job take turns, BENCH_JOBS_REPEATS times, and the medians are compared. The
command's time includes its process start-up, the job's its wait for the worker (polling
interval 1 s, the default): what the person importing waits in either case.
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
REPEATS = int(os.environ.get("BENCH_JOBS_REPEATS", "3"))
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
        print(f"machine load at start (1/5/15 min): {load()}")
        databases = [("sqlite", lambda name: f"sqlite:///{tmp}/{name}.sqlite3")]
        if postgres_ready(PG_URL):
            databases.append(("postgresql", lambda name: fresh_postgres(f"{PG_URL}_{name}")))
        for label, fresh in databases:
            compare(label, fresh, export)
        print(f"machine load at end (1/5/15 min): {load()}")


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def fresh_postgres(url: str) -> str:
    if not postgres_ready(url):
        raise RuntimeError(f"cannot create {url}")
    return url


def compare(label: str, fresh, export: Path) -> None:
    """Command and job in turns, each on a fresh database, so load changes hit both alike."""
    command, job = [], []
    for attempt in range(REPEATS):
        seconds, _, _ = run_import(fresh(f"command{attempt}"), export)
        command.append(COMMENTS / seconds)
        job.append(measure_job(label, fresh(f"job{attempt}"), export, pings=attempt == 0))
    ratio = statistics.median(job) / statistics.median(command)
    print(
        f"{label}: import_articles {statistics.median(command):,.0f} comments/s, "
        f"through a job {statistics.median(job):,.0f} comments/s "
        f"(medians of {REPEATS}; job/command {ratio:.0%}); "
        f"each run: command {', '.join(f'{r:,.0f}' for r in command)}; "
        f"job {', '.join(f'{r:,.0f}' for r in job)}"
    )


def measure_job(label: str, url: str, export: Path, *, pings: bool) -> float:
    """Comments/second of an import job (from confirm to done), measured in a child process."""
    env = child_env(url)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "jobs_worker", "--no-reload", "-v0"], cwd=REPO, env=env
    )
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.jobs", label, str(export), "pings" if pings else ""],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    lines = done.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(line)
    return float(lines[-1])


def wait_done(job, seconds: float = 3600):
    from jobs.models import Job

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (Job.Status.DONE, Job.Status.FAILED):
            return job
        time.sleep(0.01)
    raise RuntimeError(f"job {job.pk} did not finish")


def main(label: str, export: Path, pings: bool) -> None:
    """In a child process configured for the bench database, with a worker running."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files import File

    from articles.importers.staging import confirm_import, stage_upload

    if pings:
        measure_pickup(label)
    editor, _ = get_user_model().objects.get_or_create(username="bench-editor", is_superuser=True)
    with export.open("rb") as stream:
        pending = stage_upload(File(stream), file_name=export.name, user=editor)
    wait_done(pending.preview_job)
    job = wait_done(confirm_import(pending, user=editor))
    if job.status != "done":
        raise RuntimeError(job.error)
    # From confirm to done (the wait for a worker included), as the command's time includes
    # its start-up: what the person importing waits, either way. The last line.
    print(COMMENTS / (job.finished_at - job.created_at).total_seconds())


def measure_pickup(label: str) -> None:
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


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), sys.argv[3] == "pings")
