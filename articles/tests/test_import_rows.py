"""What an imported comment becomes: its body, author fields, status, staff author and times,
and what a later import of the same comment may change."""

import json
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from articles.importers.loader import Loader
from articles.importers.records import ArticleRecord, CommentRecord
from articles.importers.report import ImportReport
from articles.importers.service import import_file
from articles.importers.trust import ImportTrust
from articles.models import Comment, StaffAlias
from articles.tests.factory import make_user
from moderation import services

pytestmark = pytest.mark.django_db
DECIDED_THERE = "2024-03-01T10:00:00+00:00"


def moderato_export(tmp_path, *comments, name="export.json"):
    """A Moderato JSON export of one article with these comments (each a partial dict)."""
    full = [{"id": str(n), "body": "<p>Hello</p>", **c} for n, c in enumerate(comments, 1)]
    data = {
        "format": "moderato",
        "version": 1,
        "articles": [{"id": "json:story", "title": "A story", "comments": full}],
    }
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def load_records(*comments, all_pending=False):
    """Records straight into the one loader every format shares (as a new parser would)."""
    report = ImportReport(file_name="records", format="json")
    Loader(report, all_pending=all_pending).load([ArticleRecord(key="a", title="A"), *comments])
    return report


# --- bodies -----------------------------------------------------------------------------------


def test_a_plain_text_body_is_escaped_not_read_as_html(tmp_path):
    text = "I <3 <b>bold</b> claims.\n\nSecond paragraph."
    import_file(moderato_export(tmp_path, {"source_body": text, "source_body_is_html": False}))

    comment = Comment.objects.get()
    assert (
        comment.body == "<p>I &lt;3 &lt;b&gt;bold&lt;/b&gt; claims.</p>\n<p>Second paragraph.</p>"
    )
    assert comment.source_body == text


def test_an_html_body_is_sanitised_and_kept_verbatim_as_source(tmp_path):
    html = '<p>Read <a href="https://example.com/">this</a></p><script>x()</script>'
    import_file(moderato_export(tmp_path, {"source_body": html, "source_body_is_html": True}))

    comment = Comment.objects.get()
    assert comment.body == '<p>Read <a href="https://example.com/" rel="nofollow ugc">this</a></p>'
    assert comment.source_body == html


def test_html_made_ahead_by_the_parse_worker_is_used_as_is():
    load_records(CommentRecord(key="1", article_key="a", body="raw", html="<p>made ahead</p>"))

    assert Comment.objects.values_list("body", "source_body").get() == ("<p>made ahead</p>", "raw")


def test_a_dry_run_reports_markup_removed_only_from_html_bodies(tmp_path):
    """A plain-text body that shows a tag loses nothing: the report must not say it did."""
    plain = {"source_body": "Use <script> tags carefully", "source_body_is_html": False}
    html = {"source_body": "<p>Hi</p><script>x()</script>", "source_body_is_html": True}
    report = import_file(moderato_export(tmp_path, plain, html), dry_run=True)

    assert dict(report.sanitised) == {"script": 1}
    assert not Comment.objects.exists()


def test_a_plain_text_record_from_a_parser_is_escaped():
    load_records(CommentRecord(key="1", article_key="a", body="a <b>b</b>", body_is_html=False))

    assert Comment.objects.values_list("body", "sanitised_away").get() == (
        "<p>a &lt;b&gt;b&lt;/b&gt;</p>",
        "",
    )


# --- authors ----------------------------------------------------------------------------------


def test_author_fields_are_trimmed(tmp_path):
    import_file(
        moderato_export(
            tmp_path,
            {
                "author_name": "  Ann Reader \n",
                "author_email": " ann@example.com ",
                "author_url": "  https://ann.example/ ",
                "author_username": "\tann ",
            },
        )
    )

    assert Comment.objects.values_list(
        "author_name", "author_email", "author_url", "author_username"
    ).get() == ("Ann Reader", "ann@example.com", "https://ann.example/", "ann")


def test_overlong_author_fields_are_cut_to_what_the_columns_hold(tmp_path):
    url = "https://example.com/" + "p" * 2000
    import_file(
        moderato_export(
            tmp_path,
            {
                "author_name": "n" * 300,
                "author_email": "e" * 400,
                "author_url": url,
                "author_username": "u" * 300,
                "source_status": "s" * 50,
            },
        )
    )

    comment = Comment.objects.get()
    assert comment.author_name == "n" * 255
    assert comment.author_email == "e" * 320
    assert comment.author_url == url[:1000]
    assert comment.author_username == "u" * 255
    assert comment.source_status == "s" * 40


def test_an_author_link_with_an_unsafe_scheme_is_dropped(tmp_path):
    import_file(moderato_export(tmp_path, {"author_url": "javascript:alert(1)"}))

    assert Comment.objects.get().author_url == ""


# --- statuses and decisions -------------------------------------------------------------------


def test_a_comment_the_source_shows_keeps_no_hidden_reason():
    load_records(
        CommentRecord(key="1", article_key="a", body="Hi", status="approved", hidden_reason="spam")
    )

    assert Comment.objects.values_list("status", "hidden_reason").get() == ("approved", "")


def test_a_hidden_comment_keeps_its_reason_and_the_decision_time(tmp_path):
    export = {"status": "hidden", "hidden_reason": "abuse", "moderated_at": DECIDED_THERE}
    import_file(moderato_export(tmp_path, export))

    comment = Comment.objects.get()
    assert (comment.status, comment.hidden_reason) == ("hidden", "abuse")
    assert comment.moderated_at == datetime(2024, 3, 1, 10, tzinfo=UTC)


def test_all_pending_sends_even_a_decided_comment_to_the_queue(tmp_path):
    export = {"status": "hidden", "hidden_reason": "abuse", "moderated_at": DECIDED_THERE}
    import_file(moderato_export(tmp_path, export), all_pending=True)

    assert Comment.objects.values_list("status", "hidden_reason", "moderated_at").get() == (
        "pending",
        "",
        None,
    )


def test_a_comment_keeps_the_date_the_source_gives_and_follows_a_correction(tmp_path):
    import_file(moderato_export(tmp_path, {"created_at": "2020-05-01T08:30:00+00:00"}))
    written = Comment.objects.get().created_at

    import_file(
        moderato_export(tmp_path, {"created_at": "2020-05-01T09:30:00+00:00"}, name="v2.json")
    )

    assert written == datetime(2020, 5, 1, 8, 30, tzinfo=UTC)
    assert Comment.objects.get().created_at == datetime(2020, 5, 1, 9, 30, tzinfo=UTC)


def test_every_comment_of_an_import_carries_its_import_time(tmp_path):
    before = timezone.now()
    import_file(moderato_export(tmp_path, {}, {"parent_id": "1"}))
    after = timezone.now()

    stamps = set(Comment.objects.values_list("imported_at", flat=True))
    assert len(stamps) == 1
    assert before <= stamps.pop() <= after


def test_new_comments_start_at_version_one(tmp_path):
    import_file(moderato_export(tmp_path, {}))

    assert Comment.objects.get().version == 1


# --- staff replies ----------------------------------------------------------------------------


def test_a_staff_reply_is_matched_to_the_user_with_that_username(tmp_path, moderator):
    reply = {"is_staff_reply": True, "staff_author": f"  {moderator.username} "}
    report = import_file(moderato_export(tmp_path, reply, dict(reply)))

    assert [c.staff_author for c in Comment.objects.all()] == [moderator, moderator]
    assert all(c.is_staff_reply for c in Comment.objects.all())
    assert not [w for w in report.warnings if "staff" in w]


def test_a_staff_author_unknown_here_is_named_once_in_the_warnings(tmp_path):
    make_user("someone_else")
    unknown = {"is_staff_reply": True, "staff_author": "gone"}
    nobody = {"is_staff_reply": True, "staff_author": "   "}
    report = import_file(moderato_export(tmp_path, unknown, dict(unknown), nobody))

    assert list(Comment.objects.values_list("staff_author", flat=True)) == [None, None, None]
    staff_warnings = [w for w in report.warnings if "staff" in w]
    assert staff_warnings == [
        "staff replies kept without a staff author (no user here has that username): gone"
    ]


# --- a later import of the same comments ------------------------------------------------------


def test_a_newer_export_updates_what_the_source_changed(tmp_path):
    import_file(moderato_export(tmp_path, {"body": "<p>Frist</p>", "author_name": "Ann"}))
    first = Comment.objects.get()

    report = import_file(
        moderato_export(tmp_path, {"body": "<p>First</p>", "author_name": "Ann"}, name="v2.json")
    )

    comment = Comment.objects.get()
    assert report.comments_updated == 1
    assert (comment.body, comment.source_body) == ("<p>First</p>", "<p>First</p>")
    assert comment.version == first.version + 1
    assert comment.imported_at == first.imported_at  # the first import brought it here


def test_the_source_decides_until_a_person_does(tmp_path, moderator):
    import_file(moderato_export(tmp_path, {}))
    hidden_there = {"status": "hidden", "hidden_reason": "spam"}

    import_file(moderato_export(tmp_path, hidden_there, name="v2.json"))
    after_source = Comment.objects.values_list("status", "hidden_reason", "version").get()
    services.approve(Comment.objects.get(), actor=moderator)
    import_file(moderato_export(tmp_path, {"status": "pending"}, name="v3.json"))

    assert after_source == ("hidden", "spam", 2)
    assert Comment.objects.values_list("status", "hidden_reason").get() == ("approved", "")


def test_a_newer_export_imported_all_pending_changes_no_status(tmp_path):
    import_file(moderato_export(tmp_path, {}))
    hidden_there = {"status": "hidden", "hidden_reason": "spam"}

    import_file(moderato_export(tmp_path, hidden_there, name="v2.json"), all_pending=True)

    assert Comment.objects.values_list("status", "hidden_reason", "moderated_at").get() == (
        "pending",
        "",
        None,
    )


@pytest.mark.parametrize(
    ("field", "changed"),
    [
        ("author_name", "Ann Changed"),
        ("author_url", "https://changed.example/"),
        ("body", "<p>Changed words</p>"),
    ],
)
def test_a_comment_a_person_approved_goes_back_to_pending_when_the_source_rewrites_it(
    tmp_path, moderator, field, changed
):
    first = {"status": "hidden", "hidden_reason": "spam", "author_name": "Ann"}
    import_file(moderato_export(tmp_path, first))
    services.approve(Comment.objects.get(), actor=moderator)

    rewritten = {**first, "status": "approved", "hidden_reason": "", field: changed}
    rewritten.setdefault("source_body", rewritten.get("body", "<p>Hello</p>"))
    report = import_file(moderato_export(tmp_path, rewritten, name="v2.json"))

    comment = Comment.objects.get()
    assert (comment.status, comment.hidden_reason) == ("pending", "")
    assert getattr(comment, field) == changed
    assert report.comments_back_to_pending == 1


# --- what the file said, for the desk ---------------------------------------------------------


def test_a_pending_comment_from_a_held_import_records_no_source_status(tmp_path):
    """Only a decision the import set aside is noted; a pending comment had none."""
    import_file(
        moderato_export(
            tmp_path, {"status": "pending"}, {"status": "hidden", "hidden_reason": "spam"}
        ),
        all_pending=True,
    )

    assert list(
        Comment.objects.order_by("external_id").values_list("source_status", flat=True)
    ) == [
        "",
        "hidden: spam",
    ]


def test_a_held_import_keeps_the_status_the_source_itself_gave(tmp_path):
    """The source's own words win over the decision the import set aside."""
    export = {"status": "hidden", "hidden_reason": "spam", "source_status": "trash"}
    import_file(moderato_export(tmp_path, export), all_pending=True)

    assert Comment.objects.values_list("status", "source_status").get() == ("pending", "trash")


# --- what cleaning removed --------------------------------------------------------------------


def test_a_long_list_of_removed_markup_is_cut_to_what_the_column_holds(tmp_path):
    handlers = [f"on{n:04d}" for n in range(50)]  # 50 event handlers: 400 characters joined
    body = "<p " + " ".join(f'{name}="x()"' for name in handlers) + ">Hi</p>"
    import_file(moderato_export(tmp_path, {"source_body": body, "source_body_is_html": True}))

    limit = Comment._meta.get_field("sanitised_away").max_length
    comment = Comment.objects.get()
    assert comment.body == "<p>Hi</p>"
    assert comment.sanitised_away == ", ".join(handlers)[:limit]


# --- staff replies: aliases and trust ---------------------------------------------------------

READER_IMPORT = ImportTrust(keep_statuses=False, link_staff_by_username=False)


def test_a_staff_alias_links_only_the_name_it_was_made_for(tmp_path, moderator):
    StaffAlias.objects.create(name="Dana S.", user=moderator)
    aliased = {"is_staff_reply": True, "staff_author": "Dana S."}
    other = {"is_staff_reply": True, "staff_author": "Someone Else"}
    report = import_file(moderato_export(tmp_path, aliased, other), trust=READER_IMPORT)

    authors = Comment.objects.order_by("external_id").values_list("staff_author", flat=True)
    assert list(authors) == [moderator.pk, None]
    assert [w for w in report.warnings if "staff" in w] == [
        "staff replies keep the file's name as text, linked to no user (an admin can map a name"
        " to a user with a staff alias): Someone Else"
    ]


def test_a_less_trusted_import_does_not_change_who_wrote_a_stored_staff_reply(tmp_path, moderator):
    reply = {"is_staff_reply": True, "staff_author": moderator.username}
    import_file(moderato_export(tmp_path, reply))

    unsigned = {"is_staff_reply": True, "staff_author": "", "body": "<p>Edited</p>"}
    import_file(moderato_export(tmp_path, unsigned, name="v2.json"), trust=READER_IMPORT)

    comment = Comment.objects.get()
    assert comment.body == "<p>Edited</p>"
    assert (comment.is_staff_reply, comment.staff_author) == (True, moderator)


def test_an_approved_comment_that_becomes_a_staff_reply_is_read_again(tmp_path, moderator):
    """Readers see a staff badge on it: whoever approved it approved a reader's comment."""
    import_file(moderato_export(tmp_path, {}))
    services.approve(Comment.objects.get(), actor=moderator)

    staff = {"is_staff_reply": True, "staff_author": moderator.username}
    report = import_file(moderato_export(tmp_path, staff, name="v2.json"))

    comment = Comment.objects.get()
    assert (comment.status, comment.is_staff_reply) == ("pending", True)
    assert report.comments_back_to_pending == 1


# --- a person's approval and a rewriting source -----------------------------------------------


def test_a_rewritten_comment_sent_back_to_pending_drops_the_sources_hidden_reason(
    tmp_path, moderator
):
    import_file(moderato_export(tmp_path, {}))
    services.approve(Comment.objects.get(), actor=moderator)

    rewritten = {"body": "<p>Changed</p>", "status": "hidden", "hidden_reason": "spam"}
    import_file(moderato_export(tmp_path, rewritten, name="v2.json"))

    assert Comment.objects.values_list("status", "hidden_reason").get() == ("pending", "")


def test_a_rewritten_comment_sent_back_to_pending_waits_for_a_person(tmp_path, moderator):
    """The source decided nothing the person had not; a later file does not decide it either."""
    import_file(moderato_export(tmp_path, {}))
    services.approve(Comment.objects.get(), actor=moderator)
    import_file(moderato_export(tmp_path, {"body": "<p>Changed</p>"}, name="v2.json"))

    hidden_there = {"body": "<p>Changed</p>", "status": "hidden", "hidden_reason": "spam"}
    import_file(moderato_export(tmp_path, hidden_there, name="v3.json"))

    assert Comment.objects.values_list("status", "hidden_reason").get() == ("pending", "")
    assert Comment.objects.get().moderated_at is not None


# --- removed at the source --------------------------------------------------------------------

REMOVED_THERE = {"status": "hidden", "hidden_reason": "removed_at_source"}


def test_a_comment_a_person_approved_is_flagged_when_the_source_removes_it(tmp_path, moderator):
    import_file(moderato_export(tmp_path, {}))
    services.approve(Comment.objects.get(), actor=moderator)

    import_file(moderato_export(tmp_path, REMOVED_THERE, name="v2.json"))

    assert Comment.objects.values_list("status", "removed_at_source").get() == ("approved", True)


def test_a_comment_approved_only_by_the_source_is_not_flagged_when_removed_there(tmp_path):
    import_file(moderato_export(tmp_path, {"status": "approved"}), all_pending=False)
    import_file(moderato_export(tmp_path, REMOVED_THERE, name="v2.json"), all_pending=True)

    assert Comment.objects.values_list("status", "removed_at_source").get() == ("approved", False)


def test_a_comment_a_person_hid_is_not_flagged_when_the_source_removes_it(tmp_path, moderator):
    import_file(moderato_export(tmp_path, {}))
    services.hide(Comment.objects.get(), actor=moderator, reason="abuse")

    import_file(moderato_export(tmp_path, REMOVED_THERE, name="v2.json"))

    comment = Comment.objects.get()
    assert (comment.status, comment.hidden_reason, comment.removed_at_source) == (
        "hidden",
        "abuse",
        False,
    )
