"""RSS and Atom feeds of the newest articles.

Each entry is dated by the article itself, never by its comments: published (an undated
article by when it was imported) and updated when its own content last changed. The
responses answer conditional GETs with 304 and are gzipped (`compression.py`).
"""

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import http_date

from .compression import compressed_and_conditional
from .models import Article
from .previews import describe

FEED_ITEMS = 20


class LatestArticlesFeed(Feed):
    link = reverse_lazy("articles:index")

    def __call__(self, request, *args, **kwargs):
        return compressed_and_conditional(self.respond)(request, *args, **kwargs)

    def respond(self, request) -> HttpResponse:
        """Feed.__call__, with Last-Modified moving also when an older article is added."""
        articles = self.get_object(request)
        feed = self.get_feed(articles, request)
        response = HttpResponse(content_type=feed.content_type)
        if articles:
            response.headers["Last-Modified"] = http_date(last_change(articles).timestamp())
        feed.write(response, "utf-8")
        return response

    def get_object(self, request) -> list[Article]:
        return list(
            Article.objects.newest_first().only(
                "title", "slug", "deck", "body", "published_at", "created_at", "revised_at"
            )[:FEED_ITEMS]
        )

    def items(self, articles: list[Article]) -> list[Article]:
        return articles

    def title(self) -> str:
        return f"{settings.SITE_NAME}: latest articles"

    def description(self) -> str:
        return settings.SITE_DESCRIPTION

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # Both feeds carry HTML here (Atom's summary type="html"): the plain text is escaped
        # so a deck that mentions "<b>" shows those characters, as the page does.
        return escape(describe(item))

    def item_author_name(self, item: Article) -> str:
        # Articles carry no byline of their own: the publication stands as their author.
        return settings.SITE_NAME

    def item_pubdate(self, item: Article):
        return item.dated_at

    def item_updateddate(self, item: Article):
        return item.content_updated_at


def last_change(articles: list[Article]) -> datetime:
    """When the feed's content last changed: an entry was added here or revised."""
    return max(max(a.created_at, a.content_updated_at) for a in articles)


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return settings.SITE_DESCRIPTION
