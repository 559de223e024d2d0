"""Context for a decision: one comment with its thread and history, one article's thread."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from articles.models import Article, Comment

from .. import selectors
from ..triage.service import explain
from .common import controls_context, moderator_required


@require_safe
@moderator_required
def comment(request, pk):
    comment = get_object_or_404(
        Comment.objects.select_related("article", "staff_author", "triage"), pk=pk
    )
    context = {
        "comment": comment,
        "thread": selectors.thread_around(comment),
        "events": selectors.history(comment),
        "record": selectors.author_record(comment),
        "triage": getattr(comment, "triage", None),
        "explanation": explain(comment),
        **controls_context(request),
    }
    return render(request, "moderation/comment.html", context)


@require_safe
@moderator_required
def article(request, pk):
    article = get_object_or_404(Article, pk=pk)
    thread, counts = selectors.article_thread(article)
    context = {"article": article, "thread": thread, "counts": counts, "total": len(thread)}
    return render(request, "moderation/article.html", context)
