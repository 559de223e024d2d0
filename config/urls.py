from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.compression import compressed_and_conditional
from articles.sitemaps import SITEMAPS
from articles.views import favicon, robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    # Log in and out, and change a known password. No password-reset views: the site sends
    # no mail, and an unthrottled reset form is a way round the login throttle. An admin
    # resets a forgotten password (`manage.py changepassword NAME`).
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("moderation/", include("moderation.urls")),
    path(
        "sitemap.xml",
        compressed_and_conditional(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("articles.urls")),
]
