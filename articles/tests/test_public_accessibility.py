"""Markup screen readers rely on: named comments, a separate Staff badge, no empty lists."""

import re

import pytest
from django.urls import reverse

from articles.tests.factory import discussed_article, make_article, make_comment, make_user

pytestmark = pytest.mark.django_db


def comment_cards(html: str) -> list[tuple[str, str]]:
    """(aria-labelledby target, that element's inner HTML) of every comment card."""
    cards = []
    for target in re.findall(r'<article class="comment-card" aria-labelledby="([^"]+)">', html):
        header = re.search(rf'<header [^>]*id="{target}">(.*?)</header>', html, re.S)
        assert header, f"{target} names nothing"
        cards.append((target, header.group(1)))
    return cards


def visible_and_spoken(fragment: str) -> str:
    """The header's text as a screen reader reads it (visually hidden text included)."""
    return " ".join(re.sub(r"<[^>]+>", "", fragment).split())


def test_every_comment_is_named_by_author_and_time(client):
    article = discussed_article()

    html = client.get(article.get_absolute_url()).content.decode()

    cards = comment_cards(html)
    assert len(cards) == 10  # approved comments; the removed one is a placeholder
    names = [visible_and_spoken(header) for _, header in cards]
    assert all(re.search(r", \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC$", name) for name in names)
    assert names[0].startswith("Gabriel, ")


def test_staff_badge_is_separated_from_the_name(client):
    article = make_article()
    staffer = make_user(first_name="Mia", last_name="Moderator")
    make_comment(article, status="approved", is_staff_reply=True, staff_author=staffer)

    html = client.get(article.get_absolute_url()).content.decode()

    ((_, header),) = comment_cards(html)
    assert visible_and_spoken(header).startswith("Mia Moderator, Staff, ")
    assert '<h3 class="comment-author">Mia Moderator</h3>' in header


def test_each_comment_author_is_a_heading_under_the_comments_heading(client):
    article = discussed_article()

    html = client.get(article.get_absolute_url()).content.decode()

    headings = re.findall(r"<h(\d)", html)
    assert headings[:2] == ["1", "2"] and set(headings[2:]) == {"3"}
    assert len(headings) == 12


def test_readers_get_no_empty_navigation_list(client):
    html = client.get(reverse("articles:index")).content.decode()

    nav = re.search(r'<nav class="navbar.*?</nav>', html, re.S).group()
    assert "<ul" not in nav


def test_staff_navigation_keeps_its_list(client, moderator):
    client.force_login(moderator)

    html = client.get(reverse("articles:index")).content.decode()

    nav = re.search(r'<nav class="navbar.*?</nav>', html, re.S).group()
    assert re.search(r"<ul[^>]*>\s*<li", nav) and "Moderation desk" in nav
