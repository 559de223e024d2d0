from django.contrib import admin
from django.utils import timezone

from .models import Article, Comment, ImportRun, StaffAlias
from .services import mark_articles_changed, mark_revised


class CommentInline(admin.TabularInline):
    """Comments shown with their article; decisions are made on the comment's own page."""

    model = Comment
    fk_name = "article"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("author_name", "created_at", "status", "hidden_reason", "is_staff_reply", "body")
    readonly_fields = fields
    ordering = ("created_at", "id")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "published_at", "source", "updated_at")
    list_filter = ("source",)
    search_fields = ("title", "deck", "external_id", "source_url")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("source", "external_id", "created_at", "revised_at", "updated_at")
    date_hierarchy = "published_at"
    inlines = [CommentInline]

    def save_model(self, request, obj, form, change):
        if change:
            # Feeds date an entry by its own last edit, not by its comments.
            mark_revised(obj, form.changed_data, at=timezone.now())
        super().save_model(request, obj, form, change)
        # Readers' cached copy and ETag follow updated_at.
        mark_articles_changed([obj.pk])


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "file_name",
        "format",
        "origin",
        "user",
        "succeeded",
        "source_statuses",
        "statuses_decided_by",
    )
    list_filter = ("format", "origin", "succeeded", "source_statuses")
    search_fields = ("file_name",)
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StaffAlias)
class StaffAliasAdmin(admin.ModelAdmin):
    """The only way an imported staff reply's name links to a user other than the importer."""

    list_display = ("name", "user", "created_by", "created_at")
    search_fields = ("name", "user__username")
    raw_id_fields = ("user",)
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user  # recorded: who vouched for this mapping
        super().save_model(request, obj, form, change)
