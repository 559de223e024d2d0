from django.urls import path

from . import views
from .views import rules

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("bulk/", views.bulk, name="bulk"),
    path("comments/<int:pk>/", views.comment, name="comment"),
    path("comments/<int:pk>/approve/", views.approve, name="approve"),
    path("comments/<int:pk>/hide/", views.hide, name="hide"),
    path("comments/<int:pk>/hide-removed/", views.hide_removed, name="hide_removed"),
    path("comments/<int:pk>/restore/", views.restore, name="restore"),
    path("comments/<int:pk>/reply/", views.reply, name="reply"),
    path("comments/<int:pk>/edit-reply/", views.edit_reply, name="edit_reply"),
    path("articles/<int:pk>/", views.article, name="article"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("imports/", views.import_runs, name="imports"),
    path("rules/", rules.rules, name="rules"),
    path("rules/run/", rules.run, name="rules_run"),
    path("rules/undo/", rules.undo, name="rules_undo"),
    path("rules/train/", rules.train, name="rules_train"),
    path(
        "imports/<int:pk>/accept-statuses/",
        views.import_accept_statuses,
        name="import_accept_statuses",
    ),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("settings/email/", views.email_settings, name="email_settings"),
    path("dashboard/<slug:name>.csv", views.dashboard_export, name="dashboard_export"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/desk/", views.desk_jobs, name="desk_jobs"),
]
