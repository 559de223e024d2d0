"""The public article page under load at 100, 1,000 and 5,000 comments.

Serves the production settings with gunicorn (2 workers) from a throwaway SQLite database
and STATIC_ROOT, then drives it with a small bounded load generator (threads + http.client).
Prints each aim of issue 13 with its peer or limit beside it:

- warm (cached) page 1 against the same bytes served as a static file (aim: within 1.5x);
- cold (no cache at all) against django-comments-xtd's rate on the same thread, as measured
  by the shared bench in issue 13 (aim: at least 5x), both page 1 and the whole thread;
- server time of the first request after one comment of the article changes (aim: < 30 ms).
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

from .local_production import environment

REPO = Path(__file__).resolve().parent.parent
SIZES = [100, 1000, 5000]
CONCURRENCY = 4
WORKERS = 2
SECONDS = float(os.environ.get("BENCH_PUBLIC_SECONDS", "10"))
# django-comments-xtd rendering the same thread, req/s (issue 13's shared-bench run).
XTD_RATE = {1000: 5.8, 5000: 1.1}
WHOLE_THREAD = "1000000"  # PUBLIC_THREADS_PER_PAGE that puts every thread on one page
SETTINGS = """from config.settings.production import *  # noqa: F403
STATIC_ROOT = {static_root!r}
CACHES = {{"default": {{"BACKEND": {cache!r}, "OPTIONS": {{"MAX_ENTRIES": 50000}}}}}}
# Keep connections like production's PostgreSQL does (base.py closes SQLite ones per request).
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
"""
CACHES = {
    "bench_cold": "django.core.cache.backends.dummy.DummyCache",  # every request renders
    "bench_warm": "django.core.cache.backends.locmem.LocMemCache",
}


def slug(size: int) -> str:
    return f"bench-{size}"


def url(size: int) -> str:
    return f"/articles/{slug(size)}/"


def run() -> None:
    """Print the page aims at each size, each beside its peer or limit."""
    tmp = Path(tempfile.mkdtemp(prefix="moderato-bench-"))
    try:
        env = prepare(tmp)
        static = tmp / "static" / "bench"
        static.mkdir(parents=True)
        with serving(env, "bench_cold") as port:
            for size in SIZES:
                (static / f"{size}.html").write_bytes(fetch(port, url(size)))
            for size in SIZES:
                cold = load(port, url(size), requests=2000, seconds=SECONDS)
                report(f"{size:>5} comments, cold page 1", cold, peer("xtd", size))
        with serving({**env, "PUBLIC_THREADS_PER_PAGE": WHOLE_THREAD}, "bench_cold") as port:
            for size in SIZES:
                cold = load(port, url(size), requests=2000, seconds=SECONDS)
                report(f"{size:>5} comments, cold whole thread", cold, peer("xtd", size))
        with serving(env, "bench_warm") as port:
            for size in SIZES:
                snapshot = f"/static/bench/{size}.html"
                static_rate = rate(load(port, snapshot, requests=20000, seconds=SECONDS))
                warm = load(port, url(size), requests=20000, seconds=SECONDS)
                ratio = f"static is {static_rate / rate(warm):.2f}x"
                report(f"{size:>5} comments, warm page 1", warm, peer("static", static_rate), ratio)
        manage = [sys.executable, str(REPO / "manage.py"), "shell", "-c"]
        command = "from bench.public import after_one_change; after_one_change()"
        subprocess.run([*manage, command], env=env, cwd=REPO, check=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def peer(kind: str, value) -> str:
    if kind == "static":
        return f"static file {value:.0f} req/s, aim: within 1.5x"
    xtd = XTD_RATE.get(value)
    if xtd is None:
        return "no xtd figure at this size"
    return f"xtd {xtd} req/s in issue 13, aim: >= {xtd * 5:.0f} req/s (5x)"


def rate(result: tuple[int, float, list]) -> float:
    return result[0] / result[1]


def after_one_change() -> None:
    """Server time of the first request after one comment changes (in process, warm cache)."""
    from django.core.cache import cache
    from django.test import Client, override_settings

    from articles.models import Comment
    from moderation import services

    moderator = services_actor()
    client = Client(HTTP_HOST="127.0.0.1")  # the bench's ALLOWED_HOSTS
    for whole in (False, True):
        pages = {"PUBLIC_THREADS_PER_PAGE": int(WHOLE_THREAD)} if whole else {}
        with override_settings(CACHES=LOCMEM, **pages):
            cache.clear()
            times = []
            target = Comment.objects.filter(article__slug=slug(1000), parent=None).first()
            client.get(url(1000))
            for flip in range(7):
                if flip % 2:
                    services.approve(target, actor=moderator)
                else:
                    services.hide(target, actor=moderator, reason="spam")
                target.refresh_from_db()
                started = time.perf_counter()
                assert client.get(url(1000)).status_code == 200
                times.append((time.perf_counter() - started) * 1000)
        label = "whole thread" if whole else "page 1"
        print(
            f"public  1000 comments, first request after one decision, {label}: "
            f"{statistics.median(times):.1f} ms server time (median of {len(times)}; "
            f"aim: < 30 ms)",
            flush=True,
        )


LOCMEM = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 50000},
    }
}


def services_actor():
    from django.contrib.auth.models import Group, User

    user, _ = User.objects.get_or_create(username="bench-moderator")
    user.groups.add(Group.objects.get(name="Moderators"))
    return User.objects.get(pk=user.pk)


def prepare(tmp: Path) -> dict:
    """A fresh database with the article, collected static files, and the environment."""
    for name, cache in CACHES.items():
        settings = SETTINGS.format(static_root=str(tmp / "static"), cache=cache)
        (tmp / f"{name}.py").write_text(settings)
    env = environment(tmp, "bench_warm", "bench")
    manage = [sys.executable, str(REPO / "manage.py")]
    quiet = {"env": env, "cwd": REPO, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([*manage, "migrate", "--noinput"], **quiet)
    subprocess.run([*manage, "collectstatic", "--noinput"], **quiet)
    subprocess.run([*manage, "shell", "-c", "from bench.public import seed; seed()"], **quiet)
    return env


def seed() -> None:
    """An article per size, each comment approved, a quarter of them replies."""
    from django.utils import timezone

    from articles.models import Article, Comment

    text = "<p>A reader's considered opinion on the matter, with some detail. </p>" * 3
    now = timezone.now()
    for size in SIZES:
        article = Article.objects.create(
            title=f"A bench article with {size} comments",
            slug=slug(size),
            deck="Measured.",
            body="<p>Body.</p>" * 20,
        )
        tops = Comment.objects.bulk_create(
            Comment(
                article=article,
                author_name=f"Reader {n}",
                body=text,
                status="approved",
                created_at=now,
            )
            for n in range(size * 3 // 4)
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
            for n in range(size - len(tops))
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
    """A free port in BENCH_PORTS (default 8600-8609: the range this machine gives us)."""
    low, high = (int(n) for n in os.environ.get("BENCH_PORTS", "8600-8609").split("-"))
    for port in range(low, high + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {low}-{high}")


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


def report(name: str, result: tuple[int, float, list], beside: str, ratio: str = "") -> None:
    count, elapsed, latencies = result
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"public {name}: {count / elapsed:.0f} req/s, p50 {cuts[49] * 1000:.1f} ms, "
        f"p99 {cuts[98] * 1000:.1f} ms ({count} requests, {CONCURRENCY} clients) | {beside}"
        + (f"; {ratio}" if ratio else ""),
        flush=True,
    )


if __name__ == "__main__":
    run()
