"""Draw comment threads from cached fragments, so a change re-renders only its own thread.

Each comment's HTML fragment (the comment with its replies inside) is cached under a key
made from what it shows: its id and version, the fields drawn, where it sits, and the keys of
its replies. A decision on one comment therefore changes the key of that comment and of its
ancestors only; every other thread's fragment is reused as it is. Keys describe content, so
nothing is ever deleted, and app processes sharing the cache (Redis) share the fragments.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from .threads import PublicComment, members

TEMPLATE = "articles/_comment.html"


def threads_html(roots: list[PublicComment], article) -> SafeString:
    """The HTML of these threads: cached fragments where they exist, rendered otherwise.

    At most two cache reads (the threads, then the replies inside threads that missed) and
    one write of whatever had to be rendered. The template sees `node` and `article`; what
    it reads from the article (its language) is part of every key.
    """
    for root in roots:
        assign_keys(root, article.language)
    found = cache.get_many([root.fragment_key for root in roots])
    missed = [root for root in roots if root.fragment_key not in found]
    if missed:
        inner = [node.fragment_key for root in missed for node in members(root) if node is not root]
        found.update(cache.get_many(inner) if inner else {})
        rendered: dict[str, str] = {}
        for root in missed:
            render_subtree(root, article, found, rendered)
        cache.set_many(rendered, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return mark_safe("".join(found[root.fragment_key] for root in roots))  # noqa: S308


def assign_keys(node: PublicComment, language: str) -> str:
    """Key this comment's fragment by what it shows and by its replies' keys."""
    child_keys = [assign_keys(reply, language) for reply in node.replies]
    shown = (
        language,
        node.pk,
        node.version,
        node.is_removed,
        node.is_staff_reply,
        node.author_name,
        node.staff_name,
        node.created_at.isoformat() if node.created_at else "",
        node.depth,
        node.in_reply_to,
        node.parent_id,
        # The body too: a change that forgot to bump the version must still show.
        hashlib.blake2b(node.body.encode(), digest_size=8).hexdigest(),
        *child_keys,
    )
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    node.fragment_key = f"comment-html:{settings.PUBLIC_PAGE_VERSION}:{node.pk}:{digest}"
    return node.fragment_key


def render_subtree(node: PublicComment, article, found: dict, rendered: dict) -> str:
    """This comment's fragment, rendering only the replies not found in the cache."""
    html = found.get(node.fragment_key)
    if html is None:
        node.replies_html = mark_safe(  # noqa: S308 - fragments rendered by the template
            "".join(render_subtree(reply, article, found, rendered) for reply in node.replies)
        )
        html = get_template(TEMPLATE).render({"node": node, "article": article})
        found[node.fragment_key] = rendered[node.fragment_key] = html
    return html
