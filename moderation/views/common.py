"""Access rules and the two ways an action answers: a redrawn row, or a redirect."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme

from .. import services
from ..forms import HideForm

# Sent by static/moderation/desk.js: answer with the redrawn row, not a redirect.
ROW_HEADER = "X-Desk-Row"


def moderator_required(view):
    """Anonymous: to the login page. Signed in without the right: 403."""
    return login_required(permission_required(services.MODERATE_PERM, raise_exception=True)(view))


def replier_required(view):
    return login_required(permission_required(services.REPLY_PERM, raise_exception=True)(view))


def wants_row(request) -> bool:
    return request.headers.get(ROW_HEADER) == "1"


def back(request, default: str = "moderation:queue"):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


def controls_context(request) -> dict:
    """What every drawing of the decision controls needs, computed once per page."""
    reasons = HideForm.base_fields["reason"].choices
    return {
        "reason_options": format_html_join("", '<option value="{}">{}</option>', reasons),
        "can_reply": request.user.has_perm(services.REPLY_PERM),
    }
