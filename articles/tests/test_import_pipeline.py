"""Large files are parsed in a forked worker: same result, same errors, nothing lost."""

import pytest

from articles.importers import pipeline
from articles.importers.service import ImportFailed, import_file
from articles.models import Article, Comment, ImportRun
from conftest import SAMPLES

pytestmark = pytest.mark.django_db(transaction=True)
EVANLIN = SAMPLES / "disqus" / "evanlin-blog-export-2021.xml"


def snapshot():
    return sorted(
        Comment.objects.values_list(
            "article__title", "external_id", "parent__external_id", "status", "body", "source_body"
        )
    )


def test_worker_imports_exactly_what_the_single_process_does(monkeypatch):
    import_file(EVANLIN)
    alone = snapshot()
    Comment.objects.all().delete()
    Article.objects.all().delete()
    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 0)
    decisions = []
    real_check = pipeline.worth_a_worker

    def checked(stream):
        decisions.append(real_check(stream))
        return decisions[-1]

    monkeypatch.setattr(pipeline, "worth_a_worker", checked)

    report = import_file(EVANLIN)

    assert decisions == [True], "the worker was not used"
    assert snapshot() == alone
    assert report.comments_created == 189 and report.deepest_thread == 7
    # The parent's database connection survived the fork.
    assert Article.objects.count() == 57


def test_worker_errors_reach_the_user_and_nothing_is_written(monkeypatch, tmp_path):
    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 0)
    data = EVANLIN.read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: len(data) // 2])

    with pytest.raises(ImportFailed) as failure:
        import_file(cut)

    assert "cut.xml" in str(failure.value) and "line" in str(failure.value)
    assert not Comment.objects.exists() and not Article.objects.exists()
    assert ImportRun.objects.get().succeeded is False


def test_small_files_and_uploads_stay_in_process(tmp_path):
    small = tmp_path / "small.xml"
    small.write_bytes(b"<x/>")
    with small.open("rb") as stream:
        assert not pipeline.worth_a_worker(stream)
    import io

    assert not pipeline.worth_a_worker(io.BytesIO(b"x" * (pipeline.WORKER_MIN_BYTES + 1)))


def test_a_waiting_importer_gets_batches_raw_and_makes_their_html_the_same(monkeypatch):
    import_file(EVANLIN)
    alone = snapshot()
    Comment.objects.all().delete()
    Article.objects.all().delete()
    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(pipeline, "BATCH", 50)
    monkeypatch.setattr(pipeline, "importer_waits", lambda queue: True)
    made_here = []  # in the worker, this list is the worker's copy
    real_make = pipeline.comment_html_and_removed

    def counted(body, **options):
        made_here.append(body)
        return real_make(body, **options)

    monkeypatch.setattr(pipeline, "comment_html_and_removed", counted)

    import_file(EVANLIN)

    assert snapshot() == alone
    # Every full batch came raw; the worker made the last one's HTML itself.
    assert 0 < len(made_here) < 189
