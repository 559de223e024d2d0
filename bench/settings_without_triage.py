"""Local settings with the import's after-load hook (triage) off: the loader alone, for bench.imports."""

from config.settings.base import *  # noqa: F403

IMPORT_AFTER_LOAD = ""
