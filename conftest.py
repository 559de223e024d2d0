"""Fixtures shared by every app's tests: the personas of the permission matrix."""

import functools
import os
from importlib import import_module
from pathlib import Path

import pytest

from articles.tests.factory import make_user

REPO = Path(__file__).resolve().parent
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "000_ee86aad54d56ea67.txt"
SAMPLES = Path(os.environ.get("MODERATO_SAMPLES", SHARED / "samples"))


def pytest_configure(config):
    """In CI the shared samples must be there: tests that read them fail, never skip quietly."""
    if os.environ.get("CI") and not SAMPLES.is_dir():
        raise pytest.UsageError(f"CI is set but the sample files are missing: {SAMPLES}")


def clear_test_cache():
    """Empty the tests' cache. On Redis, delete only keys under the tests' prefix: the
    database may be shared, and FLUSHDB would wipe what others keep there."""
    from django.conf import settings
    from django.core.cache import cache

    if not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    pattern = f"{settings.CACHES['default']['KEY_PREFIX']}:*"
    keys = list(client.scan_iter(match=pattern, count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache (local memory, or Redis in CI): cached pages
    from one test must never answer another."""
    clear_test_cache()
    yield
    clear_test_cache()


@pytest.fixture(scope="session", autouse=True)
def no_media_left_behind():
    """Staged uploads of this run (a directory of its own) are deleted at the end."""
    import shutil

    from django.conf import settings

    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def moderator(db):
    return make_user(
        "dana", groups=["Moderators"], first_name="Dana", last_name="Scully", is_staff=True
    )


@pytest.fixture
def editor(db):
    return make_user("eddie", groups=["Editors"])


@pytest.fixture
def staff_without_role(db):
    return make_user("sam", is_staff=True)


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def chromium():
    """Debian's headless Chromium, driven by Playwright (no browser download).

    One per module: Playwright's event loop stays visible in this thread while it runs, so
    it must be gone before the next module's tests use the ORM without the browser's leave.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Browser tests only, from set-up to tear-down: Playwright's sync API runs an event
    loop in this thread, so Django would refuse the test's own synchronous ORM calls."""
    if item.get_closest_marker("browser") is None:
        return (yield)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        return (yield)
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_page(chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe_page(chromium, live_server):
    # Playwright injects axe as an inline script, which our CSP forbids: bypass it here only.
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def axe_violations(page, url: str | None = None) -> list[tuple[str, list]]:
    """What axe-core finds wrong on the page (at `url`, or as it is now): (rule id, [elements])."""
    if url is not None:
        page.goto(url)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], [(n["target"], n["failureSummary"]) for n in v["nodes"]])
        for v in result["violations"]
    ]


def log_in(page, username, password="pw"):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def desk_roles(transactional_db):
    """The Moderators and Editors groups again, made by the data migration's own function:
    an earlier transactional test's flush removes what the migration made (request this
    before `moderator`)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    for app_config in apps.get_app_configs():  # what `migrate` makes after the migrations
        create_permissions(app_config, verbosity=0)
    for name, grant in [
        ("0002_groups", "create_roles"),
        ("0005_manage_rules_permission", "grant"),
        ("0007_dashboard_permission_and_backfill", "grant"),
    ]:
        migration = import_module(f"moderation.migrations.{name}")
        getattr(migration, grant)(migration_state_apps(("moderation", name)), None)


@functools.cache
def migration_state_apps(migration: tuple[str, str]):
    """The models as that migration sees them, as `migrate` hands them to its functions."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    return MigrationLoader(connection).project_state(migration, at_end=True).apps


@pytest.fixture(autouse=True)
def roles_survive_flushes(request):
    """Give every transactional test the migrations' groups, whatever ran before it."""
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or "transactional_db" in request.fixturenames):
        request.getfixturevalue("desk_roles")
