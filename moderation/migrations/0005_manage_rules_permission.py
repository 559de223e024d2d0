"""Moderators may edit the triage rules; the rules row exists from the start."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="moderation", codename="manage_rules")
    )
    apps.get_model("moderation", "TriageRules").objects.get_or_create(pk=1)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    apps.get_model("auth", "Group").permissions.through.objects.filter(
        permission__in=Permission.objects.filter(codename="manage_rules")
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("moderation", "0004_triage_rules_markers_models")]

    operations = [migrations.RunPython(grant, revoke)]
