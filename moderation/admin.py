"""Admin screens for comments and the audit log, through the same service functions."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone

from articles.models import Comment

from . import services
from .forms import DecisionForm, HideForm, error_text
from .models import LearnedModel, ModerationEvent, TriageRules
from .triage.forms import RulesForm


class EventInline(admin.TabularInline):
    """The comment's history, read-only."""

    model = ModerationEvent
    fk_name = "comment"
    extra = 0
    can_delete = False
    fields = (
        "created_at",
        "actor",
        "rule",
        "action",
        "status_before",
        "status_after",
        "reason",
        "note",
    )
    readonly_fields = fields
    ordering = ("-created_at", "-id")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("short_body", "author_name", "article", "status", "hidden_reason", "created_at")
    list_filter = ("status", "hidden_reason", "is_staff_reply", "kind", "created_at")
    search_fields = ("body", "author_name", "author_email", "article__title")
    list_select_related = ("article",)
    raw_id_fields = ("article", "parent", "staff_author")
    actions = ["approve_selected", "hide_selected", "restore_selected"]
    inlines = [EventInline]
    # Status and text change only through decisions, so every change is recorded.
    readonly_fields = [f.name for f in Comment._meta.fields if f.name not in ("id",)]
    change_form_template = "admin/articles/comment/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Comment")
    def short_body(self, obj):
        return (obj.source_body or obj.body)[:80]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm(services.MODERATE_PERM):
            for name in ("approve_selected", "hide_selected", "restore_selected"):
                actions.pop(name, None)
        return actions

    @admin.action(description="Return selected comments to pending")
    def restore_selected(self, request, queryset):
        changed = 0
        for comment in queryset.select_related(None).only("pk"):
            changed += services.restore(comment, actor=request.user) is not None
        self.message_user(request, f"Returned {changed} to pending.")

    @admin.action(description="Approve selected comments")
    def approve_selected(self, request, queryset):
        result = services.bulk_approve(queryset.values_list("pk", flat=True), actor=request.user)
        self.message_user(request, f"Approved {result.changed}; {result.unchanged} already were.")

    @admin.action(description="Hide selected comments…")
    def hide_selected(self, request, queryset):
        form = HideForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            result = services.bulk_hide(
                queryset.values_list("pk", flat=True),
                actor=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
            self.message_user(request, f"Hid {result.changed}; {result.unchanged} already were.")
            return None
        return render(
            request,
            "admin/articles/comment/hide_selected.html",
            {
                **self.admin_site.each_context(request),
                "title": "Hide comments",
                "form": form,
                "comments": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def get_urls(self):
        own = [
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="articles_comment_decide",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "hide_form": HideForm(),
            "can_moderate": request.user.has_perm(services.MODERATE_PERM),
            "can_reply": request.user.has_perm(services.REPLY_PERM),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, pk):
        """Approve, hide or reply from a comment's admin page (POST only)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        comment = get_object_or_404(Comment, pk=pk)
        try:
            self.run_decision(request, comment, request.POST.get("decision"))
        except services.ModerationConflict as conflict:
            self.message_user(request, f"Not changed: {conflict}", messages.WARNING)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, "Done.", messages.SUCCESS)
        return redirect(reverse("admin:articles_comment_change", args=[pk]))

    def run_decision(self, request, comment, decision) -> None:
        version = DecisionForm(request.POST)
        seen = version.cleaned_data["version"] if version.is_valid() else None
        actor = request.user
        if decision == "approve":
            services.approve(comment, actor=actor, expected_version=seen)
        elif decision == "restore":
            services.restore(comment, actor=actor, expected_version=seen)
        elif decision == "hide":
            form = HideForm(request.POST)
            if not form.is_valid():
                raise ValidationError(error_text(form))
            services.hide(comment, actor=actor, expected_version=seen, **form.cleaned_data)
        elif decision == "reply":
            body = request.POST.get("body", "")
            services.reply(comment, actor=actor, body=body, expected_version=seen)
        elif decision == "edit_reply":
            body = request.POST.get("body", "")
            services.edit_reply(comment, actor=actor, body=body, expected_version=seen)
        else:
            raise ValidationError("Unknown decision.")


@admin.register(ModerationEvent)
class ModerationEventAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "actor",
        "rule",
        "action",
        "comment",
        "status_before",
        "status_after",
    )
    list_filter = ("action", "reason", "rule", "created_at")
    search_fields = ("note", "actor__username", "comment__body")
    list_select_related = ("actor", "comment")
    readonly_fields = [f.name for f in ModerationEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TriageRules)
class TriageRulesAdmin(admin.ModelAdmin):
    """The one rules row; the same form and checks as the rules page."""

    form = RulesForm
    readonly_fields = ("updated_at", "updated_by")

    def has_add_permission(self, request):
        # The permission first: it is cached, so other staff's admin pages query nothing.
        return self.has_change_permission(request) and not TriageRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("moderation.manage_rules")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(LearnedModel)
class LearnedModelAdmin(admin.ModelAdmin):
    """Trained versions and their measured quality, read-only (train from the rules page)."""

    list_display = ("version", "trained_at", "decisions", "trained_by")
    exclude = ("data",)
    readonly_fields = (
        "version",
        "file_name",
        "sha256",
        "trained_at",
        "trained_by",
        "decisions",
        "metrics",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
