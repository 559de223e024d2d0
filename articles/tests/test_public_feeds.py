"""The RSS and Atom feeds as a feed reader (feedparser) sees them."""

import gzip
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.services import mark_articles_changed
from articles.tests.factory import make_article, make_comment

pytestmark = pytest.mark.django_db
FEEDS = ["articles:feed-atom", "articles:feed-rss"]
JAN = datetime(2026, 1, 10, 9, 30, tzinfo=UTC)


def read_feed(client, name: str, **headers):
    response = client.get(reverse(name), headers=headers)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def entry(feed, title: str):
    return next(e for e in feed.entries if e.title == title)


def as_utc(parsed) -> datetime:
    return datetime(*parsed[:6], tzinfo=UTC)


@pytest.mark.parametrize("name", FEEDS)
def test_entries_are_described_by_deck_else_body_excerpt(client, name):
    make_article(title="Decked", deck="Why <b>tea</b> & cake", body="<p>Body.</p>")
    make_article(title="Bodied", deck="", body="<p>First <em>words</em> of the body.</p>")
    make_article(title="Long", deck="", body="<p>" + "word " * 100 + "</p>")
    make_article(title="Empty", deck="", body="")

    feed = read_feed(client, name)

    # The deck is plain text: a reader shows its characters, never makes them markup.
    assert entry(feed, "Decked").summary == "Why &lt;b&gt;tea&lt;/b&gt; &amp; cake"
    assert entry(feed, "Bodied").summary == "First words of the body."
    assert len(entry(feed, "Long").summary) == 200
    assert entry(feed, "Long").summary.endswith("…")
    assert entry(feed, "Empty").summary == "The newest articles and their reader discussions."


@pytest.mark.parametrize("name", FEEDS)
def test_entries_have_an_author(client, name):
    make_article(title="Byline")

    feed = read_feed(client, name)

    assert entry(feed, "Byline").author == "Moderato"


def test_atom_updated_is_the_articles_own_last_change_not_its_comments(client):
    article = make_article(title="Dated", published_at=JAN)
    make_comment(article, status="approved")
    mark_articles_changed([article.pk])  # a moderator's decision: updated_at moves

    feed = read_feed(client, "articles:feed-atom")

    assert as_utc(entry(feed, "Dated").published_parsed) == JAN
    assert as_utc(entry(feed, "Dated").updated_parsed) == JAN


def test_atom_updated_follows_a_revision(client):
    revised = JAN + timedelta(days=3, hours=2)
    make_article(title="Corrected", published_at=JAN, revised_at=revised)

    feed = read_feed(client, "articles:feed-atom")

    assert as_utc(entry(feed, "Corrected").published_parsed) == JAN
    assert as_utc(entry(feed, "Corrected").updated_parsed) == revised
    assert as_utc(feed.feed.updated_parsed) == revised


def test_rss_dates_entries_by_publication(client):
    make_article(title="Dated", published_at=JAN)

    feed = read_feed(client, "articles:feed-rss")

    assert as_utc(entry(feed, "Dated").published_parsed) == JAN


@pytest.mark.parametrize("name", FEEDS)
def test_undated_article_sorts_by_its_import_time(client, name):
    make_article(title="Last year", published_at=JAN - timedelta(days=365))
    make_article(title="January", published_at=JAN)
    imported = JAN + timedelta(days=1)
    make_article(title="Undated", published_at=None, created_at=imported)

    feed = read_feed(client, name)

    assert [e.title for e in feed.entries] == ["Undated", "January", "Last year"]
    assert as_utc(entry(feed, "Undated").published_parsed) == imported


def test_index_uses_the_same_order(client):
    make_article(title="January", published_at=JAN)
    make_article(title="Undated", published_at=None, created_at=JAN - timedelta(days=1))

    html = client.get(reverse("articles:index")).content.decode()

    assert html.index("January") < html.index("Undated")


@pytest.mark.parametrize("name", FEEDS)
def test_feed_answers_304_to_a_reader_that_has_it(client, name):
    make_article(title="Only", published_at=JAN, created_at=JAN)
    first = client.get(reverse(name))

    by_etag = client.get(reverse(name), headers={"if-none-match": first["ETag"]})
    by_date = client.get(reverse(name), headers={"if-modified-since": first["Last-Modified"]})

    assert first["Last-Modified"] == "Sat, 10 Jan 2026 09:30:00 GMT"  # its publication
    assert (by_etag.status_code, by_date.status_code) == (304, 304)
    assert by_etag.content == b""


@pytest.mark.parametrize("name", FEEDS)
def test_feed_is_sent_again_when_an_older_article_arrives(client, name):
    make_article(title="Newest", published_at=JAN, created_at=JAN)
    make_article(title="Oldest", published_at=JAN - timedelta(days=9), created_at=JAN)
    first = client.get(reverse(name))

    # Imported now, published between the two: it enters the feed below the newest.
    make_article(title="Late import", published_at=JAN - timedelta(days=1))
    again = client.get(
        reverse(name),
        headers={"if-none-match": first["ETag"], "if-modified-since": first["Last-Modified"]},
    )
    by_date_only = client.get(reverse(name), headers={"if-modified-since": first["Last-Modified"]})

    assert again.status_code == 200 and by_date_only.status_code == 200
    assert "Late import" in [e.title for e in feedparser.parse(again.content).entries]


@pytest.mark.parametrize("name", FEEDS)
def test_feed_is_gzipped_for_readers_that_accept_it(client, name):
    make_article(title="Squeezed", deck="x" * 500)

    response = client.get(reverse(name), headers={"accept-encoding": "gzip, deflate"})

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    feed = feedparser.parse(gzip.decompress(response.content))
    assert [e.title for e in feed.entries] == ["Squeezed"]
    # The weak ETag of the gzipped copy still earns a 304.
    again = client.get(
        reverse(name),
        headers={"accept-encoding": "gzip", "if-none-match": response["ETag"]},
    )
    assert again.status_code == 304


def test_feed_reads_the_articles_in_one_query(client, django_assert_num_queries):
    for n in range(3):
        make_article(title=f"A{n}", published_at=timezone.now() - timedelta(hours=n))

    with django_assert_num_queries(1):  # the 20 newest articles
        client.get(reverse("articles:feed-atom"))

    assert Article.objects.count() == 3
