"""Each rule fires with its evidence; rules decide only undecided comments."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Comment
from articles.tests.factory import make_article, make_comment
from moderation.models import CommentTriage, ModerationEvent, Rule, TriageRules
from moderation.triage.rules import Draft, Triage
from moderation.triage.service import preview, triage_new_comments, try_text

pytestmark = pytest.mark.django_db
Status = Comment.Status


def rules(**changes) -> TriageRules:
    current = TriageRules.current()
    for name, value in changes.items():
        setattr(current, name, value)
    current.save()
    return current


def markers(comment) -> dict[str, dict]:
    return {m["rule"]: m for m in CommentTriage.objects.get(comment=comment).markers}


def judge(comment_ids) -> None:
    triage_new_comments((pk, None) for pk in comment_ids)


def test_banned_word_hides_at_once_as_an_automatic_event():
    rules(banned_words="idiot\nbig liar")
    comment = make_comment(body="<p>You are an IDIOT, frankly.</p>", author_name="Ann")
    judge([comment.pk])
    comment.refresh_from_db()
    assert (comment.status, comment.hidden_reason) == (Status.HIDDEN, "banned_word")
    event = ModerationEvent.objects.get(comment=comment)
    assert event.actor is None and event.rule == Rule.BANNED_WORDS
    assert event.actor_name == "rule “Banned word”"
    marker = markers(comment)["banned_words"]
    assert marker["summary"] == "banned word “idiot”"
    assert marker["evidence"]["snippets"] == [
        {"before": "You are an ", "match": "IDIOT", "after": ", frankly."}
    ]


def test_suspect_word_holds_and_flags_with_the_word():
    rules(suspect_words="rubbish")
    comment = make_comment(body="<p>What rubbish.</p>")
    judge([comment.pk])
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert markers(comment)["suspect_words"]["evidence"]["terms"] == ["rubbish"]
    assert not ModerationEvent.objects.exists()


def test_links_over_the_limit_and_denied_domains():
    rules(max_links=2, allowed_domains="news.example", denied_domains="spam.example")
    many = make_comment(
        body='<p><a href="https://a.test/1">a</a> https://b.test/2 www.c.test '
        '<a href="https://news.example/x">ours</a></p>'
    )
    denied = make_comment(body='<p><a href="https://shop.spam.example/">deal</a></p>')
    judge([many.pk, denied.pk])
    assert markers(many)["links"]["summary"] == "3 links, limit 2"
    assert markers(denied)["links"]["summary"] == "links to spam.example"


@pytest.mark.parametrize(
    ("links", "allowed", "denied", "summaries"),
    [
        (2, "", "", []),  # at the limit
        (3, "", "", ["3 links, limit 2"]),
        (3, "l0.example", "", []),  # an allowed link is not counted
        (1, "", "l0.example", ["links to l0.example"]),  # within the limit, denied
        (0, "", "l0.example", []),
    ],
)
def test_links_mark_a_comment_over_the_limit_or_to_a_denied_domain(
    links, allowed, denied, summaries
):
    unsaved = TriageRules(max_links=2, allowed_domains=allowed, denied_domains=denied)
    body = " ".join(f'<a href="https://l{n}.example/">{n}</a>' for n in range(links))
    part = Triage(unsaved, use_learned=False).read(Draft(body=f"<p>{body}</p>"))
    assert [m["summary"] for m in part.before if m["rule"] == "links"] == summaries


def test_new_commenter_is_held_until_approved_enough():
    rules(new_commenter_enabled=True, new_commenter_min_approved=2)
    article = make_article()
    make_comment(article, author_name="Bo", status=Status.APPROVED)
    new = make_comment(article, author_name="Bo")
    judge([new.pk])
    assert markers(new)["new_commenter"]["summary"] == "1 approved comment on this site (needs 2)"
    make_comment(article, author_name="Bo", status=Status.APPROVED)
    judge([new.pk])
    assert "new_commenter" not in markers(new)


def test_recent_history_flags_an_author_with_many_hidden():
    rules(history_last=5, history_hidden=3, new_commenter_enabled=False)
    article = make_article()
    now = timezone.now()
    for n in range(6):
        status = Status.HIDDEN if n % 2 else Status.APPROVED
        make_comment(
            article,
            author_name="Cy",
            status=status,
            hidden_reason="spam" if status == Status.HIDDEN else "",
            created_at=now - timedelta(days=n + 1),
        )
    comment = make_comment(article, author_name="Cy", created_at=now)
    judge([comment.pk])
    # The last five before it: days 1..5 -> hidden on days 2 and 4 only... plus day 6 is out.
    assert "recent_history" not in markers(comment)
    make_comment(article, author_name="Cy", status=Status.HIDDEN, hidden_reason="spam")
    judge([comment.pk])
    assert markers(comment)["recent_history"]["summary"] == "3 of the last 5 hidden"


def test_trusted_author_is_approved_automatically_only_when_opted_in():
    article = make_article()
    for _ in range(3):
        make_comment(article, author_name="Di", status=Status.APPROVED)
    comment = make_comment(article, author_name="Di", body="<p>Nice piece.</p>")
    rules(trusted_min_approved=3)
    judge([comment.pk])
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    rules(trusted_enabled=True, trusted_min_approved=3)
    judge([comment.pk])
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert ModerationEvent.objects.get(comment=comment).rule == Rule.TRUSTED_AUTHOR


def test_a_trusted_author_with_a_flag_stays_held():
    article = make_article()
    for _ in range(3):
        make_comment(article, author_name="Di", status=Status.APPROVED)
    rules(trusted_enabled=True, trusted_min_approved=3, suspect_words="rubbish")
    comment = make_comment(article, author_name="Di", body="<p>Rubbish.</p>")
    judge([comment.pk])
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_repeat_post_by_the_same_author_and_by_several_authors():
    rules(repeat_min_authors=3, new_commenter_enabled=False)
    article = make_article()
    text = "<p>Buy cheap watches at our wonderful shop today!</p>"
    first = make_comment(article, author_name="Ed", body=text)
    again = make_comment(article, author_name="Ed", body=text.upper())
    judge([first.pk])
    judge([again.pk])
    assert markers(again)["repeat_post"]["summary"] == "the same text again from this author"
    others = [make_comment(article, author_name=name, body=text) for name in ("Fay", "Gil")]
    judge([c.pk for c in others])
    assert markers(others[-1])["repeat_post"]["summary"] == "the same text from 3 authors"


def test_markup_removed_names_what_the_sanitiser_took_out():
    # What the import recorded on the comment when it sanitised the source.
    comment = make_comment(
        body="<p>Hi <a>me</a></p>", sanitised_away="javascript:, onclick, script"
    )
    judge([comment.pk])
    marker = markers(comment)["markup_removed"]
    assert marker["summary"] == "removed javascript:, onclick, script"
    assert marker["evidence"]["removed"] == ["javascript:", "onclick", "script"]


def test_the_test_box_finds_removed_markup_in_a_pasted_text():
    verdict = try_text(
        TriageRules(),
        '<p onclick="steal()">Hi <script>x()</script><a href="javascript:go()">me</a>',
    )
    (marker,) = [m for m in verdict.markers if m["rule"] == "markup_removed"]
    assert marker["evidence"]["removed"] == ["javascript:", "onclick", "script"]


def test_offensive_language_score_holds_at_the_threshold():
    rules(offensive_threshold=0.8)
    rude = make_comment(body="<p>fuck off you stupid moron</p>")
    polite = make_comment(body="<p>Thank you for this careful report on the council.</p>")
    judge([rude.pk, polite.pk])
    assert markers(rude)["offensive"]["evidence"]["score"] >= 0.8
    assert "offensive" not in markers(polite)
    rude_row = CommentTriage.objects.get(comment=rude)
    assert rude_row.likelihood > CommentTriage.objects.get(comment=polite).likelihood


def test_decided_comments_get_markers_only():
    rules(banned_words="idiot")
    approved = make_comment(body="<p>idiot</p>", status=Status.APPROVED)
    restored = make_comment(body="<p>idiot</p>", moderated_at=timezone.now())
    judge([approved.pk, restored.pk])
    approved.refresh_from_db()
    restored.refresh_from_db()
    assert (approved.status, restored.status) == (Status.APPROVED, Status.PENDING)
    assert "banned_words" in markers(approved) and "banned_words" in markers(restored)
    assert not ModerationEvent.objects.exists()


def test_a_new_site_holds_no_one_for_being_new():
    """Off until a Moderator turns it on: on a fresh site every author is new."""
    article = make_article()
    first = make_comment(article, author_name="First Reader")
    judge([first.pk])
    assert "new_commenter" not in markers(first)
    assert not TriageRules.current().new_commenter_enabled


def test_upgrading_turns_the_rule_off_only_where_nobody_chose_it(moderator):
    from importlib import import_module

    from django.apps import apps

    untouched = rules(new_commenter_enabled=True)  # as an older version made it
    chosen = TriageRules.objects.create(pk=2, new_commenter_enabled=True, updated_by=moderator)
    migration = import_module("moderation.migrations.0008_new_commenter_off_by_default")

    migration.follow_the_new_default(apps, None)

    untouched.refresh_from_db()
    chosen.refresh_from_db()
    assert (untouched.new_commenter_enabled, chosen.new_commenter_enabled) == (False, True)


def test_test_box_shows_which_rules_fire_without_saving_anything():
    unsaved = TriageRules(suspect_words="rubbish", max_links=0, new_commenter_enabled=True)
    verdict = try_text(unsaved, "Rubbish, see https://x.test", author_name="Newbie")
    assert {m["rule"] for m in verdict.markers} >= {"suspect_words", "links", "new_commenter"}
    assert verdict.offensive is not None
    assert not CommentTriage.objects.exists()
    assert TriageRules.current().suspect_words == ""


def test_judging_a_batch_runs_a_fixed_number_of_queries(django_assert_num_queries):
    article = make_article()
    body = "<p>A comment long enough to be checked for repeats.</p>"
    drafts = [Draft.of(make_comment(article, author_name=f"R{n}", body=body)) for n in range(3)]
    triage = Triage(TriageRules.current(), use_learned=False)
    # author totals by name, latest comments by name, earlier texts for repeats
    with django_assert_num_queries(3):
        triage.judge(drafts)
    drafts += [Draft.of(make_comment(article, author_name=f"S{n}", body=body)) for n in range(30)]
    with django_assert_num_queries(3):
        triage.judge(drafts)


@pytest.mark.parametrize("item_count", [1, 3, 30])
def test_the_import_hook_runs_a_fixed_number_of_queries(django_assert_num_queries, item_count):
    rules(suspect_words="rubbish", markup_enabled=True)
    article = make_article()
    ids = [
        make_comment(article, body="<p>Rubbish, long enough to check repeats.</p>").pk
        for _ in range(item_count)
    ]
    Comment.objects.filter(pk=ids[0]).update(sanitised_away="script")
    # the rules, the newest learned model (none yet), the comments with every field the
    # rules read (sanitised_away included: deferred, it cost a query per comment; none was
    # read by the parse worker here), author totals by name, latest comments by name,
    # earlier texts for repeats, their statuses when judged, the triage rows (PostgreSQL:
    # the rows by COPY into a temporary table, made then read by one query each)
    with django_assert_num_queries(8 + (connection.vendor == "postgresql")):
        triage_new_comments([(pk, None) for pk in ids])
    assert "markup_removed" in markers(ids[0])


@pytest.mark.parametrize("item_count", [1, 3, 30])
def test_the_preview_runs_a_fixed_number_of_queries(django_assert_num_queries, item_count):
    article = make_article()
    for _ in range(item_count):
        make_comment(article, body="<p>Rubbish, long enough to check repeats.</p>")
    Comment.objects.filter(article=article).update(sanitised_away="script")
    # the newest learned model (none yet), the pending comments held now, the pending ids,
    # the comments with every field the rules read, author totals by name, latest comments
    # by name, earlier texts for repeats
    with django_assert_num_queries(7):
        result = preview(TriageRules(suspect_words="rubbish"))
    assert (result.pending, result.would_hold) == (item_count, item_count)
