"""Editors import files from the web: upload, preview (a job; nothing written), confirm (a job)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from articles.importers.service import ImportFailed
from articles.importers.staging import confirm_import, stage_upload
from articles.models import ImportRun, PendingImport
from articles.tasks import import_staged
from jobs.models import Job
from jobs.services import kind_of

from .. import services
from ..forms import ImportUploadForm
from .common import moderator_required
from .jobs import is_htmx

IMPORT_PERM = "articles.import_articles"
RUNS_PER_PAGE = 50
JOBS_LISTED = 10  # the latest import jobs, with their state, above the history
IMPORT_KIND = kind_of(import_staged)


def importer_required(view):
    return login_required(permission_required(IMPORT_PERM, raise_exception=True)(view))


def too_large(request) -> bool:
    """Refuse by the declared size before Django reads a byte of the upload."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.IMPORT_MAX_UPLOAD_BYTES + 64 * 1024  # room for the form fields


@require_http_methods(["GET", "POST"])
@importer_required
def upload(request):
    limit = filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES)
    if request.method == "POST" and too_large(request):
        form = ImportUploadForm()
        form.add_error(None, f"The file is larger than the upload limit of {limit}.")
        return render(request, "moderation/import_upload.html", {"form": form}, status=413)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            pending = stage_upload(
                upload,
                file_name=upload.name,
                user=request.user,
                format=form.cleaned_data["format"] or None,
                all_pending=form.cleaned_data["all_pending"],
            )
        except ImportFailed as error:
            form.add_error("file", f"{error} Nothing was imported.")
        else:
            return redirect("moderation:import_preview", pk=pending.pk)
    status = 400 if form.errors else 200
    return render(request, "moderation/import_upload.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@importer_required
def preview(request, pk):
    """While the preview job runs, its progress; then the preview and the confirm button."""
    pending = get_object_or_404(
        PendingImport.objects.select_related("preview_job", "import_job"), pk=pk, user=request.user
    )
    if request.method == "POST":
        try:
            job = confirm_import(pending, user=request.user)
        except ImportFailed as error:
            messages.error(request, f"{error} Nothing was imported.")
            return redirect("moderation:import")
        return redirect("moderation:job", pk=job.pk)
    template = (
        "moderation/_import_state.html" if is_htmx(request) else "moderation/import_preview.html"
    )
    return render(request, template, {"pending": pending, "job": pending.preview_job})


def history_reader_required(view):
    """Editors see what they imported; moderators see it too, to accept held statuses."""

    def check(request, *args, **kwargs):
        if not (
            request.user.has_perm(IMPORT_PERM) or request.user.has_perm(services.MODERATE_PERM)
        ):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(check)


@require_safe
@history_reader_required
def runs(request):
    runs = ImportRun.objects.select_related("user", "statuses_decided_by").defer("held_statuses")
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    jobs = Job.objects.filter(kind=IMPORT_KIND).select_related("created_by")[:JOBS_LISTED]
    return render(request, "moderation/import_list.html", {"page": page, "jobs": jobs})


@require_POST
@moderator_required
def accept_statuses(request, pk):
    """A moderator accepts, in their name, the statuses an import's file carried."""
    run = get_object_or_404(ImportRun, pk=pk)
    try:
        result = services.accept_source_statuses(run, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        text = f"Accepted the source's statuses of {run.file_name}: {result.changed} changed"
        if result.conflicts:
            text += f", {result.conflicts} left as a person decided them since"
        messages.success(request, text + ".")
    return redirect("moderation:imports")
