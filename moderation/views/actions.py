"""One decision on one comment: a plain form POST, or a redrawn row for desk.js."""

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles.models import Comment

from .. import selectors, services
from ..forms import DecisionForm, EditReplyForm, HideForm, QueueFilterForm, ReplyForm, error_text
from ..tabs import DEFAULT_TAB, status_of
from ..templatetags.desk import tally
from .common import back, controls_context, moderator_required, replier_required, wants_row

# The queue's new tab counts, as JSON, on a redrawn row (static/moderation/desk.js).
COUNTS_HEADER = "X-Desk-Counts"

LEVELS = {"success": messages.SUCCESS, "warning": messages.WARNING, "danger": messages.ERROR}


@dataclass
class Outcome:
    level: str  # a Bootstrap alert colour
    text: str
    status: int = 200


def attempt(action, success: str) -> Outcome:
    try:
        action()
    except services.ModerationConflict as conflict:
        text = f"Not changed: someone got there first. {conflict} Choose again if you mean it."
        return Outcome("warning", text, 409)
    except ValidationError as error:
        return Outcome("danger", " ".join(error.messages), 400)
    return Outcome("success", success)


def answer(request, comment: Comment, outcome: Outcome):
    """The redrawn row for desk.js; otherwise a message and a redirect back."""
    if not wants_row(request):
        messages.add_message(request, LEVELS[outcome.level], outcome.text)
        return back(request)
    comment = Comment.objects.select_related("article", "parent", "triage").get(pk=comment.pk)
    tab = request.POST.get("tab", DEFAULT_TAB)
    status = status_of(tab)
    context = {
        "comment": comment,
        "notice": outcome,
        "done": outcome.level == "success" and status not in (None, comment.status),
        "tab": tab,
        "next_url": request.POST.get("next", ""),
        **controls_context(request),
        "queue": True,
    }
    response = render(request, "moderation/_row.html", context, status=outcome.status)
    counts = queue_counts_for(request.POST.get("next", ""))
    if counts is not None:
        response.headers[COUNTS_HEADER] = json.dumps(counts)
    return response


def queue_counts_for(next_url: str) -> dict[str, str] | None:
    """The queue's tab counts after the decision, for desk.js to show without a reload.

    Only when the row was drawn on the queue: its filters are in the `next` URL.
    """
    parts = urlsplit(next_url)
    if parts.path != reverse("moderation:queue"):
        return None
    filters = QueueFilterForm(QueryDict(parts.query)).filters()
    return {tab: tally(count) for tab, count in selectors.queue_counts(filters).items()}


def seen_version(request) -> int | None:
    form = DecisionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else None


def who(comment: Comment) -> str:
    return comment.author_name or "Anonymous"


def decide_on(request, pk, change, done: str, form=None):
    """Run one service on the comment for this user (with the version their page showed and
    the form's fields) and answer with how it went; `done` says what happened to "{who}"."""
    comment = get_object_or_404(Comment, pk=pk)
    if form is not None and not form.is_valid():
        return answer(request, comment, Outcome("danger", error_text(form), 400))
    version = seen_version(request)
    fields = form.cleaned_data if form is not None else {}
    outcome = attempt(
        lambda: change(comment, actor=request.user, expected_version=version, **fields),
        done.format(who=who(comment)),
    )
    return answer(request, comment, outcome)


@require_POST
@moderator_required
def approve(request, pk):
    return decide_on(request, pk, services.approve, "Approved the comment by {who}.")


@require_POST
@moderator_required
def hide(request, pk):
    form = HideForm(request.POST)
    return decide_on(request, pk, services.hide, "Hid the comment by {who}.", form)


@require_POST
@moderator_required
def hide_removed(request, pk):
    """One key on the desk: hide a comment the source deleted after it was approved."""
    done = "Hid the comment by {who}: removed at source."
    return decide_on(request, pk, services.hide_removed_at_source, done)


@require_POST
@moderator_required
def restore(request, pk):
    """Reverse a decision: the comment goes back to pending, with a new event."""
    done = "Returned the comment by {who} to pending."
    return decide_on(request, pk, services.restore, done)


@require_POST
@replier_required
def reply(request, pk):
    form = ReplyForm(request.POST)
    return decide_on(request, pk, services.reply, "Published your reply to {who}.", form)


@require_POST
@replier_required
def edit_reply(request, pk):
    """Staff edit their own reply; the old text is kept in the event."""
    staff_reply = get_object_or_404(Comment, pk=pk, is_staff_reply=True)
    form = EditReplyForm(request.POST)
    if form.is_valid():
        version = seen_version(request)
        outcome = attempt(
            lambda: services.edit_reply(
                staff_reply,
                actor=request.user,
                body=form.cleaned_data["body"],
                expected_version=version,
            ),
            "Saved your edited reply.",
        )
        messages.add_message(request, LEVELS[outcome.level], outcome.text)
    else:
        messages.error(request, error_text(form))
    return redirect("moderation:comment", pk=staff_reply.parent_id or staff_reply.pk)
