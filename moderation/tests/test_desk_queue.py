"""The queue page: tabs, filters, paging, query counts, bulk actions."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Comment
from articles.tests.factory import make_article, make_comment
from moderation import services
from moderation.models import ModerationEvent

pytestmark = pytest.mark.django_db
QUEUE = reverse("moderation:queue")


def html_of(client, query=""):
    response = client.get(f"{QUEUE}?{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_tabs_show_counts_and_keep_filters(moderator_client):
    article = make_article()
    make_comment(article, status="pending")
    make_comment(article, status="approved")
    make_comment(article, status="hidden", hidden_reason="spam")
    make_comment(status="pending")  # another article

    response = moderator_client.get(f"{QUEUE}?article={article.pk}&tab=hidden")

    counts = {t["label"]: t["count"] for t in response.context["tabs"]}
    assert counts == {"Pending": 1, "Approved": 1, "Hidden": 1, "All": 3}
    assert all(f"article={article.pk}" in t["url"] for t in response.context["tabs"])
    assert [c.status for c in response.context["page"]] == ["hidden"]


def day(*parts):
    return timezone.make_aware(timezone.datetime(*parts))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=walrus", {"walrus"}),
        ("author=ada%20lovelace", {"ada"}),
        ("author=b@example.com", {"bob"}),
        ("source_status=spam", {"ada"}),
        ("staff=staff", {"ours"}),
        ("staff=answered", {"walrus"}),
        ("staff=unanswered", {"ada", "bob", "old"}),
        ("date_to=2020-01-02", {"old"}),
        ("date_from=2020-01-02", {"ada", "bob", "walrus", "ours"}),
        # Whole days, the last one included: Ada came in on 2 January 2020, Bob on the 3rd.
        ("imported_from=2020-01-02&imported_to=2020-01-02", {"ada"}),
        ("imported_from=2020-01-03", {"bob"}),
        ("imported_to=2020-01-03", {"ada", "bob"}),
    ],
)
def test_filters(moderator_client, moderator, query, expected):
    names = {}
    names["ada"] = make_comment(
        author_name="Ada Lovelace", source_status="spam", imported_at=day(2020, 1, 2, 23, 59)
    )
    names["bob"] = make_comment(
        author_name="Bob", author_email="b@example.com", imported_at=day(2020, 1, 3)
    )
    names["walrus"] = make_comment(body="<p>The Walrus said</p>", status="approved")
    names["old"] = make_comment(created_at=timezone.make_aware(timezone.datetime(2020, 1, 1)))
    names["ours"] = services.reply(names["walrus"], actor=moderator, body="Thanks")
    by_pk = {c.pk: name for name, c in names.items()}

    response = moderator_client.get(f"{QUEUE}?tab=all&{query}")

    assert {by_pk[c.pk] for c in response.context["page"]} == expected


def test_order_and_pages_of_fifty_keep_the_filter(moderator_client):
    article = make_article()
    start = timezone.now() - timedelta(days=1)
    for n in range(51):
        make_comment(article, created_at=start + timedelta(minutes=n), body=f"<p>n{n}</p>")

    first = moderator_client.get(f"{QUEUE}?article={article.pk}&order=oldest")
    second = moderator_client.get(f"{QUEUE}?article={article.pk}&order=oldest&page=2")

    assert len(first.context["page"]) == 50 and first.context["page"][0].body == "<p>n0</p>"
    assert [c.body for c in second.context["page"]] == ["<p>n50</p>"]
    assert f"article={article.pk}&amp;order=oldest&amp;page=2" in first.content.decode()


def test_row_shows_article_author_parent_source_and_controls(moderator_client):
    parent = make_comment(author_name="Parent Pat", body="<p>Original point</p>")
    make_comment(
        parent.article, parent=parent, author_name="Rita", body="<p>Reply</p>", source_status="1"
    )

    html = html_of(moderator_client)

    assert parent.article.title in html and "Rita" in html
    assert "In reply to <strong>Parent Pat</strong>: Original point" in html
    assert "source: 1" in html
    assert 'name="reason"' in html and "Publish reply" in html and "Approve" in html


def test_bad_filter_values_are_ignored(moderator_client):
    make_comment()
    response = moderator_client.get(f"{QUEUE}?date_from=yesterday&tab=nope&page=x")
    assert response.status_code == 200 and len(response.context["page"]) == 1


@pytest.mark.parametrize("item_count", [1, 3, 50])
def test_queue_query_count_is_fixed(moderator_client, django_assert_num_queries, item_count):
    article = make_article()
    for _ in range(item_count):
        make_comment(article, parent=make_comment(article, status="approved"))
    # session, user, user permissions, group permissions,
    # counts per tab (one aggregate), the page of rows with article and parent joined,
    # this moderator's recent bulk jobs.
    with django_assert_num_queries(7):
        assert moderator_client.get(QUEUE).status_code == 200
    # With an article filter: + the article's title for the filter line; searching on
    # PostgreSQL: + the planner's estimate and the newest id (see test_desk_search.py).
    with django_assert_num_queries(10 if connection.vendor == "postgresql" else 8):
        assert moderator_client.get(f"{QUEUE}?article={article.pk}&q=comment").status_code == 200


def test_counts_per_tab_are_one_query(django_assert_num_queries):
    from moderation import selectors

    make_comment(status="approved")
    make_comment()
    with django_assert_num_queries(1):
        counts = selectors.tab_counts(Comment.objects.all())
    assert counts == {"pending": 1, "approved": 1, "hidden": 0, "all": 2}


def test_bulk_selected_skips_changed_comments_and_says_so(moderator_client, moderator):
    a, b, c = make_comment(), make_comment(), make_comment()
    services.hide(c, actor=moderator, reason="spam")  # someone acted after the page was drawn

    response = moderator_client.post(
        reverse("moderation:bulk"),
        {"decision": "approve", "selected": [f"{a.pk}:1", f"{b.pk}:1", f"{c.pk}:1"]},
        follow=True,
    )

    assert "Approved 2 comments. Skipped 1 that changed" in response.content.decode()
    assert dict(Comment.objects.values_list("pk", "status")) == {
        a.pk: "approved",
        b.pk: "approved",
        c.pk: "hidden",
    }
    assert ModerationEvent.objects.filter(action="approve").count() == 2


def test_bulk_all_matching_reruns_the_filter_server_side(moderator_client, moderator):
    article = make_article()
    matching = [make_comment(article, body="<p>buy pills</p>") for _ in range(3)]
    make_comment(article, body="<p>fine</p>")
    make_comment(body="<p>buy pills elsewhere</p>")
    drawn_at = timezone.now()
    services.approve(matching[0], actor=moderator)  # changed after the page was drawn

    response = moderator_client.post(
        reverse("moderation:bulk"),
        {
            "decision": "hide",
            "reason": "spam",
            "all_matching": "on",
            "article": article.pk,
            "q": "pills",
            "tab": "pending",
            "drawn_at": drawn_at.isoformat(),
            "newest_id": Comment.objects.latest("pk").pk,
        },
        follow=True,
    )

    assert "Hid 2 comments. Skipped 1 that changed" in response.content.decode()
    hidden = set(Comment.objects.filter(status="hidden").values_list("pk", flat=True))
    assert hidden == {matching[1].pk, matching[2].pk}
    assert ModerationEvent.objects.filter(action="hide").count() == 2


def test_bulk_hide_needs_a_reason(moderator_client):
    comment = make_comment()
    response = moderator_client.post(
        reverse("moderation:bulk"),
        {"decision": "hide", "selected": f"{comment.pk}:1"},
        follow=True,
    )
    assert "Choose a reason for hiding." in response.content.decode()
    assert Comment.objects.get().status == "pending"


def all_matching_form(response) -> dict:
    """The hidden fields of the queue page's bulk form, as the browser would send them."""
    html = response.content.decode()
    form = re.search(r'<form id="bulk-form".*?</form>', html, re.S).group()
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    return {**fields, "all_matching": "on"}


def test_bulk_all_matching_leaves_alone_comments_that_arrived_since(moderator_client):
    article = make_article()
    shown = [make_comment(article, body="<p>buy pills</p>") for _ in range(2)]
    page = moderator_client.get(reverse("moderation:queue"), {"q": "pills"})
    arrived = [make_comment(article, body="<p>buy pills now</p>") for _ in range(3)]

    response = moderator_client.post(
        reverse("moderation:bulk"),
        {**all_matching_form(page), "decision": "approve"},
        follow=True,
    )

    text = response.content.decode()
    assert "Approved 2 comments." in text
    assert "Left alone 3 that arrived after your page was drawn" in text
    assert set(Comment.objects.filter(status="approved").values_list("pk", flat=True)) == {
        c.pk for c in shown
    }
    assert all(
        c.status == "pending" for c in Comment.objects.filter(pk__in=[c.pk for c in arrived])
    )


def test_bulk_all_matching_without_the_pages_bound_changes_nothing(moderator_client):
    make_comment(body="<p>buy pills</p>")

    response = moderator_client.post(
        reverse("moderation:bulk"),
        {"decision": "approve", "all_matching": "on", "tab": "pending"},
        follow=True,
    )

    assert "reload it and choose again" in response.content.decode()
    assert not Comment.objects.filter(status="approved").exists()
