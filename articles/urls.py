from django.urls import path

from . import views
from .syndication import LatestArticlesAtomFeed, LatestArticlesFeed

app_name = "articles"
urlpatterns = [
    path("", views.index, name="index"),
    path("articles/<slug:slug>/", views.detail, name="detail"),
    path("articles/<slug:slug>/comments/<int:pk>/", views.comment_permalink, name="comment"),
    path("feed/rss/", LatestArticlesFeed(), name="feed-rss"),
    path("feed/atom/", LatestArticlesAtomFeed(), name="feed-atom"),
]
