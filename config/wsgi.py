"""What gunicorn loads (`gunicorn config.wsgi`): production settings unless told otherwise,
so a server started without configuration refuses to start rather than run in debug mode.

Readers' cached article pages are answered in front of Django (`config.front`)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from config.startup import refuse_demo_account

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
django_application = get_wsgi_application()
if not settings.DEBUG:
    refuse_demo_account()

from config.front import CachedArticlePages  # noqa: E402 - needs the settings and apps loaded

application = CachedArticlePages(django_application)
