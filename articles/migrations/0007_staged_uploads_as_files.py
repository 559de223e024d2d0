import django.db.models.deletion
from django.db import migrations, models


def forget_staged_uploads(apps, schema_editor):
    # Uploads waiting for confirmation lived in database rows; their bytes cannot follow
    # into files here. They are at most a day old: the editor uploads again.
    apps.get_model("articles", "PendingImport").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_banned_word_reason"),
        ("jobs", "0001_job_and_schedule"),
    ]

    operations = [
        migrations.RunPython(forget_staged_uploads, migrations.RunPython.noop),
        migrations.RemoveField(model_name="pendingimport", name="data"),
        migrations.AddField(
            model_name="pendingimport",
            name="file",
            field=models.FileField(default="", max_length=300, upload_to="staged-imports/%Y/%m/"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="pendingimport",
            name="import_job",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="jobs.job",
            ),
        ),
        migrations.AddField(
            model_name="pendingimport",
            name="preview_job",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="jobs.job",
            ),
        ),
    ]
