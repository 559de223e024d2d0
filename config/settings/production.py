"""Production mode: `DJANGO_SETTINGS_MODULE=config.settings.production` (what `config/wsgi.py`
loads unless told otherwise).

It fails closed: without a real `SECRET_KEY` and an `ALLOWED_HOSTS` list, or with the demo
password configured, the process refuses to start instead of running with a guess. It passes
`check --deploy`.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEV_SECRET_KEY, STORAGES, env_bool, env_int, env_list

MIN_SECRET_KEY_LENGTH = 50


def required_secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if not key or key == DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production (a random string of 50+ characters)."
        )
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 5:
        raise ImproperlyConfigured(
            f"SECRET_KEY is too weak: use {MIN_SECRET_KEY_LENGTH}+ random characters."
        )
    return key


def required_hosts() -> list[str]:
    hosts = env_list("ALLOWED_HOSTS", "")
    if not hosts:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must list the site's host names in production (comma-separated)."
        )
    return hosts


def refuse_demo_password() -> None:
    # The demo account is for `make run`; its password is printed in the README.
    if os.environ.get("DEMO_PASSWORD"):
        raise ImproperlyConfigured(
            "DEMO_PASSWORD is set: demo accounts are for local use only. Unset it in production."
        )


DEBUG = False
SECRET_KEY = required_secret_key()
ALLOWED_HOSTS = required_hosts()
refuse_demo_password()
# A copy: never change the dict base.py (and so other settings modules) share.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
