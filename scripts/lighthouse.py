"""Lighthouse scores for the index, an article with a staff reply, and the login page.

Serves production settings with gunicorn from a throwaway SQLite database filled from the
seed and the shared samples (plus staff replies and a removed comment on the seed article),
then runs Lighthouse (npm devDependency) on Debian's Chromium. Slow and network-free; not
part of the test suite. `make lighthouse` runs it (`python -m scripts.lighthouse`);
`LIGHTHOUSE_PORT` picks the port.

Prints each page's category scores and every audit that did not pass; keeps the JSON reports
in test-artifacts/lighthouse/.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.local_production import environment

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "000_ee86aad54d56ea67.txt"
SAMPLES = sorted(p for p in (SHARED / "samples").glob("*/*") if p.parent.name != "other")
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
REPORTS = REPO / "test-artifacts" / "lighthouse"
PORT = int(os.environ.get("LIGHTHOUSE_PORT", "8701"))
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
SETTINGS = """from config.settings.production import *  # noqa: F403
STATIC_ROOT = {static_root!r}
"""


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="moderato-lighthouse-"))
    server = None
    try:
        env = prepare(tmp)
        staged = manage(env, "shell", "-c", "from scripts.lighthouse import stage; stage()")
        slug = staged.split()[-1]  # after the shell's banner of auto-imported names
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2", "--bind",
             f"127.0.0.1:{PORT}", "--log-level", "warning"],
            env=env, cwd=REPO,
        )  # fmt: skip
        base = f"http://127.0.0.1:{PORT}"
        wait_until_up(base + "/robots.txt")
        REPORTS.mkdir(parents=True, exist_ok=True)
        pages = {"index": "/", "article": f"/articles/{slug}/", "login": "/accounts/login/"}
        for name, path in pages.items():
            report(name, audit(name, base + path))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


def prepare(tmp: Path) -> dict:
    """Settings, database and collected static files in `tmp`; returns the environment."""
    (tmp / "lighthouse_settings.py").write_text(SETTINGS.format(static_root=str(tmp / "static")))
    env = environment(tmp, "lighthouse_settings", "lighthouse")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "import_articles", str(SEED))
    for sample in SAMPLES:
        # Some samples are broken on purpose; the importer refuses those whole.
        subprocess.run(
            [sys.executable, "manage.py", "import_articles", str(sample)],
            env=env, cwd=REPO, capture_output=True, check=False,
        )  # fmt: skip
    return env


def manage(env: dict, *args: str) -> str:
    run = subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env, cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if run.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{run.stderr}")
    return run.stdout


def stage() -> None:
    """On the seed article: approve its comments, reply as staff, hide a replied-to one."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from articles.models import Article, Comment
    from moderation import services

    article = Article.objects.filter(source="text").order_by("pk").first()
    # Production settings refuse the demo account; a staff member who cannot log in will do.
    staff = get_user_model().objects.create_user(
        "lighthouse", first_name="Mia", last_name="Moderator", is_staff=True
    )
    staff.groups.add(Group.objects.get(name="Moderators"))
    comments = list(Comment.objects.filter(article=article).order_by("pk"))
    for comment in comments:
        if comment.status != Comment.Status.APPROVED:
            services.approve(comment, actor=staff)
    first, second = comments[0], comments[1]
    services.reply(first, actor=staff, body="Thank you, we are following this story.")
    services.reply(second, actor=staff, body="We have asked the provider and will update.")
    # A removed comment whose staff reply stays: the page shows the placeholder.
    first.refresh_from_db()
    services.hide(first, actor=staff, reason=Comment.HiddenReason.OFF_TOPIC)
    print(article.slug)


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5)  # noqa: S310 - our own local server
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer at {url}")


def audit(name: str, url: str) -> dict:
    output = REPORTS / f"{name}.json"
    subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={output}",
         f"--only-categories={','.join(CATEGORIES)}",
         "--chrome-flags=--headless --no-sandbox --disable-gpu"],
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
        check=True,
    )  # fmt: skip
    return json.loads(output.read_text())


def report(name: str, result: dict) -> None:
    scores = {c: round(result["categories"][c]["score"] * 100) for c in CATEGORIES}
    print(f"{name:8} {result['finalDisplayedUrl']}")
    print("         " + "  ".join(f"{c} {s}" for c, s in scores.items()))
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            item = result["audits"][ref["id"]]
            mode = item["scoreDisplayMode"]
            failed = mode in ("binary", "numeric", "metricSavings") and (item["score"] or 0) < 1
            if failed:
                print(f"         - {category}: {item['id']} ({item['score']}): {item['title']}")


if __name__ == "__main__":
    main()
