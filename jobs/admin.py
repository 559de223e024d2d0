from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs change only through their runner (and the reaper)."""

    list_display = ["title", "status", "done", "total", "attempts", "created_by", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
