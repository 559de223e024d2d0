"""Small helpers to arrange test data: pass only what the test is about."""

from itertools import count

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from articles.models import Article, Comment

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
