"""What triage stores: the rules (one row), each comment's markers and scores, learned models."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models import Comment


class Rule(models.TextChoices):
    """Every rule that can mark or decide a comment; events name the one that decided."""

    BANNED_WORDS = "banned_words", "Banned word"
    SUSPECT_WORDS = "suspect_words", "Suspect word"
    LINKS = "links", "Links"
    NEW_COMMENTER = "new_commenter", "New commenter"
    RECENT_HISTORY = "recent_history", "Recent history"
    TRUSTED_AUTHOR = "trusted_author", "Trusted author"
    REPEAT_POST = "repeat_post", "Repeat post"
    MARKUP_REMOVED = "markup_removed", "Markup removed"
    OFFENSIVE = "offensive", "Offensive language"
    LEARNED = "learned", "Learned score"


class TriageRules(models.Model):
    """The site's rules: a single row, edited on the rules page and in the admin."""

    banned_words = models.TextField(
        blank=True, help_text="One word or phrase a line: hidden at once as “banned word”."
    )
    suspect_words = models.TextField(
        blank=True, help_text="One word or phrase a line: held for a moderator and flagged."
    )
    links_enabled = models.BooleanField("hold for links", default=True)
    max_links = models.PositiveSmallIntegerField(
        default=2, help_text="More links than this holds the comment."
    )
    allowed_domains = models.TextField(
        blank=True, help_text="One domain a line; links there (and subdomains) are not counted."
    )
    denied_domains = models.TextField(
        blank=True, help_text="One domain a line; any link there holds the comment."
    )
    # Off until a Moderator turns it on: on a new site every author is new, so it would hold
    # (and mark) every comment until the regulars have approved comments here.
    new_commenter_enabled = models.BooleanField(
        "hold new commenters",
        default=False,
        help_text="Turn on once this site has approved comments from its regular readers.",
    )
    new_commenter_min_approved = models.PositiveSmallIntegerField(
        default=1, help_text="Authors with fewer approved comments than this are held."
    )
    history_enabled = models.BooleanField("flag recent history", default=True)
    history_last = models.PositiveSmallIntegerField(
        default=10, help_text="Look at the author's last this many comments…"
    )
    history_hidden = models.PositiveSmallIntegerField(
        default=4, help_text="…and flag when at least this many of them were hidden…"
    )
    history_days = models.PositiveSmallIntegerField(default=90, help_text="…within these days.")
    trusted_enabled = models.BooleanField("approve trusted authors automatically", default=False)
    trusted_min_approved = models.PositiveSmallIntegerField(
        default=5, help_text="Approved comments needed within the days below, with none hidden."
    )
    trusted_days = models.PositiveSmallIntegerField(default=90)
    repeat_enabled = models.BooleanField("hold repeat posts", default=True)
    repeat_min_authors = models.PositiveSmallIntegerField(
        default=3, help_text="The same text from this many different authors holds it."
    )
    markup_enabled = models.BooleanField("flag removed markup", default=True)
    offensive_enabled = models.BooleanField("hold offensive language", default=True)
    offensive_threshold = models.FloatField(default=0.8, help_text="0 to 1.")
    learned_hold_enabled = models.BooleanField(
        "hold on the learned score", default=False, help_text="Off until a Moderator opts in."
    )
    learned_threshold = models.FloatField(default=0.8, help_text="0 to 1.")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "triage rules"
        permissions = [("manage_rules", "Can edit the triage rules")]

    def __str__(self) -> str:
        return "Triage rules"

    @classmethod
    def current(cls) -> "TriageRules":
        rules, _ = cls.objects.get_or_create(pk=1)
        return rules


class CommentTriage(models.Model):
    """What the rules found on one comment, and its scores (one row per triaged comment)."""

    comment = models.OneToOneField(
        Comment, primary_key=True, on_delete=models.CASCADE, related_name="triage"
    )
    # [{"rule", "summary", "holds", "evidence": {...}}]: drawn on the row without a query.
    markers = models.JSONField(default=list)
    # ",suspect_words,links,": the queue filters by marker with one LIKE, on SQLite too
    # (JSON containment lookups are PostgreSQL-only).
    marker_rules = models.CharField(max_length=300, blank=True)
    offensive_score = models.FloatField(null=True, blank=True)
    learned_score = models.FloatField(null=True, blank=True)
    learned_version = models.PositiveIntegerField(null=True, blank=True)
    # Holding markers count 1 each, plus the highest score: the "most likely hidden" sort.
    likelihood = models.FloatField(default=0, db_index=True)
    # Normalised text and author, for the repeat-post rule.
    text_hash = models.CharField(max_length=40, blank=True, db_index=True)
    author_key = models.CharField(max_length=330, blank=True)
    evaluated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "comment triage"

    def __str__(self) -> str:
        return f"Triage of comment {self.comment_id}"

    @property
    def holding_markers(self) -> list[dict]:
        return [m for m in self.markers if m.get("holds")]

    # The names a fresh verdict uses, so one template draws both.
    @property
    def offensive(self) -> float | None:
        return self.offensive_score

    @property
    def learned(self) -> float | None:
        return self.learned_score


class LearnedModel(models.Model):
    """One trained version of the site's classifier; the newest is used."""

    version = models.PositiveIntegerField(unique=True)
    file_name = models.CharField(max_length=200)
    # The file's bytes too: an app server whose MODEL_DIR lacks the file writes it from here.
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    # The model compiled to a lookup table (`linear.LinearText.to_bytes`): what scoring
    # reads, so no process but training's loads scikit-learn. Empty for versions trained
    # before it was kept; they are compiled on first use.
    table = models.BinaryField(blank=True, default=b"")
    trained_at = models.DateTimeField(default=timezone.now)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decisions = models.PositiveIntegerField()
    metrics = models.JSONField(default=dict)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Learned model v{self.version}"
