"""Text search on the desk: words on PostgreSQL (full-text index), text on SQLite."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.tests.factory import make_comment
from moderation import search, selectors

pytestmark = pytest.mark.django_db
QUEUE = reverse("moderation:queue")
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the full-text index exists on PostgreSQL only"
)


def tram_comments(count, **kwargs):
    """`count` comments about trams, newest first, and one about buses."""
    now = timezone.now()
    make_comment(body="<p>Buses again</p>", created_at=now)
    return [
        make_comment(
            body=f"<p>Trams, part {n}</p>", created_at=now - timedelta(minutes=n), **kwargs
        )
        for n in range(count)
    ]


def shown(response):
    return [comment.pk for comment in response.context["page"].object_list]


def badges(response):
    return {tab["tab"]: tab["count"] for tab in response.context["tabs"]}


def test_search_finds_the_word_in_any_case_newest_first(moderator_client):
    trams = tram_comments(3)

    response = moderator_client.get(QUEUE, {"q": "TRAMS", "tab": "all"})

    assert shown(response) == [c.pk for c in trams]
    assert badges(response) == {"pending": 3, "approved": 0, "hidden": 0, "all": 3}


def test_search_oldest_first_and_in_a_tab(moderator_client, moderator):
    from moderation import services

    trams = tram_comments(3)
    services.approve(trams[1], actor=moderator)

    response = moderator_client.get(QUEUE, {"q": "trams", "tab": "pending", "order": "oldest"})

    assert shown(response) == [trams[2].pk, trams[0].pk]
    assert badges(response) == {"pending": 2, "approved": 1, "hidden": 0, "all": 3}


@postgres_only
def test_postgres_matches_whole_words_only(moderator_client):
    tram_comments(2)

    response = moderator_client.get(QUEUE, {"q": "tram", "tab": "all"})

    assert shown(response) == []  # "tram" is not the word "trams"


@postgres_only
def test_postgres_search_uses_the_full_text_index(django_assert_num_queries):
    comments = selectors.matching({"q": "trams"})
    sql, params = comments.order_by().values("pk").query.sql_with_params()

    with connection.cursor() as cursor:
        # A tiny table: forbid the scans that would read it whole, as on 1,000,000 rows.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(row[0] for row in cursor.fetchall())

    assert "comment_body_search" in plan


@postgres_only
def test_a_common_word_walks_to_its_page_and_shows_estimates(moderator_client, monkeypatch):
    monkeypatch.setattr(search, "COMMON_WORD_ROWS", 0)
    trams = tram_comments(3)

    response = moderator_client.get(QUEUE, {"q": "trams", "tab": "all"})

    assert shown(response) == [c.pk for c in trams]
    counts = badges(response)
    assert all(isinstance(count, search.About) for count in counts.values())
    assert 'data-desk-count="all">~' in response.content.decode()


@postgres_only
def test_more_matches_than_the_sample_show_floors(moderator_client, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_SAMPLE", 2)
    trams = tram_comments(5)

    response = moderator_client.get(QUEUE, {"q": "trams", "tab": "all"})

    assert shown(response) == [c.pk for c in trams]  # the page is still complete
    assert badges(response)["all"] == 3 and isinstance(badges(response)["all"], search.AtLeast)
    assert 'data-desk-count="all">3+' in response.content.decode()


@pytest.mark.parametrize("item_count", [1, 3, 50])
def test_search_query_count_is_fixed(moderator_client, django_assert_num_queries, item_count):
    tram_comments(item_count)
    # session, user, user permissions, group permissions, this moderator's recent bulk jobs;
    # then SQLite: counts per tab with the newest id, the page; PostgreSQL: the planner's
    # estimate, the sample from the index, the newest id, the page's rows.
    expected = 9 if connection.vendor == "postgresql" else 7
    with django_assert_num_queries(expected):
        assert moderator_client.get(QUEUE, {"q": "trams"}).status_code == 200
