from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

# How readers see a staff member with no name on their account (never the login name).
STAFF_DISPLAY_NAME = "Newsroom staff"


class ArticleQuerySet(models.QuerySet):
    def with_public_counts(self):
        """Annotate `approved_count`: the number of comments a reader can see."""
        return self.annotate(
            approved_count=Count("comments", filter=Q(comments__status=Comment.Status.APPROVED))
        )

    def newest_first(self):
        """Newest publication first; an undated article sorts by when it was imported."""
        return self.order_by(Coalesce("published_at", "created_at").desc(), "-id")


class Article(models.Model):
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=220, unique=True)
    deck = models.TextField(blank=True, help_text="The standfirst shown under the title.")
    body = models.TextField(blank=True, help_text="Sanitised HTML.")
    image_credit = models.CharField(max_length=500, blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Empty: never changed since publication. Feeds show it as the entry's last update
    # (updated_at also moves with every comment, which is not news to a feed reader).
    revised_at = models.DateTimeField(
        null=True, blank=True, help_text="Last change of the article's own content."
    )
    language = models.CharField(
        max_length=35, blank=True, help_text="BCP 47 tag such as “de” or “pt-BR”, when known."
    )
    # How an import recognises this article again.
    source = models.CharField(max_length=40, blank=True, help_text="Format it came from.")
    external_id = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Bumped whenever the article or any of its comments changes: the public
    # page's cache key and ETag derive from it.
    updated_at = models.DateTimeField(default=timezone.now)
    # Each field as the last import wrote it. A field that differs from it was
    # changed here (in the admin): a re-import leaves it alone.
    imported_values = models.JSONField(default=dict, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [("import_articles", "Can import articles")]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="article_unique_source_external_id",
            )
        ]
        indexes = [
            models.Index(
                Coalesce("published_at", "created_at").desc(),
                models.F("id").desc(),
                name="article_newest_dated",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def dated_at(self):
        """When readers should think the article appeared: published, else imported."""
        return self.published_at or self.created_at

    @property
    def content_updated_at(self):
        """The article's own last change (never a comment's)."""
        return self.revised_at or self.dated_at


class CommentQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def for_thread(self, article):
        """Every comment of an article in reading order (parents before replies)."""
        return self.filter(article=article).order_by(
            models.F("created_at").asc(nulls_first=True), "id"
        )


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        HIDDEN = "hidden", "Hidden"

    class HiddenReason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abuse"
        OFF_TOPIC = "off_topic", "Off-topic"
        PERSONAL_INFORMATION = "personal_information", "Personal information"
        DUPLICATE = "duplicate", "Duplicate"
        OTHER = "other", "Other"
        REMOVED_AT_SOURCE = "removed_at_source", "Removed at source"
        BANNED_WORD = "banned_word", "Banned word"

    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        PINGBACK = "pingback", "Pingback"
        TRACKBACK = "trackback", "Trackback"

    # No index of its own: (article, status) below leads with it and serves every lookup
    # by article (and the cascade on delete); a third index only slows each insert.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author_name = models.CharField(max_length=255, blank=True)
    author_email = models.EmailField(max_length=320, blank=True)
    author_url = models.URLField(max_length=1000, blank=True)
    author_username = models.CharField(max_length=255, blank=True)
    body = models.TextField(help_text="Sanitised HTML shown to readers.")
    source_body = models.TextField(blank=True, help_text="Exactly as imported; never altered.")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    hidden_reason = models.CharField(max_length=30, choices=HiddenReason, blank=True)
    source_status = models.CharField(
        max_length=40, blank=True, help_text="What the source said about this comment."
    )
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.COMMENT)
    is_staff_reply = models.BooleanField(default=False)
    staff_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_replies",
    )
    created_at = models.DateTimeField(null=True, blank=True)
    external_id = models.CharField(max_length=255, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when a person (not an import) last decided this comment's status;
    # a re-import never overrides such a decision.
    moderated_at = models.DateTimeField(null=True, blank=True)
    # Incremented on every change: two moderators acting on the same drawn
    # version cannot silently overwrite each other.
    version = models.PositiveIntegerField(default=1)
    edited_at = models.DateTimeField(null=True, blank=True)
    # The reader-facing text before the source rewrote a comment a person had
    # approved (the comment went back to pending); the desk shows the change.
    previous_body = models.TextField(blank=True, db_default="")
    # The source deleted this comment after a person approved it: the desk flags it.
    removed_at_source = models.BooleanField(default=False, db_default=False)
    # What sanitising took out of the source's markup ("script, onerror").
    sanitised_away = models.CharField(max_length=300, blank=True, db_default="")

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "external_id"],
                condition=~Q(external_id=""),
                name="comment_unique_article_external_id",
            ),
            models.CheckConstraint(
                condition=Q(status="hidden") | Q(hidden_reason=""),
                name="comment_reason_only_when_hidden",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at", "-id"], name="comment_queue"),
            models.Index(fields=["article", "status"], name="comment_article_status"),
            # The dashboard's pending figures per article, read without touching the table.
            models.Index(
                fields=["article", "created_at"],
                condition=Q(status="pending"),
                name="comment_pending_by_article",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_name or 'Anonymous'} on {self.article_id}: {self.body[:40]}"


class PendingCount(models.Model):
    """How many of an article's comments are pending; no row when none are.

    Written only by database triggers on the comments table (`pending_counts.py`), so every
    path that adds, deletes or decides comments keeps it exact; Python never saves one. No
    foreign-key constraint: a comment's delete trigger may run after its article's row is
    gone (a cascade), and the triggers remove a row once its count reaches zero.
    """

    article = models.OneToOneField(
        Article,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    pending = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.pending} pending on article {self.article_id}"


class ImportRun(models.Model):
    """A record of one import, from the web or the command line."""

    class Origin(models.TextChoices):
        WEB = "web", "Web upload"
        COMMAND = "command", "Command line"

    class SourceStatuses(models.TextChoices):
        """What became of the statuses and decision times the file carried."""

        KEPT = "kept", "Kept"  # the importer may moderate, or the command line
        HELD = "held", "Held for a moderator"  # every new comment came in pending
        ACCEPTED = "accepted", "Accepted by a moderator"
        NONE = "", "None in the file"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    origin = models.CharField(max_length=10, choices=Origin, default=Origin.COMMAND)
    file_name = models.CharField(max_length=500)
    format = models.CharField(max_length=20)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    counts = models.JSONField(default=dict)
    warnings = models.JSONField(default=list)
    error = models.TextField(blank=True)
    source_statuses = models.CharField(
        max_length=10, choices=SourceStatuses, blank=True, help_text=SourceStatuses.__doc__
    )
    # Held back: {"approved": [comment ids], "hidden:spam": [...]}, what the file said.
    held_statuses = models.JSONField(default=dict, blank=True)
    # Who kept the file's statuses (the importer) or accepted them later (a moderator).
    statuses_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    statuses_decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.format}) at {self.started_at:%Y-%m-%d %H:%M}"


class PendingImport(models.Model):
    """An uploaded file waiting for the editor to confirm its preview.

    The file is kept in Django's default storage (MEDIA_ROOT, or S3-compatible
    storage), not in a database row; every app server and worker must see the same
    storage (docs/jobs.md). It is deleted when its import commits, or when it expires.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    file_name = models.CharField(max_length=500)
    format = models.CharField(max_length=20)
    all_pending = models.BooleanField(default=False)
    file = models.FileField(upload_to="staged-imports/%Y/%m/", max_length=300)
    size = models.PositiveBigIntegerField()
    preview = models.JSONField(default=dict)  # filled in by the preview job
    preview_job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    import_job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} (awaiting confirmation)"

    @property
    def importing(self) -> bool:
        """Its import is queued or running: it must stay until that commits."""
        return self.import_job is not None and self.import_job.active


class StaffAlias(models.Model):
    """An admin's recorded mapping: imported staff replies signed `name` are `user`'s."""

    name = models.CharField(
        max_length=255, unique=True, help_text="The staff author's name as import files give it."
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name_plural = "staff aliases"

    def __str__(self) -> str:
        return f"{self.name} → {self.user}"
