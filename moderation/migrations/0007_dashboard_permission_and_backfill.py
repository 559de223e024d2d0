"""Moderators and Editors may see the dashboard; its counts start from the existing event log."""

from django.db import migrations

ROLES = {
    "Moderators": [("moderation", "view_dashboard")],
    "Editors": [("moderation", "view_dashboard")],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def backfill(apps, schema_editor):
    from moderation.rollup import rebuild

    rebuild(apps)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0006_dashboard_counts_and_email_settings")]

    operations = [
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
