"""The seed article's plain-text format, through the command and the service."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.importers.service import ImportFailed, import_file
from articles.models import Article, Comment, ImportRun
from conftest import SEED

pytestmark = pytest.mark.django_db

GABRIEL_FIRST = (
    "Good news for traveling to the DPRK. Locals still have to wait for more liberal "
    "telecoms policies, of course, but this is a positive development for reporting and "
    "transmitting from inside. Opening up a country happens in small steps..."
)


def test_seed_article_fields():
    report = import_file(SEED)

    assert (report.articles_created, report.comments_created) == (1, 3)
    article = Article.objects.get()
    assert article.title == "North Korea Opens The Door To Mobile Internet—For Foreigners"
    assert article.slug == "north-korea-opens-the-door-to-mobile-internet-for-foreigners"
    assert article.deck == (
        'The scheme will give 3G connectivity to tourists and non-DPRK nationals "no later '
        'than March 1."'
    )
    paragraphs = article.body.split("\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("<p>Mobile Internet is coming to the Democratic People")
    assert paragraphs[0].endswith("its leader, Kim Jong Un.</p>")
    assert paragraphs[1].startswith("<p>It's the second such relaxation of rules")
    assert paragraphs[1].endswith("on Chinese networks.</p>")
    assert article.image_credit == "Image by Flickr user (stephan)"


def test_seed_comments_in_order_with_paragraphs():
    import_file(SEED)

    comments = list(Comment.objects.order_by("id"))
    assert [c.author_name for c in comments] == ["Gabriel", "JordanHarbinger", "Gabriel"]
    assert all(c.status == Comment.Status.PENDING for c in comments)
    assert all(c.parent_id is None for c in comments)
    first = comments[0].body.split("\n")
    assert len(first) == 3
    assert first[0] == f"<p>{GABRIEL_FIRST}</p>"
    assert first[2] == (
        "<p>But that's the trade-off with technical progress, which is essential to "
        "North Korea. Will be watching this closely.</p>"
    )
    # Double spaces between sentences are layout, not content.
    assert "cellphones brought in by foreigners are left to local guides as gifts" in (
        comments[1].body
    )
    assert "  " not in comments[1].body
    assert comments[2].body.startswith("<p>No doubt. Remember how awesome it was")


def test_source_body_keeps_the_file_text_exactly():
    import_file(SEED)

    jordan = Comment.objects.get(author_name="JordanHarbinger")
    raw = SEED.read_text(encoding="utf-8")
    assert jordan.source_body in raw
    assert jordan.source_body.startswith("    This is a great development")


def test_reimport_changes_nothing():
    import_file(SEED)
    before = list(Comment.objects.values_list("pk", "body", "status", "version"))

    again = import_file(SEED)

    assert (again.articles_created, again.articles_unchanged) == (0, 1)
    assert (again.comments_created, again.comments_unchanged) == (0, 3)
    assert list(Comment.objects.values_list("pk", "body", "status", "version")) == before


def test_reimport_keeps_a_moderators_decision():
    import_file(SEED)
    comment = Comment.objects.order_by("id").first()
    Comment.objects.filter(pk=comment.pk).update(status="approved", moderated_at=timezone.now())

    import_file(SEED)

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_layout_noise_is_dropped(tmp_path):
    text = (
        SEED.read_text(encoding="utf-8").replace("\n", "\r\n").replace("Gabriel", "Gabriel\u00a0")
    )
    path = tmp_path / "noisy.txt"
    path.write_bytes("\ufeff".encode() + text.encode("utf-8"))

    import_file(path)

    article = Article.objects.get()
    assert article.title.startswith("North Korea")
    assert "\r" not in article.body and "\u00a0" not in article.body
    assert Comment.objects.filter(author_name="Gabriel").count() == 2


def test_dry_run_writes_nothing():
    report = import_file(SEED, dry_run=True)

    assert report.comments_created == 3
    assert not Article.objects.exists()
    assert not ImportRun.objects.exists()


def test_every_import_is_recorded():
    import_file(SEED)

    run = ImportRun.objects.get()
    assert run.succeeded and run.format == "text"
    assert run.counts["comments_created"] == 3


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (b"", 1, "empty"),
        (b"Title only\n", 2, "deck"),
        (b"Title\n\nDeck\n\nBody\n\nAdd New Comment\n\n    orphan text\n", 9, "author line"),
        (b"Title\n\nDeck \xff\xfe here\n", 3, "UTF-8"),
    ],
)
def test_a_bad_file_names_file_and_line_and_writes_nothing(tmp_path, content, line, message):
    import_file(SEED)
    before = (Article.objects.count(), Comment.objects.count())
    path = tmp_path / "bad.txt"
    path.write_bytes(content)

    with pytest.raises(ImportFailed) as failure:
        import_file(path, format="text")

    assert str(path) in str(failure.value)
    assert f"line {line}" in str(failure.value)
    assert message in str(failure.value)
    assert (Article.objects.count(), Comment.objects.count()) == before


def test_command_prints_a_summary(capsys):
    call_command("import_articles", str(SEED))

    out = capsys.readouterr().out
    assert "articles 1 created" in out
    assert "comments 3 new (3 pending)" in out


def test_command_fails_loudly_on_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Title\n")

    with pytest.raises(CommandError):
        call_command("import_articles", str(SEED), str(bad))

    assert "bad.txt" in capsys.readouterr().err
    assert Article.objects.count() == 1  # the good file still imported, atomically
