"""What a comment's HTML holds that rules look at: its text, its links, removed markup."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from articles.sanitize import COMMENT_TAGS

TAG = re.compile(r"<[^>]*>")
# Tags that separate words; inline ones (<b>, <a>) may sit inside a word: "Rub<b>bish</b>".
BREAKING_TAG = re.compile(r"</?(?:p|br|li|ul|ol|blockquote|pre|div|h\d)\b[^>]*>", re.IGNORECASE)
HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
BARE_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
SOURCE_TAG = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9:-]*)([^>]*)>")
EVENT_ATTRIBUTE = re.compile(r"(?:^|[\s/\"'])(on[a-z]+)\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"\b(javascript|vbscript)\s*:", re.IGNORECASE)


def plain_text(body_html: str) -> str:
    """What a reader reads: block tags become spaces, entities characters, spaces single."""
    return " ".join(html.unescape(TAG.sub("", BREAKING_TAG.sub(" ", body_html))).split())


def links(body_html: str) -> list[str]:
    """Each link once per occurrence: anchors' targets, then bare URLs not already anchors."""
    targets = [html.unescape(url) for url in HREF.findall(body_html)]
    anchored = set(targets)
    text = plain_text(body_html)
    return targets + [url for url in BARE_URL.findall(text) if url not in anchored]


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


def removed_markup(source_body: str, body_html: str) -> list[str]:
    """What the sanitiser took out of the comment: tags, on* attributes, script links.

    Markup that a plain-text source had (and the site shows escaped, as text) was not
    removed, so a tag whose escaped form is in the body does not count.
    """
    shown = body_html.lower()
    removed: list[str] = []
    for match in SOURCE_TAG.finditer(source_body):
        tag, attributes = match.group(1).lower(), match.group(2)
        if f"&lt;{tag}" in shown:
            continue
        if tag not in COMMENT_TAGS:
            removed.append(f"<{tag}>")
        removed += [f"{name.lower()} attribute" for name in EVENT_ATTRIBUTE.findall(attributes)]
        removed += [f"{scheme.lower()}: link" for scheme in SCRIPT_URL.findall(attributes)]
    return list(dict.fromkeys(removed))
