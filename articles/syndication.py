"""RSS and Atom feeds of the newest articles."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .models import Article

FEED_ITEMS = 20


class LatestArticlesFeed(Feed):
    title = "Moderato: latest articles"
    link = reverse_lazy("articles:index")
    description = "The newest articles and their reader discussions."

    def items(self):
        return Article.objects.newest_first().only(
            "title", "slug", "deck", "published_at", "updated_at"
        )[:FEED_ITEMS]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # Feed readers read descriptions as HTML; the deck is plain text.
        return escape(item.deck)

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_at


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description
