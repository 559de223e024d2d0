"""The plain-text article format (see docs/plain-text-format.md).

Title line
<blank>
Deck paragraph
<blank>
Body paragraphs, separated by blank lines
[Image credit in square brackets]
Add New Comment
  • Author name
    Indented comment paragraph
    Another paragraph
  • Next author
    ...
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from django.utils.text import slugify

from ..sanitize import clean_spaces, paragraphs_html
from .records import ArticleRecord, CommentRecord, ImportFormatError, ParseContext, derived_key

COMMENTS_MARKER = "add new comment"
BULLETS = "•*-·‣◦"
BULLET_LINE = re.compile(r"^\s*[" + re.escape(BULLETS) + r"]\s+(?P<author>\S.*)$")
CREDIT_LINE = re.compile(r"^\[(?P<credit>[^\[\]]+)\]$")


def decode(raw: bytes) -> str:
    """Bytes to text: UTF-8 (BOM tolerated), else a clear error."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFormatError(
            f"not valid UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            line=line,
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_line(line: str) -> str:
    return clean_spaces(line).rstrip()


def paragraphs(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Group (line number, text) pairs into paragraphs split on blank lines."""
    result: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, text in lines:
        stripped = text.strip()
        if not stripped:
            if current:
                result.append((start, " ".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(re.sub(r" {2,}", " ", stripped))
    if current:
        result.append((start, " ".join(current)))
    return result


def parse(stream: BinaryIO, ctx: ParseContext) -> Iterator[ArticleRecord | CommentRecord]:
    raw_lines = decode(stream.read()).split("\n")
    lines = [(i, clean_line(raw)) for i, raw in enumerate(raw_lines, 1)]
    head, comment_lines = split_at_marker(lines)
    paras = paragraphs(head)
    if not paras:
        raise ImportFormatError("the file is empty: expected a title on the first line", line=1)
    title_line, title = paras[0]
    if title_line != next(n for n, t in lines if t.strip()):
        raise ImportFormatError("expected the title on the first line", line=title_line)
    if len(paras) < 2:
        raise ImportFormatError("expected a deck paragraph after the title", line=title_line + 1)
    deck = paras[1][1]
    body: list[str] = []
    credit = ""
    for number, text in paras[2:]:
        match = CREDIT_LINE.match(text)
        if match:
            if credit:
                ctx.warn("a second image credit was kept as a body paragraph", number)
                body.append(text)
            else:
                credit = match["credit"].strip()
        else:
            body.append(text)
    if not body:
        ctx.warn("the article has no body paragraphs", title_line)
    # The source id re-imports match on: kept as it always was, whatever the URL slug.
    article_key = slugify(title) or title
    yield ArticleRecord(
        key=article_key,
        title=title,
        deck=deck,
        body=paragraphs_html(body),
        image_credit=credit,
        line=title_line,
    )
    yield from parse_comments(comment_lines, raw_lines, article_key)


def split_at_marker(
    lines: list[tuple[int, str]],
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    for index, (_, text) in enumerate(lines):
        if text.strip().lower() == COMMENTS_MARKER:
            return lines[:index], lines[index + 1 :]
    return lines, []


def parse_comments(
    lines: list[tuple[int, str]], raw_lines: list[str], article_key: str
) -> Iterator[CommentRecord]:
    blocks: list[tuple[int, str, list[tuple[int, str]]]] = []
    for number, text in lines:
        match = BULLET_LINE.match(text)
        if match:
            blocks.append((number, match["author"].strip(), []))
        elif text.strip():
            if not blocks:
                raise ImportFormatError(
                    "comment text before any author line (expected '  • Author name')",
                    line=number,
                )
            blocks[-1][2].append((number, text))
        elif blocks:
            blocks[-1][2].append((number, ""))
    seen: dict[str, int] = {}
    for number, author, body_lines in blocks:
        paras = [p for _, p in paragraphs(body_lines)]
        if not paras:
            raise ImportFormatError(f"the comment by {author!r} has no text", line=number)
        numbers = [n for n, text in body_lines if text]
        # source_body keeps the comment's lines exactly as the file had them.
        source_body = "\n".join(raw_lines[numbers[0] - 1 : numbers[-1]])
        yield CommentRecord(
            key=comment_key(author, "\n\n".join(paras), seen),
            article_key=article_key,
            author_name=author,
            body=source_body,
            body_is_html=False,
            line=number,
        )


def comment_key(author: str, body: str, seen: dict[str, int]) -> str:
    """Plain text has no ids: derive one from author and text, stable across re-imports."""
    digest = derived_key(author, body, prefix="")
    seen[digest] = seen.get(digest, 0) + 1
    return digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"
