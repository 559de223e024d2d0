"""The offensive-language score: alt-profanity-check's bundled linear model, no download.

Scored through its compiled table (see `linear`), not scikit-learn: the table is made once
per installed package version, in a child process (so no app process ever holds
scikit-learn for it), and kept in TRIAGE_MODEL_DIR; every process then reads that file
(~0.1 s) on first use.
"""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys
from functools import cache
from pathlib import Path

from django.conf import settings

from .linear import LinearText

PACKAGE_FILES = ("vectorizer.joblib", "model.joblib")


def package_digest() -> str:
    """Which trained model the installed alt-profanity-check ships (its files' SHA-256)."""
    digest = hashlib.sha256()
    # Found without importing it: importing the package loads its model with scikit-learn.
    spec = importlib.util.find_spec("profanity_check")
    data = Path(spec.submodule_search_locations[0]) / "data"
    for name in PACKAGE_FILES:
        digest.update((data / name).read_bytes())
    return digest.hexdigest()[:16]


def table_path() -> Path:
    return Path(settings.TRIAGE_MODEL_DIR) / f"profanity-check-{package_digest()}.json.z"


@cache
def offensive_model() -> LinearText:
    path = table_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written atomically by the child: a process reading meanwhile never sees half a file.
        subprocess.run(  # noqa: S603 - our own interpreter and module, a path we made
            [sys.executable, "-m", "moderation.triage.linear", str(path)],
            cwd=settings.BASE_DIR,
            check=True,
        )
    return LinearText.from_bytes(path.read_bytes())
