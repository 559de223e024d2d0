from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from articles.importers.formats import FORMATS
from articles.models import Comment

from .models import DeskEmailSettings, Rule
from .rollup import DECISION_ACTIONS
from .services import MAX_REPLY_LENGTH, MODERATOR_REASONS, validate_reason
from .tabs import DEFAULT_TAB, TAB_NAMES


def error_text(form: forms.Form) -> str:
    """Every error of a form joined into one line, for a message or a row notice."""
    return " ".join(error for errors in form.errors.values() for error in errors)


def check_reason_note(form: forms.Form, data: dict) -> None:
    """The service's rule ("other" needs a note), reported on the note field."""
    if data.get("reason"):
        try:
            validate_reason(data["reason"], data.get("note", ""))
        except forms.ValidationError as error:
            form.add_error("note", error)


class FieldsOnlyForm(forms.Form):
    """Rendered with crispy-forms inside a <form> the template writes (with its CSRF token)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class HideForm(FieldsOnlyForm):
    reason = forms.ChoiceField(choices=[(r.value, r.label) for r in MODERATOR_REASONS])
    note = forms.CharField(required=False, max_length=2000, widget=forms.TextInput)

    def clean(self):
        data = super().clean()
        check_reason_note(self, data)
        return data


class ReplyForm(FieldsOnlyForm):
    body = forms.CharField(
        label="Reply as staff",
        max_length=MAX_REPLY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.add_input(Submit("submit", "Publish reply", css_class="btn-primary btn-sm"))


class DecisionForm(forms.Form):
    """The version of the comment the moderator saw when the page was drawn."""

    version = forms.IntegerField(min_value=1, required=False)


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the query string so a view is a shareable URL."""

    STAFF_CHOICES = [
        ("", "Any comment"),
        ("readers", "Reader comments"),
        ("staff", "Staff replies"),
        ("answered", "Answered by staff"),
        ("unanswered", "Not answered by staff"),
    ]
    ORDER_CHOICES = [
        ("newest", "Newest first"),
        ("oldest", "Oldest first"),
        ("likely", "Most likely to be hidden"),
    ]

    tab = forms.ChoiceField(choices=[(name, name) for name in TAB_NAMES], required=False)
    article = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    q = forms.CharField(label="Text", required=False, max_length=200)
    author = forms.CharField(required=False, max_length=255)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    source_status = forms.CharField(label="Source said", required=False, max_length=40)
    staff = forms.ChoiceField(label="Staff", choices=STAFF_CHOICES, required=False)
    order = forms.ChoiceField(choices=ORDER_CHOICES, required=False)
    marker = forms.ChoiceField(
        label="Why held", choices=[("", "Any"), *Rule.choices], required=False
    )
    # Set by the dashboard's links to say what a number counts; carried as hidden fields
    # (selectors.DASHBOARD_FILTERS lists them).
    older_than = forms.IntegerField(min_value=1, max_value=24 * 366, required=False)  # hours
    decided = forms.ChoiceField(
        choices=[(a.value, a.label) for a in DECISION_ACTIONS], required=False
    )
    decided_reason = forms.ChoiceField(choices=Comment.HiddenReason.choices, required=False)
    decided_by = forms.RegexField(r"^(\d{1,18}|automatic|people)$", required=False)
    decided_from = forms.DateField(required=False)
    decided_to = forms.DateField(required=False)
    reversal = forms.ChoiceField(choices=[("1", "decisions that undid one")], required=False)
    first_decided = forms.DateField(required=False)
    imported_from = forms.DateField(required=False)
    imported_to = forms.DateField(required=False)

    def filters(self) -> dict:
        """Cleaned values with defaults; invalid values are dropped, not fatal."""
        self.is_valid()  # fields with errors are left out of cleaned_data
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        data.setdefault("tab", DEFAULT_TAB)
        data.setdefault("order", "newest")
        return data


class BulkForm(forms.Form):
    """Selected rows as "id:version", or every comment matching the filter."""

    DECISIONS = [("approve", "Approve"), ("hide", "Hide")]

    decision = forms.ChoiceField(choices=DECISIONS)
    selected = forms.CharField(required=False, widget=forms.MultipleHiddenInput)
    all_matching = forms.BooleanField(required=False)
    # When the page was drawn, and the newest comment id then: "all matching" skips
    # comments decided after it and leaves alone comments that arrived after it.
    drawn_at = forms.DateTimeField(required=False)
    newest_id = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        choices=[("", "Reason…"), *[(r.value, r.label) for r in MODERATOR_REASONS]],
        required=False,
    )
    note = forms.CharField(required=False, max_length=2000)

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.versions = parse_selected(data.getlist("selected") if data else [])

    def clean(self):
        data = super().clean()
        if data.get("decision") == "hide":
            if not data.get("reason"):
                self.add_error("reason", "Choose a reason for hiding.")
            check_reason_note(self, data)
        if data.get("all_matching") and data.get("newest_id") is None:
            raise forms.ValidationError(
                "This page is too old to act on “all matching”: reload it and choose again."
            )
        if not data.get("all_matching") and not self.versions:
            raise forms.ValidationError("Select some comments first.")
        return data


def parse_selected(values: list[str]) -> dict[int, int]:
    """["12:3", "15:1"] -> {12: 3, 15: 1}; malformed entries are ignored."""
    versions = {}
    for value in values:
        pk, _, version = value.partition(":")
        if pk.isdigit() and version.isdigit():
            versions[int(pk)] = int(version)
    return versions


class EditReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=MAX_REPLY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ImportUploadForm(FieldsOnlyForm):
    file = forms.FileField(
        help_text=", ".join(f.label for f in FORMATS.values())
        + ". The format is detected from the content."
    )
    format = forms.ChoiceField(
        required=False,
        choices=[("", "Detect from the content"), *((f.name, f.label) for f in FORMATS.values())],
    )
    all_pending = forms.BooleanField(
        required=False,
        label="Send every new comment to the moderation queue",
        help_text="Otherwise each comment keeps the status the source gave it.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the upload limit is "
                f"{filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES)}."
            )
        return upload


class EmailSettingsForm(forms.ModelForm):
    class Meta:
        model = DeskEmailSettings
        fields = ["daily_digest", "queue_alerts"]
