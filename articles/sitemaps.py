"""`sitemap.xml`: the article list and every article page."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article


class IndexSitemap(Sitemap):
    changefreq = "hourly"
    priority = 0.6

    def items(self):
        return ["articles:index"]

    def location(self, item: str) -> str:
        return reverse(item)


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return Article.objects.newest_first().only("slug", "updated_at")

    def lastmod(self, item: Article):
        return item.updated_at


SITEMAPS = {"index": IndexSitemap, "articles": ArticleSitemap}
