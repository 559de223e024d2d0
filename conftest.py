"""Fixtures shared by every app's tests: the personas of the permission matrix."""

import os
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


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium, driven by Playwright (no browser download)."""
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own
    # ORM calls are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page, username, password="pw"):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def desk_roles(transactional_db):
    """The Moderators and Editors groups again: an earlier transactional test's flush
    removes what the data migration made (request this before `moderator`)."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    role_migrations = ["0002_groups", "0007_dashboard_permission_and_backfill"]
    roles = [import_module(f"moderation.migrations.{name}").ROLES for name in role_migrations]
    for name, perms in [role for migration in roles for role in migration.items()]:
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


@pytest.fixture(autouse=True)
def roles_survive_flushes(request):
    """Give every transactional test the migrations' groups, whatever ran before it."""
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or "transactional_db" in request.fixturenames):
        request.getfixturevalue("desk_roles")
