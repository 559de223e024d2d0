"""The rules page: edit the rules, try them on a text, preview them over the pending queue,
run them, undo what a rule decided, and train the learned score."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Comment

from .. import selectors, services
from ..models import LearnedModel, TriageRules
from ..triage import learning, tasks
from ..triage.forms import RulesForm, TestBoxForm, UndoRuleForm
from ..triage.service import preview, run_over_pending, try_text

MANAGE_RULES_PERM = "moderation.manage_rules"


def rules_manager_required(view):
    return login_required(permission_required(MANAGE_RULES_PERM, raise_exception=True)(view))


@require_http_methods(["GET", "POST"])
@rules_manager_required
def rules(request):
    """GET shows; POST with action=save saves, action=test or preview only reads."""
    current = TriageRules.current()
    form = RulesForm(request.POST or None, instance=current)
    test_form = TestBoxForm(request.POST or None)
    context = {"verdict": None, "preview": None}
    action = request.POST.get("action", "")
    if request.method == "POST" and form.is_valid() and test_form.is_valid():
        if action == "save":
            saved = form.save(commit=False)
            saved.updated_at, saved.updated_by = timezone.now(), request.user
            saved.save()
            messages.success(
                request,
                "Saved the rules. They apply to new comments; run them "
                "over the pending queue to apply them there too.",
            )
            return redirect("moderation:rules")
        if action == "test" and test_form.cleaned_data["text"].strip():
            context["verdict"] = try_text(form.unsaved_rules(), **test_form.cleaned_data)
        if action == "preview":
            context["preview"] = preview(form.unsaved_rules())
    status = 400 if request.method == "POST" and (form.errors or test_form.errors) else 200
    context = page_context(request.user, form, test_form, context)
    return render(request, "moderation/rules.html", context, status=status)


def page_context(user, form, test_form, extra: dict) -> dict:
    model = LearnedModel.objects.defer("data").first()
    required, each = learning.required_decisions()
    return {
        "form": form,
        "test_form": test_form,
        "undo_form": UndoRuleForm(initial={"since": timezone.now() - timezone.timedelta(days=1)}),
        "model": model,
        "required": required,
        "required_each": each,
        "pending": Comment.objects.pending().count(),
        "triage_jobs": selectors.triage_jobs_to_show(user),
        **extra,
    }


@require_POST
@rules_manager_required
def run(request):
    """Run the saved rules over the pending queue: at once when it is small, else as a job."""
    if Comment.objects.pending().count() > settings.BULK_JOB_THRESHOLD:
        return redirect("moderation:job", tasks.start_run_over_pending(request.user).pk)
    result = run_over_pending()
    messages.success(request, result.summary())
    return redirect("moderation:rules")


@require_POST
@rules_manager_required
def undo(request):
    """Return to pending everything one rule decided since a moment (a job when many)."""
    form = UndoRuleForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("moderation:rules")
    rule, since = form.cleaned_data["rule"], form.cleaned_data["since"]
    if services.comments_decided_by_rule(rule, since).count() > settings.BULK_JOB_THRESHOLD:
        job = tasks.start_undo_rule(request.user, rule=rule, since=since)
        return redirect("moderation:job", job.pk)
    result = services.undo_rule(rule, since=since, actor=request.user)
    messages.success(request, tasks.undo_summary(result))
    return redirect("moderation:rules")


@require_POST
@rules_manager_required
def train(request):
    """Train the learned score in a worker (fitting takes longer than a request should)."""
    return redirect("moderation:job", tasks.start_training(request.user).pk)
