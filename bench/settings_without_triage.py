"""Local settings with the import's after-load hook (triage) off: bench.imports' loader alone."""

from config.settings.base import *  # noqa: F403

IMPORT_AFTER_LOAD = ""
