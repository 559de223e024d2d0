from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from articles.models import Comment

from .services import MAX_REPLY_LENGTH, MODERATOR_REASONS


class HideForm(forms.Form):
    reason = forms.ChoiceField(choices=[(r.value, r.label) for r in MODERATOR_REASONS])
    note = forms.CharField(required=False, max_length=2000, widget=forms.TextInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        data = super().clean()
        if data.get("reason") == Comment.HiddenReason.OTHER and not data.get("note", "").strip():
            self.add_error("note", "Say why in a note when the reason is “other”.")
        return data


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Reply as staff",
        max_length=MAX_REPLY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.add_input(Submit("submit", "Publish reply", css_class="btn-primary btn-sm"))


class DecisionForm(forms.Form):
    """The version of the comment the moderator saw when the page was drawn."""

    version = forms.IntegerField(min_value=1, required=False)
