"""Production settings served locally from a throwaway folder (the page bench, Lighthouse)."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def environment(tmp: Path, settings_module: str, name: str) -> dict[str, str]:
    """The environment that runs `settings_module` (a file in `tmp` that imports the production
    settings) on a SQLite database in `tmp`, for 127.0.0.1 over plain HTTP."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp), str(REPO)]),
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": f"sqlite:///{tmp / f'{name}.sqlite3'}",
        "SECRET_KEY": f"{name}-{os.urandom(24).hex()}",  # a fresh one each run: nothing to leak
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "false",
    }
    env.pop("REDIS_URL", None)  # the settings file names its own cache
    return env
