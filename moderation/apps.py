from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self):
        from articles.importers import hooks

        from . import services

        # Imports tell us which approved comments their source rewrote (see hooks.py).
        hooks.record_source_changes_with(services.record_source_changes)
