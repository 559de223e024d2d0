"""The public article page under load: cold, warm (cached) and as a static file.

Serves the production settings with gunicorn (2 workers) from a throwaway SQLite database
and STATIC_ROOT, then drives it with a small bounded load generator (threads + http.client).
"""

import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SLUG = "bench-article"
COMMENTS = 1000
CONCURRENCY = 4
WORKERS = 2
SETTINGS = """from config.settings.production import *  # noqa: F403
STATIC_ROOT = {static_root!r}
CACHES = {{"default": {{"BACKEND": {cache!r}}}}}
# Keep connections like production's PostgreSQL does (base.py closes SQLite ones per request).
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
"""
CACHES = {
    "bench_cold": "django.core.cache.backends.dummy.DummyCache",  # every request renders
    "bench_warm": "django.core.cache.backends.locmem.LocMemCache",
}


def run() -> None:
    """Print requests/s, p50 and p99 for the cold, warm and static article page."""
    tmp = Path(tempfile.mkdtemp(prefix="moderato-bench-"))
    try:
        env = prepare(tmp)
        static_file = tmp / "static" / "bench" / "article.html"
        with serving(env, "bench_cold") as port:
            static_file.parent.mkdir(parents=True)
            static_file.write_bytes(fetch(port, f"/articles/{SLUG}/"))
            report("cold", load(port, f"/articles/{SLUG}/", requests=300, seconds=20))
        with serving(env, "bench_warm") as port:
            report("warm", load(port, f"/articles/{SLUG}/", requests=5000, seconds=15))
            report("static", load(port, "/static/bench/article.html", requests=5000, seconds=15))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def prepare(tmp: Path) -> dict:
    """A fresh database with the article, collected static files, and the environment."""
    for name, cache in CACHES.items():
        settings = SETTINGS.format(static_root=str(tmp / "static"), cache=cache)
        (tmp / f"{name}.py").write_text(settings)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp), str(REPO)]),
        "DJANGO_SETTINGS_MODULE": "bench_warm",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "SECRET_KEY": "bench-" + os.urandom(24).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "false",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(REPO / "manage.py")]
    quiet = {"env": env, "cwd": REPO, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([*manage, "migrate", "--noinput"], **quiet)
    subprocess.run([*manage, "collectstatic", "--noinput"], **quiet)
    subprocess.run([*manage, "shell", "-c", "from bench.public import seed; seed()"], **quiet)
    return env


def seed() -> None:
    """An article with 1,000 approved comments, a quarter of them replies."""
    from django.utils import timezone

    from articles.models import Article, Comment

    article = Article.objects.create(
        title="A bench article", slug=SLUG, deck="Measured.", body="<p>Body.</p>" * 20
    )
    text = "<p>A reader's considered opinion on the matter, with some detail. </p>" * 3
    now = timezone.now()
    tops = Comment.objects.bulk_create(
        Comment(
            article=article, author_name=f"Reader {n}", body=text, status="approved", created_at=now
        )
        for n in range(COMMENTS * 3 // 4)
    )
    Comment.objects.bulk_create(
        Comment(
            article=article,
            parent=tops[n],
            author_name=f"Replier {n}",
            body=text,
            status="approved",
            created_at=now,
        )
        for n in range(COMMENTS - len(tops))
    )


class serving:
    """gunicorn with the given settings module on a free port, stopped on exit."""

    def __init__(self, env: dict, settings: str):
        self.env = {**env, "DJANGO_SETTINGS_MODULE": settings}

    def __enter__(self) -> int:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            env=self.env,
            cwd=REPO,
        )
        wait_until_up(self.port)
        return self.port

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            fetch(port, "/robots.txt")
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port}")


def fetch(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status}")
        return body
    finally:
        connection.close()


def load(port: int, path: str, *, requests: int, seconds: float) -> tuple[int, float, list]:
    """At most `requests` GETs in at most `seconds`, from CONCURRENCY threads."""
    for _ in range(WORKERS * 4):
        fetch(port, path)  # warm both workers' caches and connections
    latencies: list[float] = []
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds

    def worker() -> None:
        while time.perf_counter() < deadline:
            with lock:
                if len(latencies) >= requests:
                    return
                latencies.append(0.0)
                slot = len(latencies) - 1
            began = time.perf_counter()
            fetch(port, path)
            latencies[slot] = time.perf_counter() - began

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    done = [latency for latency in latencies if latency]
    return len(done), elapsed, done


def report(name: str, result: tuple[int, float, list]) -> None:
    count, elapsed, latencies = result
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"public article {name}: {count / elapsed:.0f} req/s, p50 {cuts[49] * 1000:.1f} ms, "
        f"p99 {cuts[98] * 1000:.1f} ms ({count} requests, {CONCURRENCY} clients)",
        flush=True,
    )


if __name__ == "__main__":
    run()
