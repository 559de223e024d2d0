"""Progress of background jobs: one job's page, and the bulk jobs on the desk (htmx polls both)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from jobs.models import Job

from .. import selectors
from ..triage.tasks import TRIAGE_KINDS
from .common import moderator_required


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def desk_jobs_context(user) -> dict:
    jobs = selectors.bulk_jobs_to_show(user)
    return {"bulk_jobs": jobs, "bulk_jobs_active": any(job.active for job in jobs)}


@require_safe
@moderator_required
def desk_jobs(request):
    """The desk's panel of this moderator's bulk jobs (what htmx swaps in while one runs)."""
    return render(request, "moderation/_desk_jobs.html", desk_jobs_context(request.user))


@require_safe
@login_required
def job(request, pk):
    """A job's progress and result, for the person who started it."""
    job = get_object_or_404(Job.objects.select_related("created_by"), pk=pk)
    if job.created_by_id != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied("This is someone else's job.")
    template = "moderation/_job.html" if is_htmx(request) else "moderation/job.html"
    return render(request, template, {"job": job, "job_home": job_home(job)})


def job_home(job: Job) -> dict:
    """The page a job belongs to: triage jobs to the rules page, imports to their history."""
    if job.kind in TRIAGE_KINDS:
        return {"url": reverse("moderation:rules"), "label": "Rules", "after": "Back to the rules"}
    return {
        "url": reverse("moderation:imports"),
        "label": "Imports",
        "after": "See the import history",
    }
