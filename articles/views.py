"""Public pages: readers never log in, so their pages never touch the session."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.paginator import EmptyPage, Page, Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .caching import PAGE_PARAMETER, STAMP_READ_IN_FRONT, article_stamp, cached_page, requested_page
from .compression import compressed_and_conditional
from .fragments import threads_html
from .models import Article
from .previews import describe, share_image
from .threads import load_details, thread_shape

ARTICLES_PER_PAGE = 20
FAVICON = "img/favicon.ico"
ROBOTS_DISALLOW = ["/admin/", "/moderation/", "/accounts/"]


def is_signed_in(request) -> bool:
    """Only a live signed-in session skips the cached page; a made-up `sessionid` cookie does
    not (it costs one lookup by primary key, then the reader's cached copy).

    The session is read on its own, not through `request.session`, so a reader's page never
    gets `Vary: Cookie` or a cookie-deleting header: any reader's copy is every reader's copy.
    For staff the loaded session becomes `request.session`, so it is read only once.
    """
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    if SESSION_KEY not in session:
        return False
    request.session = session
    return True


def render_public(request, template: str, context: dict) -> HttpResponse:
    """Staff get the live page with their nav links; readers get the anonymous variant."""
    if is_signed_in(request):
        response = render(request, template, context)
        patch_cache_control(response, private=True, no_cache=True)
        return response
    return HttpResponse(render_to_string(template, context))


@require_safe
@compressed_and_conditional
def index(request):
    articles = (
        Article.objects.with_public_counts()
        .newest_first()
        .only("title", "slug", "deck", "published_at", "language")
    )
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    # Each page of the list is its own page to search engines; page 1 has no parameter.
    canonical = reverse("articles:index") + (f"?page={page.number}" if page.number > 1 else "")
    context = {
        "page": page,
        "canonical_url": request.build_absolute_uri(canonical),
        "description": settings.SITE_DESCRIPTION,
        "share_image": share_image(request),
    }
    return render_public(request, "articles/index.html", context)


@require_safe
def detail(request, slug):
    page = requested_page(request.META)
    if page is None:
        raise Http404("No such page of comments.")
    if is_signed_in(request):
        article = get_object_or_404(Article, slug=slug)
        context = detail_context(request, article, page)
        return render_public(request, "articles/detail.html", context)
    # The WSGI front looked the article up already when it found no cached page.
    stamp = request.META.get(STAMP_READ_IN_FRONT) or article_stamp(slug)
    if stamp is None:
        raise Http404("No such article.")
    return cached_page(
        request,
        stamp,
        page,
        lambda: render_to_string(
            "articles/detail.html",
            detail_context(request, Article.objects.get(pk=stamp.pk), page),
        ),
    )


@require_safe
def comment_permalink(request, slug, pk):
    """A lasting link to one comment: redirects to the page of threads that shows it."""
    article = get_object_or_404(Article.objects.only("pk", "slug"), slug=slug)
    page = thread_shape(article).page_of(pk, settings.PUBLIC_THREADS_PER_PAGE)
    if page is None:
        raise Http404("No such comment on this page.")
    return redirect(f"{page_url(article, page)}#comment-{pk}")


def page_url(article: Article, page: int) -> str:
    url = article.get_absolute_url()
    return url if page == 1 else f"{url}?{PAGE_PARAMETER}={page}"


def detail_context(request, article: Article, page_number: int) -> dict:
    shape = thread_shape(article)
    try:
        page = Paginator(shape.roots, settings.PUBLIC_THREADS_PER_PAGE).page(page_number)
    except EmptyPage:
        raise Http404("No such page of comments.") from None
    threads = shape.threads(page.object_list)
    load_details(threads)
    return {
        "article": article,
        "threads": threads,
        "comments_html": threads_html(threads, article),
        "comment_pages": page_links(article, page),
        "comment_count": shape.count,
        "description": describe(article),
        "share_image": share_image(request),
        "canonical_url": request.build_absolute_uri(page_url(article, page_number)),
    }


def page_links(article: Article, page: Page) -> dict | None:
    """Plain links to the neighbouring pages of threads (None when one page holds them all)."""
    if page.paginator.num_pages == 1:
        return None
    last = page.paginator.num_pages
    return {
        "number": page.number,
        "count": last,
        "first": page_url(article, 1) if page.number > 2 else "",
        "previous": page_url(article, page.number - 1) if page.has_previous() else "",
        "next": page_url(article, page.number + 1) if page.has_next() else "",
        "last": page_url(article, last) if page.number < last - 1 else "",
    }


@require_safe
def favicon(request):
    """Tools that ignore the page's icon link ask for /favicon.ico: send them to the icon."""
    response = HttpResponseRedirect(static(FAVICON))
    # Not permanent: the static name carries a content hash that changes with the icon.
    patch_cache_control(response, public=True, max_age=86400)
    return response


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
