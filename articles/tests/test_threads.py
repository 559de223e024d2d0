"""Threads as readers see them, at depths no reader thread should break."""

import pytest

from articles.models import Comment
from articles.tests.factory import make_article, make_comment
from articles.threads import MAX_VISIBLE_DEPTH

pytestmark = pytest.mark.django_db

# Far deeper than Python's recursion limit (1,000): a long back-and-forth between two readers.
DEEP = 1_500


def test_a_thread_deeper_than_the_recursion_limit_shows_whole(client):
    article = make_article()
    parent = None
    for n in range(DEEP):
        # Every tenth comment hidden: each stays as a placeholder, since replies follow it.
        hidden = n % 10 == 9
        parent = make_comment(
            article,
            parent=parent,
            author_name=f"Person{n}",
            body=f"<p>Level {n}</p>",
            status=Comment.Status.HIDDEN if hidden else Comment.Status.APPROVED,
            hidden_reason=Comment.HiddenReason.SPAM if hidden else "",
        )

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    shown = DEEP - DEEP // 10
    assert f'<h2 id="comments-heading" class="comments-heading">{shown} comments</h2>' in html
    assert html.index("Level 0<") < html.index(f"Level {MAX_VISIBLE_DEPTH + 1}<")
    assert html.index(f"Level {DEEP - 3}<") < html.index(f"Level {DEEP - 2}<")
    assert f"Level {DEEP - 11}<" not in html  # hidden: a placeholder without its text


def test_details_read_with_plain_sql_are_what_the_orm_reads():
    from articles.tests.factory import make_user
    from articles.threads import detail_rows

    article = make_article()
    staffer = make_user(first_name="Dana", last_name="Scully")
    shown = make_comment(article, status=Comment.Status.APPROVED, author_name="Gabriel")
    gone = make_comment(
        article,
        status=Comment.Status.HIDDEN,
        hidden_reason=Comment.HiddenReason.SPAM,
        author_name="Spammer",
        body="<p>Buy now</p>",
    )
    staff = make_comment(
        article,
        parent=shown,
        status=Comment.Status.APPROVED,
        is_staff_reply=True,
        staff_author=staffer,
        author_name="Dana Scully",
    )
    fields = ["pk", "status", "created_at", "is_staff_reply", "version", "body", "author_name"]
    names = ["staff_author__first_name", "staff_author__last_name", "staff_author__username"]
    expected = {
        row[0]: row for row in Comment.objects.filter(article=article).values_list(*fields, *names)
    }

    rows = {row[0]: row for row in detail_rows([shown.pk, gone.pk, staff.pk])}

    assert rows[shown.pk] == expected[shown.pk]
    assert rows[staff.pk] == expected[staff.pk] and rows[staff.pk][-3:-1] == ("Dana", "Scully")
    # A hidden comment's text and author never leave the database.
    assert rows[gone.pk][5:7] == ("", "") and rows[gone.pk][:5] == expected[gone.pk][:5]
    assert isinstance(rows[shown.pk][3], bool) and rows[shown.pk][2].tzinfo is not None
