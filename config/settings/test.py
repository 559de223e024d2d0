"""Test settings: fast hashing, plain static storage, an isolated cache."""

from .base import *  # noqa: F403
from .base import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Worker tests run `manage.py jobs_worker` in a subprocess against the test database,
# so on SQLite it must be a file, not memory.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
JOBS_HEARTBEAT_SECONDS = 0.2
JOBS_STALE_AFTER_SECONDS = 2
JOBS_HOUSEKEEPING_SECONDS = 0.3
