"""Every real export in shared/samples through the whole import (parser, loader, database).

The counts were derived by the parser's author and re-checked against the files with the
standard library (see `file_comment_texts`); where the loader's rules differ from a raw count
(articles without comments are skipped for Disqus and for WXR items other than
published posts and pages with content, orphans become top level), the
numbers here are what the loader does, and the report says so.
"""

import json
import re
import xml.etree.ElementTree as ET  # only ever reads the fixed sample files
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest

from articles.importers.service import ImportFailed, import_file
from articles.models import Article, Comment, ImportRun
from conftest import SAMPLES

pytestmark = pytest.mark.django_db

APPROVED = ("approved", "")
PENDING = ("pending", "")
SPAM = ("hidden", "spam")
REMOVED = ("hidden", "removed_at_source")


class Expected(NamedTuple):
    articles: int  # created
    statuses: dict  # {(status, hidden reason): comments}
    kinds: dict
    skipped: int = 0  # articles without comments, not imported (Disqus and WXR)
    replies: int = 0  # linked to their parent
    orphans: int = 0  # replies whose parent is missing, made top level
    homeless: int = 0  # comments whose article is not in the file, not imported
    depth: int = 0  # deepest thread, 1 = no replies


EXPECTED = {
    "disqus/evanlin-blog-export-2021.xml": Expected(
        57, {APPROVED: 168, SPAM: 13, REMOVED: 8}, {"comment": 189}, skipped=2462, replies=74,
        depth=7,
    ),
    # Thread 3 has no posts; post 6 names thread 1337, which is not in the file.
    "disqus/isso-fixture-edge-cases.xml": Expected(
        2, {APPROVED: 4, REMOVED: 1}, {"comment": 5}, skipped=1, replies=2, homeless=1, depth=2,
    ),
    # 186 <item>s but 168 distinct post ids: 18 items appear twice.
    # Published posts and pages with content stand alone; other items only with comments.
    "wxr/wptt-theme-unit-test-data.xml": Expected(
        76, {APPROVED: 30, PENDING: 3}, {"comment": 29, "pingback": 2, "trackback": 2},
        skipped=92, replies=10, depth=10,
    ),
    "wxr/isso-fixture-wxr-1.0.xml": Expected(
        2, {APPROVED: 8}, {"comment": 8}, skipped=1, replies=3, depth=3,
    ),
    # 20 <item>s, 12 distinct; the reply to the missing comment 121 becomes top level.
    "wxr/pelican-wordpressexport-1.1.xml": Expected(
        6, {APPROVED: 3, REMOVED: 1}, {"comment": 3, "pingback": 1}, skipped=6, replies=1,
        orphans=1, depth=2,
    ),
    "wxr/wpcf-content-framework-2.2.xml": Expected(
        28, {APPROVED: 21}, {"comment": 21}, skipped=10, replies=3, depth=2,
    ),
    "json/isso-generic.json": Expected(2, {APPROVED: 2}, {"comment": 2}, depth=1),
    "json/commento-remark42-fixture.json": Expected(
        2, {APPROVED: 3}, {"comment": 3}, replies=1, depth=2,
    ),
    # The reply's pid "1234" names no comment.
    "json/remark42-backup-v1-fixture.jsonl": Expected(
        2, {APPROVED: 2}, {"comment": 2}, orphans=1, depth=1,
    ),
    "rss/livemint-news.rss.xml": Expected(25, {}, {}),
    "atom/pelican-custom-all.atom.xml": Expected(12, {}, {}),
}  # fmt: skip
MALFORMED = {
    "disqus/remark42-radiot-malformed.xml": (1, "not well-formed XML"),
    "other/pelican-blogger-export.atom.xml": (973, "namespace prefix that the file never declares"),
}
# Raw comments in a file that the loader rightly leaves out: Disqus post 6 (no thread).
NOT_IMPORTED = {"disqus/isso-fixture-edge-cases.xml": ["..."]}
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def test_every_sample_file_is_covered():
    on_disk = {
        p.relative_to(SAMPLES).as_posix()
        for p in SAMPLES.rglob("*")
        if p.is_file() and p.suffix != ".md"
    }
    assert on_disk == set(EXPECTED) | set(MALFORMED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_imports_with_exact_counts(name):
    expected = EXPECTED[name]

    report = import_file(SAMPLES / name)

    by_status = Counter()
    for (status, _), n in expected.statuses.items():
        by_status[status] += n
    assert report.articles_created == expected.articles
    assert report.articles_skipped_without_comments == expected.skipped
    assert report.comments_created == sum(expected.statuses.values())
    assert report.created_by_status == by_status
    assert report.created_by_kind == Counter(expected.kinds)
    assert report.replies == expected.replies
    assert report.orphans_made_top_level == expected.orphans
    assert report.comments_without_article == expected.homeless
    assert report.deepest_thread == expected.depth
    if expected.skipped:
        note = f"{expected.skipped} article(s) without comments were not imported"
        assert note in report.warnings
    run = ImportRun.objects.get()
    assert run.succeeded and run.counts == json.loads(json.dumps(report.as_counts()))

    assert Article.objects.count() == expected.articles
    statuses = Counter(Comment.objects.values_list("status", "hidden_reason"))
    assert statuses == Counter(expected.statuses)
    assert Counter(Comment.objects.values_list("kind", flat=True)) == Counter(expected.kinds)
    assert Comment.objects.filter(parent__isnull=False).count() == expected.replies
    assert deepest_in_database() == expected.depth


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_source_bodies_are_the_files_text_and_bodies_are_safe(name):
    import_file(SAMPLES / name)

    stored = Counter(Comment.objects.values_list("source_body", flat=True))
    assert stored == file_comment_texts(SAMPLES / name) - Counter(NOT_IMPORTED.get(name, []))
    for body in [*Comment.objects.values_list("body", flat=True), *article_bodies()]:
        assert "<script" not in body.lower()
        assert not EVENT_HANDLER.search(body)
        assert "javascript:" not in body.lower()


def test_wordpress_pingbacks_trackbacks_and_trash_keep_their_kind_and_reason():
    import_file(SAMPLES / "wxr/wptt-theme-unit-test-data.xml")
    import_file(SAMPLES / "wxr/pelican-wordpressexport-1.1.xml")

    linkbacks = Comment.objects.exclude(kind="comment")
    assert Counter(linkbacks.values_list("kind", "status", "hidden_reason", "source_status")) == {
        ("pingback", "approved", "", "1"): 2,
        ("trackback", "approved", "", "1"): 2,
        ("pingback", "hidden", "removed_at_source", "trash"): 1,
    }
    pending = Comment.objects.filter(status="pending")
    assert set(pending.values_list("source_status", flat=True)) == {"0"}


def test_disqus_spam_and_deleted_posts_are_hidden_for_their_reason():
    import_file(SAMPLES / "disqus/evanlin-blog-export-2021.xml")

    hidden = Comment.objects.filter(status="hidden")
    assert Counter(hidden.values_list("hidden_reason", "source_status")) == {
        ("spam", "spam"): 13,
        ("removed_at_source", "deleted"): 8,
    }
    assert not Comment.objects.filter(status="approved").exclude(source_status="approved")


def test_orphans_become_top_level_and_are_named_in_the_report():
    report = import_file(SAMPLES / "wxr/pelican-wordpressexport-1.1.xml")

    orphan = Comment.objects.get(external_id="122")
    assert orphan.parent is None
    assert any("made top level: " in w and "(parent 121)" in w for w in report.warnings)


def test_a_reply_to_a_deleted_disqus_post_stays_under_its_hidden_parent():
    import_file(SAMPLES / "disqus/isso-fixture-edge-cases.xml")

    reply = Comment.objects.select_related("parent").get(external_id="11")
    assert (reply.status, reply.parent.external_id, reply.parent.status) == (
        "approved",
        "9",
        "hidden",
    )
    assert reply.parent.hidden_reason == "removed_at_source"


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_sample_is_refused_with_file_and_line(name):
    import_file(SAMPLES / "json/commento-remark42-fixture.json")
    before = (Article.objects.count(), Comment.objects.count())
    line, message = MALFORMED[name]

    with pytest.raises(ImportFailed) as failure:
        import_file(SAMPLES / name)

    assert str(failure.value).startswith(f"{SAMPLES / name}, line {line}: ")
    assert message in str(failure.value)
    assert (Article.objects.count(), Comment.objects.count()) == before
    failed = ImportRun.objects.get(succeeded=False)
    assert failed.error == str(failure.value)


def deepest_in_database() -> int:
    """Walk every comment's parents up to the top: the deepest chain, 1 for no replies."""
    parents = dict(Comment.objects.values_list("pk", "parent_id"))
    deepest = 0
    for pk in parents:
        depth = 1
        while (pk := parents[pk]) is not None:
            depth += 1
        deepest = max(deepest, depth)
    return deepest


def article_bodies() -> list[str]:
    return list(Article.objects.values_list("body", flat=True))


def file_comment_texts(path: Path) -> Counter:
    """Every comment text of a sample, read with the standard library, not our parsers."""
    raw = path.read_bytes()
    if path.suffix == ".jsonl":
        lines = [json.loads(line) for line in raw.decode().splitlines()[1:] if line.strip()]
        return Counter(item["text"] for item in lines)
    if path.suffix == ".json":
        data = json.loads(raw)
        if isinstance(data, list):
            return Counter(c["text"] for thread in data for c in thread["comments"])
        return Counter(c["html"] or c["markdown"] for c in data["comments"])
    root = ET.fromstring(raw)  # noqa: S314 - fixed sample files, no entities
    if root.tag == "{http://disqus.com}disqus":
        posts = root.iter("{http://disqus.com}post")
        return Counter(post.findtext("{http://disqus.com}message") or "" for post in posts)
    return Counter(elem.text or "" for elem in root.iter() if elem.tag.endswith("}comment_content"))
