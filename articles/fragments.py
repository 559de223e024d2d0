"""Draw comment threads from cached fragments, so a change re-renders only its own thread.

Each comment's HTML fragment (the comment with its replies inside) is cached under a key
made from what it shows: its id and version, the fields drawn, where it sits, and the keys of
its replies. A decision on one comment therefore changes the key of that comment and of its
ancestors only; every other thread's fragment is reused as it is. Keys describe content, so
nothing is ever deleted, and app processes sharing the cache (Redis) share the fragments.

The fragment's markup is written here in Python rather than in a template: a page draws up to
a few hundred comments, and the template engine cost about 1 ms per comment (most of an
uncached page's time; see docs/public-pages.md, "Measuring"). Everything a reader wrote is
escaped (`html.escape`, as Django's `escape`) or sanitised (`sanitize_stored_html`).
"""

from __future__ import annotations

import hashlib
from html import escape

from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from .sanitize import sanitize_stored_html
from .threads import PublicComment, members
from .times import time_element

REMOVED_NOTE = '<p class="removed-note">This comment was removed by a moderator.</p>'
# Visually hidden commas keep the name, the Staff badge and the time apart for screen readers.
COMMA = '<span class="visually-hidden">,</span>'
STAFF_BADGE = f'{COMMA}\n<span class="badge staff-badge">Staff</span>{COMMA}'


def threads_html(roots: list[PublicComment], article) -> SafeString:
    """The HTML of these threads: cached fragments where they exist, rendered otherwise.

    At most two cache reads (the threads, then the replies inside threads that missed) and
    one write of whatever had to be rendered. What a fragment shows of the article (its
    language) is part of every key.
    """
    if not settings.PUBLIC_PAGE_CACHE_SECONDS:  # nothing is kept: no keys, no cache reads
        return mark_safe("".join(draw(root, article.language) for root in roots))  # noqa: S308
    for root in roots:
        assign_keys(root, article.language)
    found = cache.get_many([root.fragment_key for root in roots])
    missed = [root for root in roots if root.fragment_key not in found]
    if missed:
        inner = [node.fragment_key for root in missed for node in members(root) if node is not root]
        found.update(cache.get_many(inner) if inner else {})
        rendered: dict[str, str] = {}
        for root in missed:
            render_subtree(root, article.language, found, rendered)
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


def render_subtree(node: PublicComment, language: str, found: dict, rendered: dict) -> str:
    """This comment's fragment, rendering only the replies not found in the cache."""
    html = found.get(node.fragment_key)
    if html is None:
        replies = [render_subtree(reply, language, found, rendered) for reply in node.replies]
        html = comment_fragment(node, language, "".join(replies))
        found[node.fragment_key] = rendered[node.fragment_key] = html
    return html


def draw(node: PublicComment, language: str) -> str:
    """This comment's fragment and its replies', all rendered (the cache is off)."""
    replies = "".join(draw(reply, language) for reply in node.replies)
    return comment_fragment(node, language, replies)


def comment_fragment(node: PublicComment, language: str, replies_html: str) -> str:
    """One comment as readers see it, its replies' fragments inside.

    Each comment is an `<article>` named by its header ("Dana Scully, Staff, 4 Mar 2026,
    17:05 UTC") with the author as an `<h3>`, so screen readers can move comment by comment.
    """
    classes = "comment"
    if node.is_staff_reply:
        classes += " comment-staff"
    if node.is_removed:
        classes += " comment-removed"
    parts = [f'<li class="{classes}" id="comment-{node.pk}">\n']
    if node.is_removed:
        parts.append(REMOVED_NOTE)
    else:
        parts.append(comment_card(node, language))
    if node.replies:
        parts.append(f'\n<ol class="comment-replies list-unstyled">\n{replies_html}</ol>')
    parts.append("\n</li>\n")
    return "".join(parts)


def comment_card(node: PublicComment, language: str) -> str:
    meta = f"comment-{node.pk}-meta"
    if node.is_staff_reply:
        name = escape(node.staff_name or node.author_name) + "</h3>" + STAFF_BADGE
    else:
        comma = COMMA if node.created_at else ""
        name = escape(node.author_name or "Anonymous") + "</h3>" + comma
    reply_to = (
        f'<p class="in-reply-to">In reply to <a href="#comment-{node.parent_id}">'
        f"{escape(node.in_reply_to)}</a></p>\n"
        if node.in_reply_to
        else ""
    )
    lang = f' lang="{escape(language)}"' if language else ""
    return (
        f'<article class="comment-card" aria-labelledby="{meta}">\n'
        f'<header class="comment-meta" id="{meta}">\n'
        f'<h3 class="comment-author">{name}\n'
        f"{time_element(node.created_at, 'zone', 'comment-time')}\n</header>\n"
        f"{reply_to}"
        f'<div class="comment-body"{lang}>{sanitize_stored_html(node.body)}</div>\n'
        "</article>"
    )
