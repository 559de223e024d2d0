"""Settings fail closed: a typo, a missing secret or the demo password stops start-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from articles.tests.factory import make_user
from config.settings.base import env_bool, env_int

REPO = Path(__file__).resolve().parents[2]
GOOD_KEY = "k3y-" + "abcdefghij" * 6
PRODUCTION_ENV = {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "news.example.com"}
SETTINGS_VARIABLES = ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "ALLOWED_HOSTS", "DEMO_PASSWORD")


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """Start a fresh interpreter, as gunicorn or manage.py would, with only `env` configured."""
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


LOAD_WSGI = "import config.wsgi; from django.conf import settings; print(settings.DEBUG)"


@pytest.mark.parametrize("word", ["1", "true", "True", " yes ", "on"])
def test_env_bool_reads_yes_words(monkeypatch, word):
    monkeypatch.setenv("SOME_FLAG", word)

    assert env_bool("SOME_FLAG", False) is True


@pytest.mark.parametrize("word", ["0", "false", "No", "off", ""])
def test_env_bool_reads_no_words(monkeypatch, word):
    monkeypatch.setenv("SOME_FLAG", word)

    assert env_bool("SOME_FLAG", True) is False


def test_env_bool_refuses_a_typo(monkeypatch):
    monkeypatch.setenv("DEBUG", "ture")

    with pytest.raises(ImproperlyConfigured, match="DEBUG='ture' is not a yes/no value"):
        env_bool("DEBUG", False)


def test_env_bool_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)

    assert env_bool("SOME_FLAG", True) is True


def test_env_int_refuses_words(monkeypatch):
    monkeypatch.setenv("CONN_MAX_AGE", "sixty")

    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("CONN_MAX_AGE", 60)


def test_wsgi_defaults_to_production_and_refuses_without_secret_key():
    started = run_python(LOAD_WSGI, ALLOWED_HOSTS="news.example.com")

    assert started.returncode != 0
    assert "SECRET_KEY must be set in production" in started.stderr


def test_production_refuses_the_development_key():
    from config.settings.base import DEV_SECRET_KEY

    started = run_python(LOAD_WSGI, SECRET_KEY=DEV_SECRET_KEY, ALLOWED_HOSTS="news.example.com")

    assert started.returncode != 0
    assert "SECRET_KEY must be set in production" in started.stderr


def test_production_refuses_without_allowed_hosts():
    started = run_python(LOAD_WSGI, SECRET_KEY=GOOD_KEY)

    assert started.returncode != 0
    assert "ALLOWED_HOSTS must list the site's host names" in started.stderr


def test_production_refuses_the_demo_password():
    started = run_python(LOAD_WSGI, **PRODUCTION_ENV, DEMO_PASSWORD="moderato-demo-2026")

    assert started.returncode != 0
    assert "DEMO_PASSWORD is set" in started.stderr


def test_production_starts_when_configured(tmp_path):
    empty = f"sqlite:///{tmp_path / 'new.sqlite3'}"  # not the developer's own database

    started = run_python(LOAD_WSGI, **PRODUCTION_ENV, DATABASE_URL=empty)

    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "False"


def test_production_refuses_a_debug_typo_elsewhere_too():
    started = run_python(LOAD_WSGI, **PRODUCTION_ENV, SECURE_SSL_REDIRECT="ture")

    assert started.returncode != 0
    assert "SECURE_SSL_REDIRECT='ture' is not a yes/no value" in started.stderr


def test_a_database_moderato_cannot_run_on_is_refused_at_start():
    started = run_python(LOAD_WSGI, **PRODUCTION_ENV, DATABASE_URL="mysql://root@127.0.0.1/news")

    assert started.returncode != 0
    assert "Moderato runs on SQLite or PostgreSQL" in started.stderr


def test_test_settings_use_redis_when_redis_url_is_set():
    code = (
        "from django.conf import settings; c = settings.CACHES['default'];"
        "print(c['BACKEND'], c['LOCATION'], c['KEY_PREFIX'])"
    )
    started = run_python(
        code, DJANGO_SETTINGS_MODULE="config.settings.test", REDIS_URL="redis://127.0.0.1:6379/2"
    )

    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/2",
        "moderato-test",
    ]


def test_ci_run_fails_when_the_samples_are_missing(tmp_path):
    started = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "config/tests/test_settings.py"],
        cwd=REPO,
        env={**os.environ, "CI": "true", "MODERATO_SAMPLES": str(tmp_path / "missing")},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert started.returncode != 0
    assert "CI is set but the sample files are missing" in started.stdout + started.stderr


@pytest.mark.django_db
def test_setup_demo_refuses_without_debug(settings):
    from django.contrib.auth.models import User

    settings.DEBUG = False

    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("setup_demo")
    assert not User.objects.filter(username="demo").exists()


@pytest.mark.django_db
def test_setup_demo_makes_the_demo_moderator_with_debug(settings, capsys):
    from django.contrib.auth.models import User

    settings.DEBUG = True

    call_command("setup_demo")

    assert User.objects.get(username="demo").check_password("moderato-demo-2026")
    assert "http://127.0.0.1:8000/accounts/login/" in capsys.readouterr().out


@pytest.mark.django_db
def test_setup_demo_prints_the_address_make_run_serves(settings, capsys):
    settings.DEBUG = True

    call_command("setup_demo", "--address", "0.0.0.0:8123")

    assert "http://0.0.0.0:8123/accounts/login/" in capsys.readouterr().out


def test_env_example_lists_every_variable_the_code_reads():
    import re

    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.M))
    sources = [*REPO.glob("config/settings/*.py"), REPO / "config/wsgi.py", REPO / "conftest.py"]
    sources += REPO.glob("*/management/commands/*.py")
    read = set()
    for path in sources:
        text = path.read_text()
        read |= set(
            re.findall(r"""(?:environ(?:\.get)?|env_\w+)\(\s*["']([A-Z][A-Z0-9_]+)""", text)
        )
        read |= set(re.findall(r"""environ\[["']([A-Z][A-Z0-9_]+)["']\]""", text))
    read -= {"DJANGO_ALLOW_ASYNC_UNSAFE"}  # set by the browser tests, not read

    assert read, "the pattern found nothing: it no longer matches how settings read"
    assert read <= listed, sorted(read - listed)


@pytest.mark.django_db
def test_the_demo_account_with_the_demo_password_stops_start_up():
    from config.startup import refuse_demo_account

    demo = make_user("demo", is_staff=True)
    demo.set_password("moderato-demo-2026")
    demo.save()

    with pytest.raises(ImproperlyConfigured, match="still has the published demo password"):
        refuse_demo_account()

    demo.set_password("a-real-password-nobody-printed")
    demo.save()
    refuse_demo_account()  # a changed password: start-up goes on


def test_production_server_refuses_to_start_with_the_demo_account(tmp_path):
    database = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    local = {"DJANGO_SETTINGS_MODULE": "config.settings.base", "DATABASE_URL": database}
    migrated = run_python(
        "import django; django.setup(); from django.core.management import call_command;"
        "call_command('migrate', verbosity=0); call_command('setup_demo', verbosity=0)",
        **local,
    )
    assert migrated.returncode == 0, migrated.stderr

    started = run_python(LOAD_WSGI, **PRODUCTION_ENV, DATABASE_URL=database)

    assert started.returncode != 0
    assert "still has the published demo password" in started.stderr
