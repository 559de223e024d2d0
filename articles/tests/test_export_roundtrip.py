"""export_articles writes Moderato JSON that imports back into an empty site unchanged."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from articles import exporters
from articles.importers.service import import_file
from articles.models import Article, Comment
from articles.tests.factory import make_article, make_comment, make_user
from conftest import SAMPLES, SEED
from moderation import services
from moderation.models import ModerationEvent

pytestmark = pytest.mark.django_db

DISQUS = SAMPLES / "disqus" / "isso-fixture-edge-cases.xml"
WXR = SAMPLES / "wxr" / "isso-fixture-wxr-1.0.xml"


def moderate_a_site(moderator):
    """The seed plus two samples, then the desk's decisions: approve, hide, reply."""
    for path in (SEED, DISQUS, WXR):
        import_file(path)
    gabriel, jordan, gabriel_again = Comment.objects.filter(article__source="text").order_by("pk")
    services.approve(gabriel, actor=moderator)
    services.hide(jordan, actor=moderator, reason=Comment.HiddenReason.SPAM)
    services.reply(gabriel, actor=moderator, body="Thanks, Gabriel.\n\nWe will follow up.")
    services.reply(gabriel_again, actor=moderator, body="Agreed.")  # approves it too
    threaded = Comment.objects.filter(article__source="wxr", parent__isnull=False).first()
    services.hide(threaded, actor=moderator, reason=Comment.HiddenReason.OTHER, note="Rude.")


def comment_identity(comment: Comment | None) -> tuple | None:
    if comment is None:
        return None
    return (comment.article.slug, comment.author_name, comment.source_body, comment.created_at)


def site_snapshot() -> tuple[list, list]:
    articles = sorted(
        Article.objects.values_list(
            "slug", "title", "deck", "body", "image_credit", "source_url", "published_at"
        )
    )
    comments = sorted(
        (
            comment_identity(c),
            comment_identity(c.parent),
            c.author_email,
            c.author_url,
            c.author_username,
            c.body,
            c.status,
            c.hidden_reason,
            c.kind,
            c.source_status,
            c.is_staff_reply,
            c.staff_author.username if c.staff_author else None,
            c.moderated_at,
        )
        for c in Comment.objects.select_related("article", "parent__article", "staff_author")
    )
    return articles, comments


def export_then_empty_the_site(path, *, build, events=False) -> tuple[list, list]:
    """Build and export inside a transaction that is then rolled back: the site is empty again."""
    with transaction.atomic():
        build()
        before = site_snapshot()
        call_command("export_articles", "--output", str(path), *(["--events"] if events else []))
        transaction.set_rollback(True)
    assert not Article.objects.exists() and not Comment.objects.exists()
    return before


def test_round_trip_restores_articles_threads_statuses_and_staff_replies(tmp_path, moderator):
    path = tmp_path / "export.json"
    before = export_then_empty_the_site(path, build=lambda: moderate_a_site(moderator))

    report = import_file(path)

    assert site_snapshot() == before
    assert (report.articles_created, report.comments_created) == (5, 18)
    assert report.warnings == []
    staff = Comment.objects.filter(is_staff_reply=True).order_by("created_at")
    assert [(r.parent.author_name, r.staff_author, r.body) for r in staff] == [
        ("Gabriel", moderator, "<p>Thanks, Gabriel.</p>\n<p>We will follow up.</p>"),
        ("Gabriel", moderator, "<p>Agreed.</p>"),
    ]
    assert Comment.objects.get(author_name="JordanHarbinger").hidden_reason == "spam"
    assert Comment.objects.filter(hidden_reason="other").count() == 1
    assert Comment.objects.filter(hidden_reason="removed_at_source").count() == 1


def test_a_second_export_is_identical_to_the_first(tmp_path, moderator):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    export_then_empty_the_site(first, build=lambda: moderate_a_site(moderator))
    import_file(first)

    call_command("export_articles", "--output", str(second))

    assert json.loads(second.read_text()) == json.loads(first.read_text())


def test_reimporting_the_original_source_keeps_the_exported_decisions(tmp_path, moderator):
    path = tmp_path / "export.json"
    export_then_empty_the_site(path, build=lambda: moderate_a_site(moderator))
    import_file(path)

    again = import_file(SEED)  # the seed says every comment is pending

    assert (again.articles_created, again.comments_created) == (0, 0)
    statuses = dict(
        Comment.objects.filter(article__source="text", is_staff_reply=False).values_list(
            "author_name", "status"
        )
    )
    assert statuses == {"Gabriel": "approved", "JordanHarbinger": "hidden"}


def test_export_document_fields(tmp_path, moderator):
    path = tmp_path / "export.json"
    export_then_empty_the_site(path, build=lambda: moderate_a_site(moderator), events=True)

    data = json.loads(path.read_text(encoding="utf-8"))

    assert (data["format"], data["version"]) == ("moderato", 1)
    seed = next(a for a in data["articles"] if a["id"].startswith("text:"))
    assert seed["slug"] == "north-korea-opens-the-door-to-mobile-internet-for-foreigners"
    # The source id re-imports match on predates readable slugs and stays as it was.
    assert seed["id"] == "text:north-korea-opens-the-door-to-mobile-internetfor-foreigners"
    comments = seed["comments"]
    # Thread order: each comment, then its replies.
    assert [(c["author_name"], c["is_staff_reply"]) for c in comments] == [
        ("Gabriel", False),
        ("Dana Scully", True),
        ("JordanHarbinger", False),
        ("Gabriel", False),
        ("Dana Scully", True),
    ]
    reply = comments[1]
    assert reply["parent_id"] == comments[0]["id"]
    assert reply["id"].startswith("moderato:")
    assert (reply["staff_author"], reply["source_body_is_html"]) == ("dana", False)
    assert reply["moderated_at"].endswith("Z") and reply["created_at"].endswith("Z")
    assert comments[2]["hidden_reason"] == "spam" and comments[2]["source_status"] == ""
    assert comments[0]["source_body_is_html"] is False  # plain text in the seed
    disqus = next(a for a in data["articles"] if a["id"] == "disqus:2")
    assert {c["source_body"]: c["source_body_is_html"] for c in disqus["comments"]} == {
        "...": False,  # either reading gives <p>...</p>: plain text wins
        "<p>Hello, World.</p>": True,
        "": False,
    }
    assert [e["action"] for e in seed["events"]] == ["approve", "hide", "reply", "approve", "reply"]
    assert seed["events"][2]["related_comment_id"] == reply["id"]
    assert {e["actor"] for e in seed["events"]} == {"dana"}


def test_an_automatic_event_names_the_rule_that_decided(tmp_path, moderator):
    def build():
        article = make_article(title="Rules at work")
        banned = make_comment(article, author_name="Troll", status="pending")
        make_comment(article, author_name="Reader", status="pending")
        services.decide_by_rule(
            [banned.pk], rule="banned_words", status="hidden", reason="banned_word"
        )
        services.approve(Comment.objects.get(author_name="Reader"), actor=moderator)

    path = tmp_path / "export.json"
    export_then_empty_the_site(path, build=build, events=True)

    events = json.loads(path.read_text(encoding="utf-8"))["articles"][0]["events"]
    assert [(e["action"], e["actor"], e["rule"]) for e in events] == [
        ("hide", None, "banned_words"),
        ("approve", "dana", ""),
    ]


def test_events_are_exported_but_never_imported(tmp_path, moderator):
    path = tmp_path / "export.json"
    export_then_empty_the_site(path, build=lambda: moderate_a_site(moderator), events=True)

    report = import_file(path)

    assert not ModerationEvent.objects.exists()
    assert "articles[0].events: moderation history is not imported" in report.warnings


def test_a_staff_author_unknown_here_leaves_the_reply_without_author(tmp_path, moderator):
    def build():
        import_file(SEED)
        temp = make_user("temp", groups=["Moderators"])
        services.reply(Comment.objects.order_by("pk").first(), actor=temp, body="Noted.")

    export_then_empty_the_site(tmp_path / "e.json", build=build)

    report = import_file(tmp_path / "e.json")

    staff_reply = Comment.objects.get(is_staff_reply=True)
    assert staff_reply.staff_author is None and staff_reply.source_body == "Noted."
    assert any("no user here has that username): temp" in w for w in report.warnings)


def test_a_taken_slug_is_replaced_and_a_free_one_kept(tmp_path):
    def build():
        make_article(title="Kept", slug="kept-slug")
        make_article(title="Clash", slug="clash")

    export_then_empty_the_site(tmp_path / "e.json", build=build)
    make_article(title="Local", slug="clash")

    report = import_file(tmp_path / "e.json")

    assert Article.objects.filter(slug="kept-slug", title="Kept").exists()
    assert Article.objects.get(title="Clash", source="moderato").slug == "clash-2"
    assert "slug 'clash' is taken here; made a new one" in report.warnings


def test_only_the_named_articles(tmp_path, capsys):
    wanted = make_article(slug="wanted")
    make_comment(wanted)
    make_article(slug="other")

    call_command("export_articles", "--article", "wanted")

    data = json.loads(capsys.readouterr().out)
    assert [a["slug"] for a in data["articles"]] == ["wanted"]
    assert "events" not in data["articles"][0]
    with pytest.raises(CommandError, match="No article with slug: missing"):
        call_command("export_articles", "--article", "wanted", "missing")


def test_export_streams_a_chunk_of_articles_at_a_time(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(exporters, "ARTICLE_CHUNK", 2)
    for _ in range(5):
        make_comment(make_article())

    # Chunks of 2, 2 and 1 article: per chunk 1 article query and 1 comment query, then the
    # article query that finds no more.
    with django_assert_num_queries(7):
        pieces = list(exporters.export_json(Article.objects.all()))

    assert len(pieces) == 5 + 2  # the opening, one piece per article, the closing
    assert len(json.loads("".join(pieces))["articles"]) == 5
