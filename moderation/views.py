from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from articles.models import Comment

from . import services
from .forms import DecisionForm, HideForm, ReplyForm

QUEUE_PAGE_SIZE = 50


def moderator_required(view):
    """Anonymous: to the login page. Signed in without the right: 403."""
    return login_required(permission_required(services.MODERATE_PERM, raise_exception=True)(view))


@require_safe
@moderator_required
def queue(request):
    comments = (
        Comment.objects.pending().select_related("article", "parent").order_by("-created_at", "-id")
    )
    page = Paginator(comments, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/queue.html",
        {"page": page, "hide_form": HideForm(), "reply_form": ReplyForm()},
    )


def back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("moderation:queue")


def expected_version(request) -> int | None:
    form = DecisionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else None


def run(request, action, success: str):
    try:
        action()
    except services.ModerationConflict as conflict:
        messages.warning(request, f"Not changed: someone got there first. {conflict}")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return back(request)


@require_POST
@moderator_required
def approve(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    return run(
        request,
        lambda: services.approve(
            comment, actor=request.user, expected_version=expected_version(request)
        ),
        f"Approved the comment by {comment.author_name or 'Anonymous'}.",
    )


@require_POST
@moderator_required
def hide(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return back(request)
    return run(
        request,
        lambda: services.hide(
            comment,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            expected_version=expected_version(request),
        ),
        f"Hid the comment by {comment.author_name or 'Anonymous'}.",
    )


@require_POST
@login_required
@permission_required(services.REPLY_PERM, raise_exception=True)
def reply(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return back(request)
    return run(
        request,
        lambda: services.reply(comment, actor=request.user, body=form.cleaned_data["body"]),
        f"Published your reply to {comment.author_name or 'Anonymous'}.",
    )
