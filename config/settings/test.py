"""Test settings: fast hashing, plain static storage, and the cache the environment names.

With `REDIS_URL` (CI's PostgreSQL pass) the tests use that Redis database under their own key
prefix, so they exercise the cache production uses; without it, local memory.
"""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CACHES, STORAGES

# Trained models go to a throwaway directory, never the checkout's media/.
TRIAGE_MODEL_DIR = Path(tempfile.mkdtemp(prefix="moderato-test-models-"))

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The cache base.py picks (Redis with REDIS_URL, else local memory), under the tests' own key
# prefix: conftest.clear_test_cache deletes only keys under it.
TEST_CACHE_KEY_PREFIX = os.environ.get("TEST_CACHE_KEY_PREFIX", "moderato-test")
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": TEST_CACHE_KEY_PREFIX}}

# Worker tests run `manage.py jobs_worker` in a subprocess against the test database,
# so on SQLite it must be a file, not memory; one per test run, so two runs never share it.
# The worker is told the test run's media directory (jobs.testing.start_worker).
RUN_ID = os.environ.get("MODERATO_TEST_RUN", str(os.getpid()))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"moderato-test-{RUN_ID}.sqlite3")
    }
MEDIA_ROOT = Path(tempfile.gettempdir()) / f"moderato-test-media-{RUN_ID}"
JOBS_HEARTBEAT_SECONDS = 0.2
JOBS_POLL_SECONDS = 0.25
JOBS_STALE_AFTER_SECONDS = 2
JOBS_HOUSEKEEPING_SECONDS = 0.3
