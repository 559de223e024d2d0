"""What a comment's HTML holds that rules look at: its text and its links.

(What sanitising removed is recorded by the import on `Comment.sanitised_away`.)"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

TAG = re.compile(r"<[^>]*>")
# Tags that separate words; inline ones (<b>, <a>) may sit inside a word: "Rub<b>bish</b>".
BREAKING_TAG = re.compile(r"</?(?:p|br|li|ul|ol|blockquote|pre|div|h\d)\b[^>]*>", re.IGNORECASE)
HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
BARE_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)


def plain_text(body_html: str) -> str:
    """What a reader reads: block tags become spaces, entities characters, spaces single."""
    return " ".join(html.unescape(TAG.sub("", BREAKING_TAG.sub(" ", body_html))).split())


def links(body_html: str, text: str | None = None) -> list[str]:
    """Each link once per occurrence: anchors' targets, then bare URLs not already anchors.

    `text` is `plain_text(body_html)` when the caller has it already."""
    targets = [html.unescape(url) for url in HREF.findall(body_html)]
    if text is None:
        text = plain_text(body_html)
    if not may_hold_bare_url(text):
        return targets
    anchored = set(targets)
    return targets + [url for url in BARE_URL.findall(text) if url not in anchored]


def may_hold_bare_url(text: str) -> bool:
    """False when BARE_URL cannot match: it starts with "://" or "www." in any case. Most
    comments hold neither, and this costs a fifth of BARE_URL's scan."""
    return "://" in text or "www." in text.lower()


def domain(url: str) -> str:
    if url.lower().startswith("www."):
        url = "http://" + url
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def in_domains(host: str, domains: set[str]) -> str:
    """The listed domain that `host` is, or is a subdomain of; else ""."""
    parts = host.split(".")
    for at in range(len(parts) - 1):
        candidate = ".".join(parts[at:])
        if candidate in domains:
            return candidate
    return ""


def domain_set(lines: str) -> set[str]:
    return {line.strip().lower().lstrip(".") for line in lines.splitlines() if line.strip()}
