from django.contrib import admin
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from .models import Article, ImportRun, StaffAlias
from .services import mark_articles_changed, mark_revised


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "published_at", "source", "updated_at")
    list_filter = ("source",)
    search_fields = ("title", "deck", "external_id", "source_url")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = (
        "source",
        "external_id",
        "created_at",
        "revised_at",
        "updated_at",
        "comment_list",
    )
    date_hierarchy = "published_at"

    @admin.display(description="Comments")
    def comment_list(self, article):
        """A count and a link: an imported article can carry thousands of comments."""
        if article.pk is None:
            return "None yet"
        count = article.comments.count()
        changelist = reverse("admin:articles_comment_changelist")
        return format_html(
            '<a href="{}?article__id__exact={}">{} comment{}</a>',
            changelist,
            article.pk,
            f"{count:,}",
            pluralize(count),
        )

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
