"""Small import files written by tests: Moderato JSON, the format that carries the most."""

import json
from pathlib import Path

ARTICLE_ID = "disqus:4242"


def moderato_comment(key: str, body: str, **fields) -> dict:
    return {"id": key, "body": body, "author_name": fields.pop("author_name", "Reader"), **fields}


def moderato_file(path: Path, comments: list[dict], **article) -> Path:
    """One article ("disqus:4242") with these comments, as Moderato's export writes them."""
    article = {"id": ARTICLE_ID, "title": "The Story", "comments": comments, **article}
    data = {"format": "moderato", "version": 1, "articles": [article]}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
