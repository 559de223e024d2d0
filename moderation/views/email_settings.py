"""A moderator's own email settings: the daily digest and the queue-age alert."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ..forms import EmailSettingsForm
from ..models import DeskEmailSettings
from .common import moderator_required


@require_http_methods(["GET", "HEAD", "POST"])
@moderator_required
def email_settings(request):
    own = DeskEmailSettings.objects.filter(user=request.user).first()
    own = own or DeskEmailSettings(user=request.user)
    form = EmailSettingsForm(request.POST or None, instance=own)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your email settings are saved.")
        return redirect("moderation:email_settings")
    return render(request, "moderation/email_settings.html", {"form": form})
