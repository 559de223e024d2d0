"""An article's language (from its source) and its own last revision (not its comments')."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from articles.exporters import export_json
from articles.importers.service import import_file
from articles.models import Article
from articles.services import language_tag, mark_articles_changed
from articles.tests.factory import make_article, make_comment, make_user
from conftest import SAMPLES

pytestmark = pytest.mark.django_db

WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Blog</title>
  <language>{language}</language>
  <item>
    <title>Zeitung</title><link>https://example.org/zeitung</link>
    <content:encoded><![CDATA[<p>{body}</p>]]></content:encoded>
    <wp:post_id>7</wp:post_id><wp:post_date_gmt>2024-05-01 08:00:00</wp:post_date_gmt>
    <wp:comment>
      <wp:comment_id>1</wp:comment_id><wp:comment_author>Anna</wp:comment_author>
      <wp:comment_date_gmt>2024-05-01 09:00:00</wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Guter Artikel.]]></wp:comment_content>
      <wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>
    </wp:comment>
  </item>
</channel>
</rss>
"""


def write_wxr(tmp_path, *, language="de-DE", body="Text."):
    path = tmp_path / "blog.xml"
    path.write_text(WXR.format(language=language, body=body), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("source", "tag"),
    [("en", "en"), ("en-us", "en-US"), ("pt_BR", "pt-BR"), ("zh-hant-tw", "zh-Hant-TW"),
     ("", ""), ("English", ""), ('de" onmouseover="x', "")],
)  # fmt: skip
def test_language_tags_are_normalised_or_dropped(source, tag):
    assert language_tag(source) == tag


def test_wxr_channel_language_marks_article_and_comments(client, tmp_path):
    import_file(write_wxr(tmp_path))
    article = Article.objects.get()
    article.comments.update(status="approved")

    html = client.get(article.get_absolute_url()).content.decode()

    assert article.language == "de-DE"
    assert '<h1 class="article-title" lang="de-DE">Zeitung</h1>' in html
    assert '<div class="article-body" lang="de-DE">' in html
    assert '<div class="comment-body" lang="de-DE"><p>Guter Artikel.</p></div>' in html
    assert '<html lang="en">' in html  # the page's own words stay in the site's language


def test_article_without_a_language_has_no_lang_marks(client):
    article = make_article()
    make_comment(article, status="approved")

    html = client.get(article.get_absolute_url()).content.decode()

    assert html.count("lang=") == 1  # <html lang="en"> only


def test_samples_declare_their_channel_language():
    import_file(SAMPLES / "wxr" / "wpcf-content-framework-2.2.xml")

    assert set(Article.objects.values_list("language", flat=True)) == {"en-US"}


def test_language_survives_export_and_import(tmp_path):
    make_article(slug="zeitung", language="de")
    path = tmp_path / "export.json"
    path.write_text("".join(export_json(Article.objects.all())), encoding="utf-8")
    Article.objects.all().delete()

    import_file(path)

    assert Article.objects.get(slug="zeitung").language == "de"


def test_reimport_with_changed_content_records_a_revision(tmp_path):
    import_file(write_wxr(tmp_path, body="First."))
    assert Article.objects.get().revised_at is None

    import_file(write_wxr(tmp_path, body="First."))
    assert Article.objects.get().revised_at is None  # nothing changed

    import_file(write_wxr(tmp_path, body="Corrected."))
    article = Article.objects.get()
    assert article.revised_at is not None
    assert article.content_updated_at == article.revised_at


def test_comment_activity_is_not_a_revision():
    article = make_article(published_at=datetime(2026, 1, 1, tzinfo=UTC))

    mark_articles_changed([article.pk])
    article.refresh_from_db()

    assert article.revised_at is None
    assert article.content_updated_at == datetime(2026, 1, 1, tzinfo=UTC)


def test_admin_edit_of_content_records_a_revision(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    published = datetime(2026, 1, 1, tzinfo=UTC)
    article = make_article(title="Old", slug="story", published_at=published)
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = {
        "title": "New",
        "slug": "story",
        "deck": "",
        "body": article.body,
        "image_credit": "",
        "source_url": "",
        "published_at_0": "2026-01-01",
        "published_at_1": "00:00:00",
        "language": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
    }

    response = client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.title == "New"
    assert article.revised_at > published + timedelta(days=1)
