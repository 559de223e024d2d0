"""Test settings: fast hashing, plain static storage, and the cache the environment names.

With `REDIS_URL` (CI's PostgreSQL pass) the tests use that Redis database under their own key
prefix, so they exercise the cache production uses; without it, local memory.
"""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import REDIS_URL, STORAGES

# Trained models go to a throwaway directory, never the checkout's media/.
TRIAGE_MODEL_DIR = Path(tempfile.mkdtemp(prefix="moderato-test-models-"))

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TEST_CACHE_KEY_PREFIX = os.environ.get("TEST_CACHE_KEY_PREFIX", "moderato-test")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": TEST_CACHE_KEY_PREFIX,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
