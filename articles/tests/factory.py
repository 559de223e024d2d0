"""Small helpers to arrange test data: pass only what the test is about."""

from itertools import count

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from articles.models import Article, Comment

TEXT = "Mobile Internet is coming, with one large caveat: only visitors may use it. " * 3

_seq = count(1)


def make_user(username=None, *, groups=(), perms=(), **kwargs):
    """A user in the named groups, with extra permissions as "app_label.codename"."""
    kwargs.setdefault("first_name", "")
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_seq)}", password="pw", **kwargs
    )
    if groups:
        user.groups.add(*Group.objects.filter(name__in=groups))
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def make_article(**kwargs):
    n = next(_seq)
    kwargs.setdefault("title", f"Article {n}")
    kwargs.setdefault("slug", f"article-{n}")
    kwargs.setdefault("body", "<p>Body.</p>")
    kwargs.setdefault("published_at", timezone.now())
    return Article.objects.create(**kwargs)


def make_comment(article=None, **kwargs):
    n = next(_seq)
    kwargs.setdefault("author_name", f"Reader {n}")
    kwargs.setdefault("body", f"<p>Comment {n}</p>")
    kwargs.setdefault("source_body", kwargs["body"])
    kwargs.setdefault("created_at", timezone.now())
    return Comment.objects.create(article=article or make_article(), **kwargs)


def discussed_article():
    """An article whose page shows every kind of comment: threads, a removed parent, a staff
    reply, replies deeper than the indent, a pending comment that must not show."""
    article = make_article(
        title="North Korea opens the door to mobile Internet, for foreigners",
        deck="The scheme gives 3G connectivity to tourists “no later than March 1.”",
        body="".join(f"<p>Paragraph {n}: {TEXT}</p>" for n in range(1, 4)),
        image_credit="Image by Flickr user (stephan)",
        source_url="https://example.com/story",
    )
    staffer = make_user(first_name="Dana", last_name="Scully")
    first = make_comment(
        article,
        author_name="Gabriel",
        status="approved",
        body="<p>Good news for travelling. <em>Small steps</em>.</p>",
    )
    gone = make_comment(article, parent=first, status="hidden", hidden_reason="abuse")
    parent = make_comment(article, parent=gone, author_name="Jordan", status="approved")
    make_comment(
        article,
        parent=parent,
        status="approved",
        is_staff_reply=True,
        staff_author=staffer,
        author_name="Dana Scully",
        body="<p>Thanks, we will follow this story.</p>",
    )
    for depth in range(6):
        parent = make_comment(
            article,
            parent=parent,
            author_name=f"Reader{depth}",
            status="approved",
            body=f"<p>Going deeper, level {depth}.</p>",
        )
    make_comment(article, author_name="Pat", status="pending", body="<p>PENDING</p>")
    make_comment(
        article,
        author_name="Lee",
        status="approved",
        created_at=timezone.now(),
        body="<p>A second thread.</p>",
    )
    assert Comment.objects.filter(article=article).count() == 12
    return article
