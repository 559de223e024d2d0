"""The rules page's forms: the rules themselves, the test box, undoing a rule."""

from django import forms

from .models import Rule, TriageRules

WORD_LIST_ROWS = 4


class RulesForm(forms.ModelForm):
    class Meta:
        model = TriageRules
        fields = [
            f.name
            for f in TriageRules._meta.get_fields()
            if f.concrete and f.name not in ("id", "updated_at", "updated_by")
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": WORD_LIST_ROWS})
            for name in ("banned_words", "suspect_words", "allowed_domains", "denied_domains")
        }

    def clean(self):
        data = super().clean()
        for name in ("offensive_threshold", "learned_threshold"):
            value = data.get(name)
            if value is not None and not 0 <= value <= 1:
                self.add_error(name, "Choose a number from 0 to 1.")
        return data

    def unsaved_rules(self) -> TriageRules:
        """The rules as edited, not saved: for the test box and the preview."""
        return self.save(commit=False)


class TestBoxForm(forms.Form):
    text = forms.CharField(
        label="Text to try",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    author_name = forms.CharField(label="Author name", required=False, max_length=255)
    author_email = forms.EmailField(label="Author email", required=False, max_length=320)


class UndoRuleForm(forms.Form):
    rule = forms.ChoiceField(
        choices=[(r.value, r.label) for r in (Rule.BANNED_WORDS, Rule.TRUSTED_AUTHOR)]
    )
    since = forms.DateTimeField(
        help_text="Undo what the rule decided from this moment on.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
