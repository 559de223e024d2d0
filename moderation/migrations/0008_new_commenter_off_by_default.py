"""The new-commenter rule is off until a Moderator turns it on.

Its old default (on, K=1) held and marked every comment of a new site. A rules row nobody has
saved (no `updated_by`) still holds the old default, not a choice: it follows the new one.
"""

from django.db import migrations, models


def follow_the_new_default(apps, schema_editor):
    TriageRules = apps.get_model("moderation", "TriageRules")
    TriageRules.objects.filter(updated_by__isnull=True).update(new_commenter_enabled=False)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0007_dashboard_permission_and_backfill")]

    operations = [
        migrations.AlterField(
            model_name="triagerules",
            name="new_commenter_enabled",
            field=models.BooleanField(
                default=False,
                help_text="Turn on once this site has approved comments from its regular readers.",
                verbose_name="hold new commenters",
            ),
        ),
        migrations.RunPython(follow_the_new_default, migrations.RunPython.noop),
    ]
