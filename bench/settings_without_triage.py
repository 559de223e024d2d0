"""Local settings with triage off: neither the parse worker's reading of each comment's text
(IMPORT_READ_COMMENTS) nor the after-load hook that judges them. bench.imports' loader alone."""

from config.settings.base import *  # noqa: F403

IMPORT_READ_COMMENTS = ""
IMPORT_AFTER_LOAD = ""
