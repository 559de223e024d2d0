from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import Article
from .threads import public_threads

ARTICLES_PER_PAGE = 20


@require_safe
def index(request):
    articles = (
        Article.objects.with_public_counts()
        .newest_first()
        .only("title", "slug", "deck", "published_at")
    )
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "articles/index.html", {"page": page})


@require_safe
def detail(request, slug):
    article = get_object_or_404(Article, slug=slug)
    threads, shown = public_threads(article)
    return render(
        request,
        "articles/detail.html",
        {"article": article, "threads": threads, "comment_count": shown},
    )
