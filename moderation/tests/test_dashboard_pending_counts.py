"""The pending count per article (the dashboard's queue size and busiest articles) stays exact
whatever path adds, decides, moves or deletes comments: the database keeps it, not Python."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from articles import pending_counts
from articles.importers.service import import_file
from articles.models import Comment, PendingCount
from articles.tests.factory import make_article, make_comment
from moderation import dashboard, services
from moderation.models import TriageRules

from .import_files import moderato_comment, moderato_file

pytestmark = pytest.mark.django_db


def kept() -> dict[int, int]:
    """What the dashboard reads, checked against a recount of the comments themselves."""
    counts = dict(PendingCount.objects.values_list("article_id", "pending"))
    assert pending_counts.mismatches() == {}
    return counts


@pytest.fixture
def two_articles():
    return make_article(title="Busy"), make_article(title="Quiet")


def test_triggers_exist_after_every_migration():
    # A migration that makes SQLite rebuild articles_comment drops them: it must reinstall them.
    assert pending_counts.installed() == pending_counts.expected_triggers()


def test_new_comments_count_while_pending(two_articles):
    busy, quiet = two_articles
    make_comment(busy)
    make_comment(busy)
    make_comment(busy, status="approved")
    make_comment(quiet, status="hidden", hidden_reason="spam")
    Comment.objects.bulk_create(
        [Comment(article=quiet, body="<p>a</p>"), Comment(article=quiet, body="<p>b</p>")]
    )

    assert kept() == {busy.pk: 2, quiet.pk: 2}


def test_decisions_one_at_a_time_and_in_bulk(two_articles, moderator):
    busy, quiet = two_articles
    first, second, third = (make_comment(busy) for _ in range(3))
    other = make_comment(quiet)

    services.approve(first, actor=moderator)
    services.hide(second, actor=moderator, reason="spam")
    assert kept() == {busy.pk: 1, quiet.pk: 1}
    services.restore(second, actor=moderator)
    assert kept() == {busy.pk: 2, quiet.pk: 1}
    services.reply(third, actor=moderator, body="Thanks")  # a reply approves the comment
    assert kept() == {busy.pk: 1, quiet.pk: 1}
    services.bulk_hide([second.pk, other.pk], actor=moderator, reason="abuse")
    assert kept() == {}  # an article with nothing pending has no row
    services.restore(other, actor=moderator)
    services.bulk_approve([first.pk, other.pk], actor=moderator)  # only "other" was pending
    assert kept() == {}


def test_an_import_counts_what_it_brings_and_what_the_source_sends_back(tmp_path, moderator):
    import_file(
        moderato_file(
            tmp_path / "first.json",
            [
                moderato_comment("a", "<p>One.</p>"),
                moderato_comment("b", "<p>Two.</p>"),
                moderato_comment("c", "<p>Three.</p>", status="hidden", hidden_reason="spam"),
            ],
        )
    )
    article_id = Comment.objects.get(external_id="a").article_id
    assert kept() == {article_id: 2}

    services.bulk_approve(Comment.objects.pending().values_list("pk", flat=True), actor=moderator)
    assert kept() == {}
    rewritten = [
        moderato_comment("a", "<p>One, rewritten.</p>"),
        moderato_comment("b", "<p>Two.</p>"),
        moderato_comment("c", "<p>Three.</p>", status="hidden", hidden_reason="spam"),
        moderato_comment("d", "<p>Four.</p>"),
    ]
    import_file(moderato_file(tmp_path / "second.json", rewritten))

    # A person approved "a" and its text changed at the source: pending again; "d" is new.
    assert Comment.objects.get(external_id="a").status == "pending"
    assert kept() == {article_id: 2}


def test_rule_decisions_and_their_undo(two_articles, moderator):
    busy, _ = two_articles
    make_comment(busy, body="<p>you scoundrel</p>")
    make_comment(busy, body="<p>a fine point</p>")
    TriageRules.objects.filter(pk=1).update(banned_words="scoundrel")

    call_command("triage_run", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert kept() == {busy.pk: 1}
    call_command(
        "triage_undo",
        rule="banned_words",
        since="2000-01-01T00:00",
        username=moderator.username,
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    assert kept() == {busy.pk: 2}


def test_updates_moves_and_deletes(two_articles):
    busy, quiet = two_articles
    comments = [make_comment(busy) for _ in range(4)]

    Comment.objects.filter(pk=comments[0].pk).update(article=quiet)  # moved while pending
    assert kept() == {busy.pk: 3, quiet.pk: 1}
    Comment.objects.filter(pk__in=[c.pk for c in comments[1:3]]).update(status="approved")
    Comment.objects.filter(pk=comments[1].pk).update(article=quiet)  # moved, not pending
    assert kept() == {busy.pk: 1, quiet.pk: 1}
    Comment.objects.filter(pk=comments[3].pk).update(body="<p>Edited.</p>")  # no change
    assert kept() == {busy.pk: 1, quiet.pk: 1}
    comments[3].delete()
    Comment.objects.filter(article=quiet).delete()
    assert kept() == {}


def test_deleting_an_article_takes_its_count(two_articles):
    busy, quiet = two_articles
    for article in (busy, busy, quiet):
        make_comment(article)

    busy.delete()  # the cascade deletes its comments first

    assert kept() == {quiet.pk: 1}


def test_raw_sql_is_counted_too(two_articles):
    busy, _ = two_articles
    pending = make_comment(busy)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_comment SET status = 'approved' WHERE id = %s", [pending.pk]
        )
    assert kept() == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_empties_the_counts(two_articles):
    make_comment(two_articles[0])
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks left to run
        cursor.execute("TRUNCATE articles_comment CASCADE")
    assert kept() == {}


def test_the_dashboard_reads_the_kept_counts(two_articles):
    busy, quiet = two_articles
    for article in (busy, busy, quiet):
        make_comment(article)

    queue, busiest = dashboard.pending_figures()

    assert queue.size == 3
    assert [(a.title, a.pending) for a in busiest] == [("Busy", 2), ("Quiet", 1)]


def test_the_command_finds_and_repairs_a_wrong_count(two_articles, capsys):
    busy, _ = two_articles
    make_comment(busy)
    call_command("pending_counts")
    assert "exact" in capsys.readouterr().out
    PendingCount.objects.filter(article=busy).update(pending=7)  # e.g. written by hand
    pending_counts.uninstall()

    with pytest.raises(CommandError, match="1 article"):
        call_command("pending_counts")
    out = capsys.readouterr().out
    assert f"Article {busy.pk}: kept 7, actually 1 pending" in out
    assert "Missing triggers" in out

    call_command("pending_counts", rebuild=True)
    assert pending_counts.installed() == pending_counts.expected_triggers()
    make_comment(busy)
    assert kept() == {busy.pk: 2}
