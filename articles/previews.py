"""What link previews, search results and feed readers show for a page or an article."""

import re

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.text import Truncator

from .models import Article

DESCRIPTION_CHARS = 200
# Shipped in static/: 1200×630, the size every major link previewer shows whole.
DEFAULT_IMAGE = "img/share-default.png"
DEFAULT_IMAGE_SIZE = (1200, 630)
DEFAULT_IMAGE_ALT = "Moderato's logo, an M in a speech bubble, and its name"
# Block boundaries become spaces, so "<h2>Intro</h2><p>Text" reads "Intro Text".
BLOCK_BOUNDARY = re.compile(
    r"(?=</?(?:p|br|h[1-6]|li|ul|ol|blockquote|pre|figure|figcaption|hr)\b)"
)


def describe(article: Article) -> str:
    """Plain text for meta/Open Graph descriptions and feeds: deck, body excerpt, site line."""
    text = article.deck or strip_tags(BLOCK_BOUNDARY.sub(" ", article.body))
    text = " ".join(text.split())
    return Truncator(text).chars(DESCRIPTION_CHARS) or settings.SITE_DESCRIPTION


def share_image(request) -> dict:
    """The image previews show: articles carry none of their own, so the site's default."""
    width, height = DEFAULT_IMAGE_SIZE
    return {
        "url": request.build_absolute_uri(static(DEFAULT_IMAGE)),
        "width": width,
        "height": height,
        "alt": DEFAULT_IMAGE_ALT,
    }
