"""The loader's queries per batch stay fixed however many articles and comments it holds, and
what writing in bulk must keep: ids never reused, replies linked to parents written after them,
slugs that never clash."""

import pytest
from django.db import connection

from articles.importers.bulk import IMPORT_CACHE_KIB
from articles.importers.loader import Loader
from articles.importers.records import APPROVED, ArticleRecord, CommentRecord
from articles.importers.report import ImportReport
from articles.importers.service import import_file
from articles.models import Article, Comment
from articles.tests.factory import make_article, make_comment

pytestmark = pytest.mark.django_db


def load(records):
    report = ImportReport(file_name="records", format="disqus")
    Loader(report).load(records)
    return report


def articles_with_replies_first(count):
    """`count` articles, each with a reply that comes in the file before its parent."""
    records = []
    for n in range(count):
        records += [
            ArticleRecord(key=f"t{n}", title=f"Story {n}"),
            CommentRecord(
                key=f"r{n}", article_key=f"t{n}", body="<p>Reply</p>", parent_key=f"p{n}"
            ),
            CommentRecord(key=f"p{n}", article_key=f"t{n}", body="<p>Parent</p>", status=APPROVED),
        ]
    return records


@pytest.mark.parametrize("item_count", [1, 3, 50])
def test_a_new_import_runs_a_fixed_number_of_queries(django_assert_num_queries, item_count):
    make_comment()  # a site that has comments (SQLite keeps their id counter from then on)
    records = articles_with_replies_first(item_count)
    # 1 stored articles by (source, external id), 2 stored slugs the new ones could clash with,
    # 3 INSERT the articles, then the comments' ids: SQLite 4 moves the AUTOINCREMENT counter
    # and 5 reads it, PostgreSQL 4 nextval for each; 6 INSERT the comments (SQLite's
    # executemany; PostgreSQL's COPY goes past Django's cursor and is not counted);
    # 7 UPDATE the articles' updated_at. No query per row, no read-back, no second pass for
    # replies that came before their parents, and the deepest thread is counted from what
    # was written (the articles are new), not read back.
    expected = 7 if connection.vendor == "sqlite" else 5
    with django_assert_num_queries(expected):
        report = load(records)

    assert report.comments_created == 2 * item_count
    assert report.replies == item_count
    assert Comment.objects.filter(parent__external_id__startswith="p").count() == item_count


@pytest.mark.parametrize("item_count", [1, 3, 50])
def test_reimporting_runs_a_fixed_number_of_queries(django_assert_num_queries, item_count):
    load(articles_with_replies_first(item_count))
    # 1 stored articles, 2 the stored comments' ids by key, 3 those comments locked (SELECT
    # ... FOR UPDATE), 4 the deepest thread; nothing changed, so nothing is written.
    with django_assert_num_queries(4):
        report = load(articles_with_replies_first(item_count))

    assert report.comments_unchanged == 2 * item_count
    assert report.articles_unchanged == item_count


def test_a_reply_before_its_parent_in_the_file_is_linked_to_it():
    report = load(articles_with_replies_first(1))

    reply = Comment.objects.get(external_id="r0")
    assert reply.parent == Comment.objects.get(external_id="p0")
    assert report.orphans_made_top_level == 0
    assert report.deepest_thread == 2


def test_a_reply_whose_parent_comes_in_a_later_batch_is_linked_at_the_end(monkeypatch):
    monkeypatch.setattr("articles.importers.loader.BATCH_SIZE", 2)
    records = [
        ArticleRecord(key="t", title="Story"),
        CommentRecord(key="r", article_key="t", body="<p>Reply</p>", parent_key="p"),
        CommentRecord(key="x", article_key="t", body="<p>Other</p>"),
        CommentRecord(key="p", article_key="t", body="<p>Parent</p>"),
    ]

    load(records)

    assert Comment.objects.get(external_id="r").parent == Comment.objects.get(external_id="p")


def test_ids_of_deleted_comments_are_never_given_out_again():
    newest = make_comment()
    deleted_id = newest.pk
    newest.delete()

    load(articles_with_replies_first(2))

    assert min(Comment.objects.values_list("pk", flat=True)) > deleted_id


def test_new_articles_of_one_batch_get_slugs_that_never_clash():
    make_article(title="Story", slug="story")
    make_article(title="Kept", slug="kept-slug")
    records = []
    for key, slug in [("a", ""), ("b", ""), ("c", "story-3"), ("d", "kept-slug"), ("e", "mine")]:
        records += [
            ArticleRecord(key=key, title="Story", slug=slug),
            CommentRecord(key=f"c-{key}", article_key=key, body="<p>Hi</p>"),
        ]

    report = load(records)

    slugs = dict(Article.objects.filter(external_id__in="abcde").values_list("external_id", "slug"))
    # In file order, as one by one: a and b get the next free slugs after the stored "story",
    # so c's own "story-3" is taken by then, as is d's "kept-slug"; e keeps its own.
    assert slugs == {"a": "story-2", "b": "story-3", "c": "story-4", "d": "story-5", "e": "mine"}
    assert "slug 'story-3' is taken here; made a new one" in report.warnings
    assert "slug 'kept-slug' is taken here; made a new one" in report.warnings


def test_two_keys_for_one_article_in_a_batch_make_one_article():
    records = [
        ArticleRecord(key="a", title="Story", source="disqus", external_id="42"),
        ArticleRecord(key="b", title="Story", source="disqus", external_id="42"),
        CommentRecord(key="1", article_key="a", body="<p>One</p>"),
        CommentRecord(key="2", article_key="b", body="<p>Two</p>"),
    ]

    report = load(records)

    article = Article.objects.get()
    assert article.comments.count() == 2
    assert (report.articles_created, report.articles_unchanged) == (1, 1)


def test_the_deepest_thread_of_new_articles_counts_replies_in_any_order():
    records = [
        ArticleRecord(key="t", title="Story"),
        CommentRecord(key="c", article_key="t", body="<p>C</p>", parent_key="b"),
        CommentRecord(key="a", article_key="t", body="<p>A</p>"),
        CommentRecord(key="b", article_key="t", body="<p>B</p>", parent_key="a"),
        ArticleRecord(key="u", title="Quiet story"),
        CommentRecord(key="d", article_key="u", body="<p>D</p>"),
    ]

    assert load(records).deepest_thread == 3


def test_the_deepest_thread_counts_new_replies_under_stored_comments():
    first = [
        ArticleRecord(key="t", title="Story"),
        CommentRecord(key="a", article_key="t", body="<p>A</p>"),
        CommentRecord(key="b", article_key="t", body="<p>B</p>", parent_key="a"),
    ]
    load(first)

    reply = CommentRecord(key="c", article_key="t", body="<p>C</p>", parent_key="b")
    assert load([*first, reply]).deepest_thread == 3


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache")
def test_an_import_holds_the_page_cache_through_its_hook_then_restores_it(tmp_path):
    """The after_load hook writes a row per new comment too: with the settings' cache back
    during it, the cache grew by ~50 MB at the end of a 100,000-comment import."""

    def cache_size():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    before = cache_size()
    during_hook = []
    path = tmp_path / "export.xml"
    path.write_text(
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
        '<thread dsq:id="t1"><id>story-1</id><title>Story</title></thread>'
        '<post dsq:id="p1"><message>&lt;p&gt;Hello&lt;/p&gt;</message>'
        '<thread dsq:id="t1"/></post></disqus>'
    )

    import_file(path, after_load=lambda created: during_hook.append(cache_size()))

    assert during_hook == [-IMPORT_CACHE_KIB] != [before]
    assert cache_size() == before
