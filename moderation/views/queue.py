"""The queue: tabs, filters, a page of rows, and bulk decisions."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from articles.models import Article

from .. import selectors, services, tasks
from ..forms import BulkForm, HideForm, QueueFilterForm, error_text
from ..tabs import TABS
from .common import back, controls_context, moderator_required
from .jobs import desk_jobs_context

FILTER_KEYS = [name for name in QueueFilterForm.base_fields if name != "tab"]
MORE_FILTERS = ["author", "date_from", "date_to", "source_status", "staff", "marker"]


@require_safe
@moderator_required
def queue(request):
    form = QueueFilterForm(request.GET)
    filters = form.filters()
    page, counts, newest_id = selectors.queue_page(filters, request.GET.get("page"))
    article = None
    if "article" in filters:
        article = Article.objects.filter(pk=filters["article"]).only("title").first()
    context = {
        "page": page,
        "counts": counts,
        "filters": filters,
        "form": form,
        "article": article,
        "tabs": tab_links(request, filters, counts),
        "query": query_string(request, drop=("page",)),
        "filtered": any(key in filters for key in FILTER_KEYS if key != "order"),
        "dashboard_filters": dashboard_filters(form, filters),
        "more_filters": any(key in filters for key in MORE_FILTERS),
        "drawn_at": timezone.now(),
        "newest_id": newest_id,
        "reasons": HideForm.base_fields["reason"].choices,
        **controls_context(request),
        "queue": True,
        **desk_jobs_context(request.user),
        "bulk_job_threshold": settings.BULK_JOB_THRESHOLD,
    }
    return render(request, "moderation/queue.html", context)


def dashboard_filters(form: QueueFilterForm, filters: dict) -> list[dict]:
    """The filters a dashboard link set: kept as hidden fields, shown as plain words."""
    shown = []
    for name in selectors.DASHBOARD_FILTERS:
        if name not in filters:
            continue
        value = filters[name]
        field = form.fields[name]
        if name == "decided_by":
            words = {"automatic": "automatic decisions", "people": "people"}.get(value)
            words = words or person_name(value)
        elif hasattr(field, "choices"):
            words = dict(field.choices).get(value, value)
        elif name == "older_than":
            words = f"{value} h"
        else:
            words = value.isoformat()
        raw = value.isoformat() if hasattr(value, "isoformat") else value
        shown.append({"name": name, "value": raw, "label": FILTER_LABELS[name], "words": words})
    return shown


FILTER_LABELS = {
    "older_than": "Waiting longer than",
    "decided": "Decision",
    "decided_reason": "Reason",
    "decided_by": "Decided by",
    "decided_from": "Decided from",
    "decided_to": "Decided until",
    "reversal": "Only",
    "first_decided": "First decided on",
    "imported_from": "Imported from",
    "imported_to": "Imported until",
}


def person_name(pk: str) -> str:
    user = get_user_model().objects.filter(pk=pk).first()
    return (user.get_full_name() or user.get_username()) if user else "(unknown person)"


def query_string(request, drop=(), **changes) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


def tab_links(request, filters: dict, counts: dict) -> list[dict]:
    """Each tab keeps the other filters and starts again at page 1."""
    base = reverse("moderation:queue")
    return [
        {
            "tab": tab.name,
            "label": tab.label,
            "count": counts[tab.name],
            "url": f"{base}?{query_string(request, drop=('page',), tab=tab.name)}",
            "active": tab.name == filters["tab"],
        }
        for tab in TABS
    ]


@require_POST
@moderator_required
def bulk(request):
    """Approve or hide the selected rows, or every comment the filter matches now."""
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return back(request)
    data = form.cleaned_data
    arrived_since = 0
    if data["all_matching"]:
        filters = QueueFilterForm(request.POST).filters()
        threshold = settings.BULK_JOB_THRESHOLD
        selection = selectors.matching_ids(
            filters, data["newest_id"], data["drawn_at"], limit=threshold + 1
        )
        ids, expected, arrived_since = selection.ids, None, selection.arrived_since
        if len(ids) > threshold:
            start_job(request.user, data, filters)
            left_alone = (
                f" {arrived_since} that arrived after your page was drawn are left alone."
                if arrived_since
                else ""
            )
            messages.info(
                request,
                f"More than {threshold:,} comments match: the decision runs in the background. "
                f"Its progress and result show above the queue.{left_alone}",
            )
            return back(request)
    else:
        ids, expected = list(form.versions), form.versions
    result = run_bulk(request.user, data, ids, expected)
    messages.add_message(request, *bulk_message(data["decision"], result, arrived_since))
    return back(request)


def start_job(actor, data: dict, filters: dict):
    return tasks.start_bulk_decision(
        actor,
        decision=data["decision"],
        reason=data["reason"],
        note=data["note"],
        filters=filters,
        drawn_at=data["drawn_at"],
        newest_id=data.get("newest_id"),
    )


def run_bulk(actor, data: dict, ids: list[int], expected) -> services.BulkResult:
    since = data["drawn_at"] if data["all_matching"] else None
    if data["decision"] == "approve":
        return services.bulk_approve(
            ids, actor=actor, note=data["note"], expected=expected, unchanged_since=since
        )
    return services.bulk_hide(
        ids,
        actor=actor,
        reason=data["reason"],
        note=data["note"],
        expected=expected,
        unchanged_since=since,
    )


def bulk_message(
    decision: str, result: services.BulkResult, arrived_since: int = 0
) -> tuple[int, str]:
    verb = "Approved" if decision == "approve" else "Hid"
    parts = [f"{verb} {result.changed} comment{'s' if result.changed != 1 else ''}."]
    if result.unchanged:
        parts.append(f"{result.unchanged} already were.")
    if result.conflicts:
        parts.append(
            f"Skipped {result.conflicts} that changed since your page was drawn; look again."
        )
    if arrived_since:
        parts.append(
            f"Left alone {arrived_since} that arrived after your page was drawn; look again."
        )
    level = messages.WARNING if result.conflicts or arrived_since else messages.SUCCESS
    return level, " ".join(parts)
