"""What a newsroom expects from an import: every published post, readable slugs."""

import pytest

from articles.importers.service import import_file
from articles.models import Article
from articles.services import readable_slug, unique_slug

pytestmark = pytest.mark.django_db

WXR_HEAD = (
    '<?xml version="1.0"?><rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"'
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
)


def wxr_item(post_id, title, *, status="publish", post_type="post", content="<p>Text.</p>"):
    return (
        f"<item><title>{title}</title><wp:post_id>{post_id}</wp:post_id>"
        f"<wp:status>{status}</wp:status><wp:post_type>{post_type}</wp:post_type>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded></item>"
    )


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Internet—For Foreigners", "internet-for-foreigners"),
        ("A/B testing: the 3.5% rise", "a-b-testing-the-3-5-rise"),
        ("Don’t panic", "dont-panic"),
        ("Café – naïve", "cafe-naive"),
    ],
)
def test_punctuation_between_words_becomes_a_hyphen(title, slug):
    assert readable_slug(title) == slug
    assert unique_slug(title) == slug


def test_wordpress_published_posts_and_pages_without_comments_become_articles(tmp_path):
    path = tmp_path / "wp.xml"
    path.write_text(
        WXR_HEAD
        + wxr_item(1, "A post")
        + wxr_item(2, "A page", post_type="page")
        + wxr_item(3, "A draft", status="draft")
        + wxr_item(4, "An attachment", status="inherit", post_type="attachment")
        + wxr_item(5, "An empty post", content="  ")
        + "</channel></rss>"
    )

    report = import_file(path)

    assert sorted(Article.objects.values_list("title", flat=True)) == ["A page", "A post"]
    assert report.articles_skipped_without_comments == 3
    assert "3 article(s) without comments were not imported" in report.warnings
