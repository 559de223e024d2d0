"""The team's view: queue age, decisions, waits, moderators, busy articles, imports; CSV of each."""

import csv

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .. import dashboard as figures
from .. import services
from ..models import ModerationEvent

DASHBOARD_PERM = "moderation.view_dashboard"
ACTION_LABELS = [(a, ModerationEvent.Action(a).label) for a in figures.DECISION_ACTIONS]


def dashboard_viewer_required(view):
    """Anonymous: to the login page. Signed in without the right: 403."""
    return login_required(permission_required(DASHBOARD_PERM, raise_exception=True)(view))


def chosen_period(request) -> figures.Period:
    """`?days=7|30|90` in the URL; anything else is the default week."""
    try:
        days = int(request.GET.get("days", figures.DEFAULT_PERIOD))
    except ValueError:
        days = figures.DEFAULT_PERIOD
    return figures.period_ending_today(days if days in figures.PERIODS else figures.DEFAULT_PERIOD)


@require_safe
@dashboard_viewer_required
def dashboard(request):
    data = figures.dashboard(chosen_period(request))
    reasons_used = [r for r in figures.Reason if data.decisions.totals.by_reason[r]]
    context = {
        "data": data,
        "periods": figures.PERIODS,
        "actions": ACTION_LABELS,
        "reasons_used": [(r.value, r.label) for r in reasons_used],
        "imports": [day for day in data.imports if day.runs],
        "chart_data": chart_data(data),
        # Editors see the figures; only those who may moderate can open the queue.
        "can_open_queue": request.user.has_perm(services.MODERATE_PERM),
    }
    return render(request, "moderation/dashboard.html", context)


def chart_data(data: figures.Dashboard) -> dict:
    """What static/moderation/dashboard.js draws; the page's tables hold the same numbers."""
    labels = [day.day.isoformat() for day in data.decisions.days]
    return {
        "waits": {
            "labels": labels,
            "series": [
                {
                    "label": "Median (minutes)",
                    "data": [minutes(d.median_seconds) for d in data.waits],
                },
                {
                    "label": "90th percentile (minutes)",
                    "data": [minutes(d.p90_seconds) for d in data.waits],
                },
            ],
        },
        "decisions": {
            "labels": labels,
            "series": [
                {"label": label, "data": [d.by_action[action] for d in data.decisions.days]}
                for action, label in ACTION_LABELS
            ],
        },
        "who": {
            "labels": labels,
            "series": [
                {"label": "By people", "data": [d.by_people for d in data.decisions.days]},
                {"label": "Automatic", "data": [d.automatic for d in data.decisions.days]},
            ],
        },
    }


def minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


@require_safe
@dashboard_viewer_required
def export(request, name: str):
    """The numbers behind one chart or table, as CSV for the chosen period."""
    period = chosen_period(request)
    writers = {
        "waits": waits_rows,
        "decisions": decisions_rows,
        "moderators": moderators_rows,
        "busiest-articles": busiest_rows,
        "imports": imports_rows,
    }
    if name not in writers:
        raise Http404("No such table.")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"moderato-{name}-{period.first}-to-{period.last}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    csv.writer(response).writerows(writers[name](period))
    return response


def waits_rows(period):
    yield ["day", "first_decisions", "median_seconds", "p90_seconds"]
    for day in figures.wait_figures(period):
        yield [day.day, day.decided, blank(day.median_seconds), blank(day.p90_seconds)]


def decisions_rows(period):
    reasons = list(figures.Reason)
    yield [
        "day",
        *[action for action, _ in ACTION_LABELS],
        *[f"hidden_{reason}" for reason in reasons],
        "automatic",
        "by_people",
        "reversals",
    ]
    for day in figures.decision_figures(period).days:
        yield [
            day.day,
            *[day.by_action[action] for action, _ in ACTION_LABELS],
            *[day.by_reason[reason] for reason in reasons],
            day.automatic,
            day.by_people,
            day.reversals,
        ]


def moderators_rows(period):
    yield ["moderator", *[action for action, _ in ACTION_LABELS], "total", "reversals"]
    for who in figures.decision_figures(period).moderators:
        by_action = [who.by_action.get(action, 0) for action, _ in ACTION_LABELS]
        yield [who.name, *by_action, who.total, who.reversals]


def busiest_rows(period):
    yield ["article_id", "title", "pending"]
    for article in figures.pending_figures()[1]:
        yield [article.article_id, article.title, article.pending]


def imports_rows(period):
    yield ["day", "runs", "failed", "comments_created", "created_pending"]
    for day in figures.import_figures(period):
        yield [day.day, day.runs, day.failed, day.comments_created, day.created_pending]


def blank(value):
    return "" if value is None else round(value, 1)
