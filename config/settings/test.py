"""Test settings: fast hashing, plain static storage, an isolated cache."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import STORAGES

# Trained models go to a throwaway directory, never the checkout's media/.
TRIAGE_MODEL_DIR = Path(tempfile.mkdtemp(prefix="moderato-test-models-"))

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
