"""An import's comments are read by triage while the file is parsed (in the parse worker
when there is one), and judged exactly as if their stored rows were read afterwards."""

from datetime import timedelta
from xml.sax.saxutils import escape

import pytest
from django.db import connection
from django.utils import timezone

from articles.importers import pipeline
from articles.importers.service import import_file
from articles.models import Article, Comment
from articles.tests.factory import make_article, make_comment
from moderation.models import CommentTriage, ModerationEvent, TriageRules
from moderation.tests.test_triage_learning import decide_fixture
from moderation.triage import learning, precompute
from moderation.triage.rules import Draft, Triage
from moderation.triage.service import triage_new_comments

pytestmark = pytest.mark.django_db

LONG = "a comment long enough to count as the same text when repeated"
BODIES = [
    "<p>you scoundrel, honestly</p>",  # banned
    "<p>When will the tram line open?</p>",  # suspect phrase
    '<p><a href="https://a.example/">a</a> <a href="https://b.example/x">b</a> '
    "https://c.example/ and www.d.example</p>",  # four links, limit 2
    '<p>see <a href="https://www.bad.example/">this</a></p>',  # a denied domain
    '<p onclick="x()">clean <script>alert(1)</script> <a href="javascript:go()">go</a></p>',
    "<p>You stupid idiot, shut up you moron</p>",  # offensive
    f"<p>{LONG}</p>",  # repeated below, by the same and by other authors
    "<p>Thanks for the balanced report on the council budget.</p>",
    "<p>Jalape\u00f1o \u2014 na\u00efve caf\u00e9 \ud55c\uad6d\uc5b4 \u200bzero</p>",
    "",
]


def export(path, posts: int = 120) -> None:
    """A Disqus export whose authors have histories: approved, spam, deleted, repeats."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">',
    ]
    for t in (1, 2):
        lines.append(
            f'<thread dsq:id="t{t}"><id>story-{t}</id><link>https://news.example/{t}/</link>'
            f"<title>Story {t}</title><createdAt>2026-01-01T00:00:00Z</createdAt></thread>"
        )
    for n in range(posts):
        author = n % 7
        name = f"<name>Author {author}</name>" if author != 6 else "<name></name>"
        spam = "true" if author == 3 and n % 2 else "false"
        deleted = "true" if n % 17 == 0 else "false"
        body = BODIES[n % len(BODIES)]
        lines.append(
            f'<post dsq:id="p{n}"><id/><message>{escape(body)}</message>'
            f"<createdAt>2026-0{1 + n % 9}-{1 + n % 28:02d}T12:00:00Z</createdAt>"
            f"<isDeleted>{deleted}</isDeleted><isSpam>{spam}</isSpam>"
            f"<author>{name}<email>r{author}@example.com</email></author>"
            f'<thread dsq:id="t{1 + n % 2}"/></post>'
        )
    lines.append("</disqus>")
    path.write_text("\n".join(lines), encoding="utf-8")


def judged() -> tuple[list, list]:
    """Every imported comment's status, triage row and rule events, by source id."""
    rows = CommentTriage.objects.filter(comment__article__source="disqus").values_list(
        "comment__external_id",
        "comment__status",
        "comment__hidden_reason",
        "markers",
        "marker_rules",
        "offensive_score",
        "learned_score",
        "learned_version",
        "likelihood",
        "text_hash",
        "author_key",
    )
    events = ModerationEvent.objects.filter(comment__article__source="disqus").values_list(
        "comment__external_id", "action", "rule", "actor"
    )
    return sorted(rows), sorted(events)


def forget_the_import() -> None:
    """Remove the import's comments to import the file again (its events too: the app
    refuses to delete events, so this test goes round it)."""
    events = ModerationEvent.objects.filter(comment__article__source="disqus")
    ModerationEvent.objects.filter(pk__in=list(events.values_list("pk", flat=True)))._raw_delete(
        "default"
    )
    Article.objects.filter(source="disqus").delete()


@pytest.fixture
def every_rule(moderator, settings):
    settings.TRIAGE_MIN_DECISIONS = 60
    decide_fixture(moderator)
    learning.train()
    article = make_article()
    for author, status in [(1, "approved")] * 3 + [(2, "approved")] * 3 + [(4, "hidden")] * 2:
        make_comment(article, author_name=f"Author {author}", status=status)
    TriageRules.objects.filter(pk=1).update(
        banned_words="scoundrel",
        suspect_words="tram line\nna\u00efve",
        max_links=2,
        denied_domains="bad.example",
        offensive_threshold=0.5,
        learned_hold_enabled=True,
        learned_threshold=0.7,
        new_commenter_enabled=True,
        trusted_enabled=True,
        trusted_min_approved=3,
        trusted_days=3650,
        history_days=3650,
        history_hidden=2,
        repeat_min_authors=2,
    )


def test_an_import_read_while_parsing_is_judged_exactly_as_its_stored_rows(
    every_rule, settings, monkeypatch, tmp_path
):
    path = tmp_path / "export.xml"
    export(path)

    # 1. As before: the hook reads the stored rows.
    settings.IMPORT_READ_COMMENTS = None
    import_file(path, all_pending=True)
    stored = judged()
    forget_the_import()

    # 2. Read in the parse worker; this process never reads a comment's text.
    settings.IMPORT_READ_COMMENTS = "moderation.triage.precompute.for_import"
    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 0)
    reads_here = []
    real_read = Triage.read

    def counted(self, draft):
        reads_here.append(draft)  # in the worker this list is the worker's copy
        return real_read(self, draft)

    monkeypatch.setattr(Triage, "read", counted)
    monkeypatch.setattr(pipeline, "BATCH", 50)  # records: 2 articles + 48 comments, 50, 22
    monkeypatch.setattr(pipeline, "importer_waits", lambda queue: False)
    import_file(path, all_pending=True)
    in_worker = judged()
    assert reads_here == []
    forget_the_import()

    # 2b. When this process waits for batches, the worker leaves their reading to it.
    monkeypatch.setattr(pipeline, "importer_waits", lambda queue: True)
    import_file(path, all_pending=True)
    shared = judged()
    assert len(reads_here) == 98  # the two full batches' comments; the worker read the rest
    reads_here.clear()
    forget_the_import()

    # 3. A small file parsed in this process is read the same way.
    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 1 << 40)
    import_file(path, all_pending=True)
    in_process = judged()
    assert len(reads_here) == 120

    assert in_worker == stored
    assert shared == stored
    assert in_process == stored
    assert len(stored[0]) == 120 and stored[1]
    rules_seen = {rule for row in stored[0] for rule in row[4].split(",")}
    assert {
        "banned_words",
        "suspect_words",
        "links",
        "markup_removed",
        "offensive",
        "learned",
        "repeat_post",
        "new_commenter",
        "recent_history",
        "trusted_author",
    } <= rules_seen


def test_rules_changed_after_the_file_was_read_are_the_ones_applied(every_rule, tmp_path):
    """A part read with other rules (saved meanwhile) is read again from the stored row."""
    comment = make_comment(make_article(), body="<p>you scoundrel</p>")
    stale = precompute.for_import
    read = stale()
    TriageRules.objects.filter(pk=1).update(banned_words="", suspect_words="scoundrel")
    record = pipeline.CommentRecord(key="x", article_key="a", body="", html=comment.body)
    read([record])
    triage_new_comments([(comment.pk, record.triage)])
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert CommentTriage.objects.get(comment=comment).marker_rules.startswith(",suspect_words,")


@pytest.mark.parametrize("item_count", [1, 3, 30])
def test_the_hook_with_texts_read_runs_a_fixed_number_of_queries(
    django_assert_num_queries, item_count
):
    TriageRules.objects.filter(pk=1).update(suspect_words="rubbish", markup_enabled=True)
    article = make_article()
    comments = [
        make_comment(article, body="<p>Rubbish, long enough to check repeats.</p>")
        for _ in range(item_count)
    ]
    triage = Triage(TriageRules.current())
    created = [(c.pk, triage.read(Draft.of(c))) for c in comments]
    # the rules, the newest learned model (none yet), the comments' statuses (no text),
    # author totals by name, latest comments by name, earlier texts for repeats, the rows
    # (PostgreSQL: the rows by COPY into a temporary table, made then read by one query each)
    with django_assert_num_queries(7 + (connection.vendor == "postgresql")):
        triage_new_comments(created)
    assert CommentTriage.objects.filter(marker_rules__contains=",suspect_words,").count() == (
        item_count
    )


def test_decisions_are_made_on_the_site_as_the_import_left_it(settings):
    """An author's record counts every comment of the import, wherever chunks split it."""
    from moderation.triage import service

    TriageRules.objects.filter(pk=1).update(
        trusted_enabled=True, trusted_min_approved=2, trusted_days=3650, banned_words="scoundrel"
    )
    article = make_article()
    old = timezone.now() - timedelta(days=1)
    approved = [
        make_comment(article, author_name="Ann", body=f"<p>fine {n}</p>", status="approved")
        for n in range(2)
    ]
    new = [make_comment(article, author_name="Ann", body="<p>you scoundrel</p>")]
    new += [make_comment(article, author_name="Ann", body=f"<p>new {n}</p>") for n in range(4)]
    Comment.objects.filter(pk__in=[c.pk for c in approved + new]).update(created_at=old)
    settings_chunk = service.CHUNK
    try:
        service.CHUNK = 2
        result = triage_new_comments([(c.pk, None) for c in new])
    finally:
        service.CHUNK = settings_chunk
    # Ann had 2 approved and none hidden before the import: trusted for all four, though
    # the rule hides her banned comment in the first chunk (judged chunk by chunk, the
    # later chunks would have seen it hidden and approved only one).
    assert (result.approved, result.hidden) == (4, 1)
