"""An Editor (not a Moderator) tries to decide, rewrite or impersonate through an import file.

Every attack runs through the web upload (preview, confirm) and through the import
service as that editor; the database is checked unchanged where it must be.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from articles.importers.loader import Loader
from articles.importers.service import ImportFailed, import_file
from articles.models import Article, Comment, ImportRun, StaffAlias
from articles.tests.factory import make_user
from jobs.testing import run_queued_jobs
from moderation import services
from moderation.models import ModerationEvent

from .import_files import moderato_comment, moderato_file

pytestmark = pytest.mark.django_db

DECIDED_AT = "2026-01-02T03:04:05Z"


def via_web(client, path):
    """Upload, preview, confirm: what an editor does in the browser (the jobs run here).
    Returns the page the editor ends on: the upload form, the preview, or the import job."""
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes())}
    response = client.post(reverse("moderation:import"), data)
    if response.status_code != 302:
        return response
    run_queued_jobs()
    preview = client.get(response["Location"])
    if "Import now" not in preview.content.decode():  # the preview failed and says why
        return preview
    started = client.post(response["Location"])
    run_queued_jobs()
    return client.get(started["Location"])


def via_service(user, path):
    return import_file(path, user=user, origin=ImportRun.Origin.WEB)


ROUTES = ["web", "service"]


@pytest.fixture
def run_import(client, editor):
    """Import a file as the editor by the route the test is parametrised with."""

    def run(route, path, user=None):
        user = user or editor
        if route == "web":
            client.force_login(user)
            return via_web(client, path)
        return via_service(user, path)

    return run


def comment_state():
    return sorted(
        Comment.objects.values_list(
            "external_id",
            "status",
            "hidden_reason",
            "moderated_at",
            "body",
            "is_staff_reply",
            "staff_author_id",
            "version",
        )
    )


def decided_file(tmp_path):
    return moderato_file(
        tmp_path / "decided.json",
        [
            moderato_comment("a", "<p>Buy now</p>", status="approved", moderated_at=DECIDED_AT),
            moderato_comment(
                "b", "<p>Critic</p>", status="hidden", hidden_reason="spam", moderated_at=DECIDED_AT
            ),
        ],
    )


# --- statuses and decision times ----------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_an_editors_file_decides_nothing(run_import, tmp_path, route):
    run_import(route, decided_file(tmp_path))

    rows = Comment.objects.order_by("external_id")
    assert [(c.status, c.hidden_reason, c.moderated_at) for c in rows] == [
        ("pending", "", None),
        ("pending", "", None),
    ]
    # What the file said is shown on the desk.
    assert [c.source_status for c in rows] == ["approved", "hidden: spam"]
    assert not ModerationEvent.objects.exists()
    run = ImportRun.objects.get()
    assert run.source_statuses == "held" and run.statuses_decided_by is None
    ids = dict(rows.values_list("external_id", "pk"))
    assert run.held_statuses == {"approved": [ids["a"]], "hidden:spam": [ids["b"]]}


@pytest.mark.parametrize("route", ROUTES)
def test_a_moderators_import_keeps_the_files_statuses_and_says_who(
    run_import, tmp_path, moderator, route
):
    moderator.groups.add(*editor_groups())
    run_import(route, decided_file(tmp_path), user=moderator)

    assert sorted(Comment.objects.values_list("status", "hidden_reason")) == [
        ("approved", ""),
        ("hidden", "spam"),
    ]
    run = ImportRun.objects.get()
    assert (run.source_statuses, run.statuses_decided_by) == ("kept", moderator)


def editor_groups():
    from django.contrib.auth.models import Group

    return Group.objects.filter(name="Editors")


def test_a_moderator_accepts_the_held_statuses_in_one_action(client, editor, moderator, tmp_path):
    via_service(editor, decided_file(tmp_path))
    run = ImportRun.objects.get()
    client.force_login(moderator)
    history = client.get(reverse("moderation:imports")).content.decode()
    assert "Held: new comments came in pending" in history and "Accept the source" in history

    response = client.post(reverse("moderation:import_accept_statuses", args=[run.pk]), follow=True)

    assert "2 changed" in response.content.decode()
    assert sorted(Comment.objects.values_list("status", "hidden_reason")) == [
        ("approved", ""),
        ("hidden", "spam"),
    ]
    events = ModerationEvent.objects.all()
    assert {(e.actor, e.action) for e in events} == {(moderator, "approve"), (moderator, "hide")}
    run.refresh_from_db()
    assert (run.source_statuses, run.statuses_decided_by) == ("accepted", moderator)
    history = client.get(reverse("moderation:imports")).content.decode()
    assert "Accepted by dana" in history


def test_accepting_leaves_comments_a_person_decided_since(editor, moderator, tmp_path):
    via_service(editor, decided_file(tmp_path))
    critic = Comment.objects.get(external_id="b")
    services.approve(critic, actor=moderator)  # the moderator disagrees with the file

    result = services.accept_source_statuses(ImportRun.objects.get(), actor=moderator)

    assert (result.changed, result.conflicts) == (1, 1)
    critic.refresh_from_db()
    assert critic.status == "approved"


def test_an_editor_cannot_accept_the_held_statuses(client, editor, tmp_path):
    via_service(editor, decided_file(tmp_path))
    before = comment_state()
    client.force_login(editor)

    url = reverse("moderation:import_accept_statuses", args=[ImportRun.objects.get().pk])
    assert client.post(url).status_code == 403
    assert client.get(url).status_code in (403, 405)
    assert comment_state() == before and not ModerationEvent.objects.exists()
    assert ImportRun.objects.get().source_statuses == "held"


# --- rewriting what a person approved ---------------------------------------------------


def approved_by_a_person(moderator, tmp_path, body="<p>Original words.</p>"):
    import_file(moderato_file(tmp_path / "first.json", [moderato_comment("a", body)]))
    comment = Comment.objects.get(external_id="a")
    services.approve(comment, actor=moderator)
    comment.refresh_from_db()
    return comment


@pytest.mark.parametrize("route", ROUTES)
def test_changed_text_on_an_approved_comment_goes_back_to_pending(
    run_import, client, moderator, tmp_path, route
):
    comment = approved_by_a_person(moderator, tmp_path)
    rewritten = moderato_file(
        tmp_path / "rewritten.json",
        [moderato_comment("a", "<p>Words nobody read.</p>", status="approved")],
    )

    run_import(route, rewritten)

    comment.refresh_from_db()
    assert comment.status == "pending" and comment.version == 3
    assert comment.previous_body == "<p>Original words.</p>"
    event = comment.events.first()
    assert (event.action, event.actor, event.status_before) == (
        "text_changed_at_source",
        None,
        "approved",
    )
    assert "Original words." in event.note
    public = client.get(Article.objects.get().get_absolute_url()).content.decode()
    assert "nobody read" not in public
    client.force_login(moderator)
    desk = client.get(reverse("moderation:queue")).content.decode()
    assert "Text changed at source" in desk
    assert "<del>Original words.</del> <ins>Words nobody read.</ins>" in desk
    page = client.get(reverse("moderation:comment", args=[comment.pk])).content.decode()
    assert "Automatic (import)" in page


def test_a_second_import_of_the_same_text_changes_nothing_more(moderator, editor, tmp_path):
    comment = approved_by_a_person(moderator, tmp_path)
    rewritten = moderato_file(
        tmp_path / "rewritten.json", [moderato_comment("a", "<p>New words.</p>")]
    )
    via_service(editor, rewritten)
    before = comment_state()

    via_service(editor, rewritten)

    assert comment_state() == before
    assert comment.events.filter(action="text_changed_at_source").count() == 1


# --- staff authors ---------------------------------------------------------------------------


def staff_reply_file(tmp_path, name="dana"):
    return moderato_file(
        tmp_path / "staff.json",
        [
            moderato_comment("a", "<p>A question</p>"),
            moderato_comment(
                "r",
                "<p>Official answer nobody wrote.</p>",
                parent_id="a",
                author_name="Dana Scully",
                is_staff_reply=True,
                staff_author=name,
                status="approved",
            ),
        ],
    )


@pytest.mark.parametrize("route", ROUTES)
def test_no_file_makes_a_staff_member_author_of_a_reply(run_import, moderator, tmp_path, route):
    run_import(route, staff_reply_file(tmp_path))

    reply = Comment.objects.get(external_id="r")
    assert reply.staff_author is None and reply.status == "pending"
    assert not moderator.staff_replies.exists()
    run = ImportRun.objects.get()
    assert any("staff alias" in w and "dana" in w for w in run.warnings)


@pytest.mark.parametrize("route", ROUTES)
def test_an_importer_may_sign_their_own_staff_replies(run_import, editor, tmp_path, route):
    run_import(route, staff_reply_file(tmp_path, name=editor.username))

    assert Comment.objects.get(external_id="r").staff_author == editor


def test_an_admins_staff_alias_links_the_name(editor, moderator, tmp_path):
    admin = make_user("root", is_staff=True, is_superuser=True)
    StaffAlias.objects.create(name="dana", user=moderator, created_by=admin)

    via_service(editor, staff_reply_file(tmp_path))

    assert Comment.objects.get(external_id="r").staff_author == moderator


def test_an_editor_cannot_turn_an_approved_comment_into_a_staff_reply(moderator, editor, tmp_path):
    comment = approved_by_a_person(moderator, tmp_path, body="<p>Reader text</p>")
    forged = moderato_file(
        tmp_path / "forged.json",
        [moderato_comment("a", "<p>Reader text</p>", is_staff_reply=True, staff_author="dana")],
    )

    via_service(editor, forged)

    comment.refresh_from_db()
    assert (comment.is_staff_reply, comment.staff_author, comment.status) == (
        False,
        None,
        "approved",
    )


def test_the_public_page_never_shows_a_login_name(client, tmp_path):
    nameless = make_user("jdoe42", groups=["Moderators"])
    import_file(moderato_file(tmp_path / "a.json", [moderato_comment("a", "<p>Hi</p>")]))
    parent = Comment.objects.get()
    services.approve(parent, actor=nameless)

    services.reply(parent, actor=nameless, body="Thanks for writing.")

    html = client.get(Article.objects.get().get_absolute_url()).content.decode()
    assert "Thanks for writing." in html
    assert "jdoe42" not in html and services.STAFF_DISPLAY_NAME in html


# --- removed at source ------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_removed_at_source_after_approval_is_flagged_with_one_button(
    run_import, client, moderator, tmp_path, route
):
    comment = approved_by_a_person(moderator, tmp_path)
    removed = moderato_file(
        tmp_path / "removed.json",
        [
            moderato_comment(
                "a", "<p>Original words.</p>", status="hidden", hidden_reason="removed_at_source"
            )
        ],
    )

    run_import(route, removed)

    comment.refresh_from_db()
    assert comment.removed_at_source and comment.status == "approved"  # not decided by a file
    client.force_login(moderator)
    desk = client.get(reverse("moderation:queue") + "?tab=approved").content.decode()
    assert "Removed at source" in desk and 'data-desk-action="hide-removed"' in desk

    client.post(reverse("moderation:hide_removed", args=[comment.pk]), {"version": comment.version})

    comment.refresh_from_db()
    assert (comment.status, comment.hidden_reason, comment.removed_at_source) == (
        "hidden",
        "removed_at_source",
        False,
    )
    assert comment.events.first().actor == moderator


def test_hide_removed_refuses_an_editor(client, editor, moderator, tmp_path):
    comment = approved_by_a_person(moderator, tmp_path)
    before = comment_state()
    client.force_login(editor)

    assert client.post(reverse("moderation:hide_removed", args=[comment.pk])).status_code == 403
    assert comment_state() == before


# --- articles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_reimport_never_empties_a_field_nor_reverts_an_admin_change(run_import, tmp_path, route):
    import_file(
        moderato_file(
            tmp_path / "first.json", [], deck="The deck.", image_credit="Photo: AP", body="<p>B</p>"
        )
    )
    article = Article.objects.get()
    article.title = "A better headline"  # an editor's change in the admin
    article.save()

    run_import(
        route,
        moderato_file(tmp_path / "again.json", [], title="The Story", deck="", body="<p>B2</p>"),
    )

    article.refresh_from_db()
    assert (article.title, article.deck, article.image_credit, article.body) == (
        "A better headline",
        "The deck.",
        "Photo: AP",
        "<p>B2</p>",
    )


# --- sanitising -------------------------------------------------------------------------------


HOSTILE_MARKUP = [
    moderato_comment("x1", '<p>a<script>alert(1)</script></p><a href="javascript:alert(1)">x</a>'),
    moderato_comment("x2", '<p>b</p><img src="x" onerror="alert(1)">'),
    moderato_comment("x3", "<p>c<script>steal()</script></p>"),
]


def test_the_command_summary_says_what_sanitising_removed(tmp_path, capsys):
    from django.core.management import call_command

    call_command("import_articles", str(moderato_file(tmp_path / "h.json", HOSTILE_MARKUP)))

    out = capsys.readouterr().out
    assert "sanitising removed: script ×2, img ×1, javascript: ×1, onerror ×1" in out


def test_the_web_preview_history_and_desk_say_what_sanitising_removed(
    client, editor, moderator, tmp_path
):
    path = moderato_file(tmp_path / "h.json", HOSTILE_MARKUP)
    client.force_login(editor)
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes())}
    location = client.post(reverse("moderation:import"), data)["Location"]
    run_queued_jobs()
    preview = client.get(location)
    expected = "script ×2, img ×1, javascript: ×1, onerror ×1"
    assert expected in preview.content.decode()

    client.post(location)
    run_queued_jobs()

    assert expected in client.get(reverse("moderation:imports")).content.decode()
    client.force_login(moderator)
    desk = client.get(reverse("moderation:queue")).content.decode()
    assert "Sanitising removed: javascript:, script" in desk
    assert "Sanitising removed: img, onerror" in desk
    assert "<script" not in "".join(Comment.objects.values_list("body", flat=True))


# --- files that are not what they claim -------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_deeply_nested_xml_is_a_clear_error(run_import, tmp_path, route):
    path = tmp_path / "deep.xml"
    levels = 5000
    path.write_bytes(
        b'<?xml version="1.0"?><disqus xmlns="http://disqus.com"'
        b' xmlns:dsq="http://disqus.com/disqus-internals"><thread dsq:id="1"><title>T</title>'
        b'</thread><post dsq:id="p"><thread dsq:id="1"/><message>'
        + b"<b>" * levels
        + b"x"
        + b"</b>" * levels
        + b"</message></post></disqus>"
    )

    if route == "web":
        page = run_import(route, path).content.decode()  # the preview says why it failed
        assert "Failed" in page and "nested more than 100 levels" in page
    else:
        with pytest.raises(ImportFailed, match="nested more than 100 levels"):
            run_import(route, path)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("route", ROUTES)
def test_database_errors_are_reported_in_words(run_import, tmp_path, monkeypatch, route):
    def refuse(self, records):
        raise IntegrityError(
            'duplicate key value violates unique constraint "comment_unique_article_external_id"'
        )

    monkeypatch.setattr(Loader, "write_comments", refuse)
    path = moderato_file(tmp_path / "a.json", [moderato_comment("a", "<p>Hi</p>")])

    if route == "web":
        message = run_import(route, path).content.decode()
    else:
        with pytest.raises(ImportFailed) as caught:
            run_import(route, path)
        message = str(caught.value)

    assert "two records clash" in message
    assert "constraint" not in message and "comment_unique" not in message
    assert not Article.objects.exists()


def test_feed_descriptions_are_stored_as_plain_text(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><item><guid>1</guid><title>T</title>'
        "<description>&lt;p&gt;Hi &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x "
        "onerror=alert(2)&gt;there&lt;/p&gt;</description></item></channel></rss>"
    )

    via_service(None, path)

    assert Article.objects.get().deck == "Hi there"


def test_an_unsaved_json_dump_is_not_trusted_as_a_moderato_export(tmp_path):
    """Nothing in the file (a claimed format, a claimed importer) raises its trust."""
    path = decided_file(tmp_path)
    data = json.loads(path.read_text())
    data["imported_by"] = "dana"
    path.write_text(json.dumps(data))

    via_service(None, path)

    assert set(Comment.objects.values_list("status", flat=True)) == {"pending"}


def test_the_desk_shows_a_source_change_word_by_word_and_escaped():
    from moderation.templatetags.desk import source_diff

    shown = source_diff("<p>I like the <b>plan</b>.</p>", "<p>I hate the plan. &lt;b&gt;</p>")

    assert shown == "I <del>like</del> <ins>hate</ins> the plan. <ins>&lt;b&gt;</ins>"


def test_a_reply_signed_with_a_login_name_before_the_rule_shows_a_display_name(client):
    from articles.tests.factory import make_comment

    nameless = make_user("jdoe42", groups=["Moderators"])
    parent = make_comment(status="approved")
    make_comment(
        parent.article,
        parent=parent,
        author_name="jdoe42",  # how replies were signed before
        is_staff_reply=True,
        staff_author=nameless,
        status="approved",
        body="<p>Old reply.</p>",
    )

    html = client.get(parent.article.get_absolute_url()).content.decode()

    assert "Old reply." in html and "jdoe42" not in html
