"""JSON imports (see docs/import-formats.md): Moderato's own export, Isso "generic" JSON,
Commento exports and Remark42 backups (JSON Lines, read line by line).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO

from .dates import parse_datetime_utc
from .records import (
    APPROVED,
    HIDDEN,
    KIND_COMMENT,
    KIND_PINGBACK,
    KIND_TRACKBACK,
    PENDING,
    REASON_REMOVED_AT_SOURCE,
    ArticleRecord,
    CommentRecord,
    ImportFormatError,
    ParseContext,
)

Record = ArticleRecord | CommentRecord
STR, OPT_STR, LIST, BOOL = (str,), (str, type(None)), (list,), (bool,)
ARTICLE_FIELDS = {
    "id": STR, "title": STR, "slug": STR, "deck": STR, "body": STR, "image_credit": STR,
    "source_url": STR, "published_at": OPT_STR, "language": STR, "comments": LIST,
    "events": LIST,
}  # fmt: skip
COMMENT_FIELDS = {
    "id": STR, "parent_id": OPT_STR, "author_name": STR, "author_email": STR,
    "author_url": STR, "author_username": STR, "body": STR, "source_body": STR,
    "source_body_is_html": BOOL, "status": STR, "hidden_reason": STR, "source_status": STR,
    "kind": STR, "is_staff_reply": BOOL, "staff_author": STR, "created_at": OPT_STR,
    "moderated_at": OPT_STR,
}  # fmt: skip
STATUSES = {PENDING, APPROVED, HIDDEN}
KINDS = {KIND_COMMENT, KIND_PINGBACK, KIND_TRACKBACK}
REASON = re.compile(r"^[a-z_]+$")
COMMENTO_STATES = {"approved": APPROVED, "unapproved": PENDING, "flagged": PENDING}
# An exported article id "<source>:<external id>" names where the article first came from:
# an import format's name, or "moderato" for articles made here.
MADE_HERE = "moderato"


def parse(stream: BinaryIO, ctx: ParseContext) -> Iterator[Record]:
    """Yield the records of any supported JSON flavour, chosen by its content."""
    first = stream.readline()
    head = loads(decode(first, 1), 1, partial=True) if first.strip() else None
    if isinstance(head, dict) and ("users" in head or "posts" in head):
        yield from parse_remark42(head, stream, ctx)
        return
    rest = stream.read()
    if not (first + rest).strip():
        raise ImportFormatError("the file is empty", line=1)
    # A one-line document was already parsed above; don't parse it twice.
    data = head if head is not None and not rest.strip() else loads(decode(first + rest, 1), 1)
    if isinstance(data, list):
        yield from parse_isso(data, ctx)
    elif isinstance(data, dict) and data.get("format") == "moderato":
        yield from parse_moderato(data, ctx)
    elif isinstance(data, dict) and "commenters" in data and "comments" in data:
        yield from parse_commento(data, ctx)
    else:
        raise ImportFormatError(
            'unrecognised JSON: expected Moderato\'s export ({"format": "moderato"}), Isso'
            " generic JSON (a list of threads), a Commento export or a Remark42 backup",
            line=1,
        )


def decode(raw: bytes, line: int) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); JSON must be UTF-8",
            line=line + raw[: exc.start].count(b"\n"),
        ) from None


def loads(text: str, line: int, *, partial: bool = False) -> Any:
    """Parse JSON; with partial=True return None when the text is only the start of a document."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if partial:
            return None
        raise ImportFormatError(f"not valid JSON: {exc.msg}", line=line + exc.lineno - 1) from None
    except RecursionError:
        raise ImportFormatError("JSON nested too deeply", line=line) from None


def expect(value: Any, types: tuple[type, ...], path: str, line: int | None = None) -> Any:
    """Return value if it has one of the JSON types, else name the path in the error."""
    if isinstance(value, bool) and bool not in types:
        types = ()  # bool is an int in Python, never in JSON
    if not isinstance(value, types):
        wanted = " or ".join(JSON_NAMES[t] for t in types) or "another type"
        raise ImportFormatError(f"{path}: expected {wanted}, got {json_type(value)}", line=line)
    return value


JSON_NAMES = {str: "a string", type(None): "null", list: "a list", bool: "true/false"}
JSON_NAMES |= {dict: "an object", int: "a number"}


def json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    return JSON_NAMES.get(type(value), "a number")


def date(value: str | None, path: str) -> datetime | None:
    """Strict: our own exporter writes ISO 8601, so anything unreadable is an error."""
    if value is None or value == "":
        return None
    probe = ParseContext()
    parsed = parse_datetime_utc(value, probe, None, path)
    if probe.warnings:
        raise ImportFormatError(f"{path}: {value!r} is not an ISO 8601 date-time")
    return parsed


# --- Moderato's own format -------------------------------------------------------------------


def parse_moderato(data: dict[str, Any], ctx: ParseContext) -> Iterator[Record]:
    if data.get("version") != 1:
        raise ImportFormatError(f"version: expected 1, got {data.get('version')!r}")
    articles = expect(data.get("articles"), LIST, "articles")
    for index, article in enumerate(articles):
        path = f"articles[{index}]"
        checked(article, ARTICLE_FIELDS, path, ("id", "title"), ctx)
        key = article["id"]
        source, _, external_id = key.partition(":")
        if source not in known_sources() or not external_id:
            source, external_id = "", ""  # a hand-made id: kept whole under "json"
        yield ArticleRecord(
            key=key,
            title=article["title"],
            slug=article.get("slug", ""),
            source=source,
            external_id=external_id,
            source_url=article.get("source_url", ""),
            deck=article.get("deck", ""),
            body=article.get("body", ""),
            image_credit=article.get("image_credit", ""),
            published_at=date(article.get("published_at"), f"{path}.published_at"),
            language=article.get("language", ""),
        )
        for number, comment in enumerate(article.get("comments", [])):
            yield moderato_comment(comment, key, f"{path}.comments[{number}]", ctx)
        if article.get("events"):
            ctx.warn(f"{path}.events: moderation history is not imported")


def known_sources() -> set[str]:
    from .formats import FORMATS  # the registry imports this module: look it up when used

    return {*FORMATS, MADE_HERE}


def checked(obj: Any, spec: dict, path: str, required: tuple[str, ...], ctx: ParseContext) -> None:
    expect(obj, (dict,), path)
    for name in required:
        if name not in obj:
            raise ImportFormatError(f"{path}.{name}: missing")
    for name, value in obj.items():
        if name in spec:
            expect(value, spec[name], f"{path}.{name}")
        else:
            ctx.warn(f"{path}.{name}: unknown field ignored")


def moderato_comment(obj: Any, article_key: str, path: str, ctx: ParseContext) -> CommentRecord:
    checked(obj, COMMENT_FIELDS, path, ("id", "body"), ctx)
    status = obj.get("status", PENDING)
    reason = obj.get("hidden_reason", "")
    if status not in STATUSES:
        raise ImportFormatError(f"{path}.status: {status!r} is not one of {sorted(STATUSES)}")
    if (status == HIDDEN) != bool(reason) or (reason and not REASON.match(reason)):
        raise ImportFormatError(f"{path}.hidden_reason: needs a reason word exactly when hidden")
    kind = obj.get("kind", KIND_COMMENT)
    if kind not in KINDS:
        raise ImportFormatError(f"{path}.kind: {kind!r} is not one of {sorted(KINDS)}")
    # source_body is what the loader keeps verbatim; body is only its sanitised copy.
    source = obj.get("source_body") or obj["body"]
    return CommentRecord(
        key=obj["id"],
        article_key=article_key,
        parent_key=obj.get("parent_id") or None,
        body=source,
        body_is_html=obj.get("source_body_is_html", True) if obj.get("source_body") else True,
        author_name=obj.get("author_name", ""),
        author_email=obj.get("author_email", ""),
        author_url=obj.get("author_url", ""),
        author_username=obj.get("author_username", ""),
        created_at=date(obj.get("created_at"), f"{path}.created_at"),
        status=status,
        hidden_reason=reason,
        source_status=obj.get("source_status", ""),
        kind=kind,
        is_staff_reply=obj.get("is_staff_reply", False),
        staff_username=obj.get("staff_author", ""),
        moderated_at=date(obj.get("moderated_at"), f"{path}.moderated_at"),
    )


# --- Isso "generic" ---------------------------------------------------------------------------


def parse_isso(threads: list[Any], ctx: ParseContext) -> Iterator[Record]:
    for index, thread in enumerate(threads):
        path = f"[{index}]"
        expect(thread, (dict,), path)
        key = expect(thread.get("id"), STR, f"{path}.id")
        title = expect(thread.get("title", ""), STR, f"{path}.title") or key
        # Isso thread ids are usually site-relative paths, not URLs.
        url = key if key.startswith(("http://", "https://")) else ""
        yield ArticleRecord(key=key, title=title, source_url=url)
        for number, comment in enumerate(
            expect(thread.get("comments", []), LIST, f"{path}.comments")
        ):
            where = f"{path}.comments[{number}]"
            expect(comment, (dict,), where)
            cid = expect(comment.get("id"), (int, str), f"{where}.id")
            fields = {n: expect(comment.get(n, ""), STR, f"{where}.{n}") for n in ISSO_FIELDS}
            yield CommentRecord(
                key=f"{key}#{cid}",  # Isso numbers comments per thread
                article_key=key,
                body=fields["text"],
                body_is_html=False,
                author_name=fields["author"],
                author_email=fields["email"].strip(),
                author_url=fields["website"].strip(),
                created_at=parse_datetime_utc(fields["created"], ctx, None, f"{where}.created"),
                status=APPROVED,
            )


ISSO_FIELDS = ("author", "email", "website", "created", "text")


# --- Commento -----------------------------------------------------------------------------------


def parse_commento(data: dict[str, Any], ctx: ParseContext) -> Iterator[Record]:
    if data.get("version") != 1:
        raise ImportFormatError(f"Commento export version {data.get('version')!r} unsupported")
    people: dict[str, dict[str, Any]] = {}
    for index, person in enumerate(expect(data["commenters"], LIST, "commenters")):
        expect(person, (dict,), f"commenters[{index}]")
        people[str(person.get("commenterHex"))] = person
    pages: set[str] = set()
    for index, item in enumerate(expect(data["comments"], LIST, "comments")):
        path = f"comments[{index}]"
        expect(item, (dict,), path)
        get = {n: expect(item.get(n, ""), STR, f"{path}.{n}") for n in COMMENTO_FIELDS}
        page = get["domain"] + get["url"]
        if page not in pages:
            pages.add(page)
            url = f"https://{page}" if get["domain"] else get["url"]
            yield ArticleRecord(key=page, title=get["url"] or page, source_url=url)
        person = people.get(get["commenterHex"], {})
        if not person and get["commenterHex"] != "anonymous":
            ctx.warn(f"{path}: commenter {get['commenterHex']} is not in commenters")
        status, reason, state = commento_status(item, get["state"], path, ctx)
        yield CommentRecord(
            key=expect(item.get("commentHex"), STR, f"{path}.commentHex"),
            article_key=page,
            parent_key=None if get["parentHex"] in ("", "root") else get["parentHex"],
            body=get["html"] or get["markdown"],
            body_is_html=bool(get["html"]),
            author_name=str(person.get("name") or ("Anonymous" if not person else "")),
            author_email=str(person.get("email") or ""),
            author_url=str(person.get("link") or ""),
            created_at=parse_datetime_utc(get["creationDate"], ctx, None, f"{path}.creationDate"),
            status=status,
            hidden_reason=reason,
            source_status=state,
        )


COMMENTO_FIELDS = ("domain", "url", "commenterHex", "markdown", "html", "parentHex", "state")
COMMENTO_FIELDS += ("creationDate",)


def commento_status(item: dict, state: str, path: str, ctx: ParseContext) -> tuple[str, str, str]:
    if expect(item.get("deleted", False), BOOL, f"{path}.deleted"):
        return HIDDEN, REASON_REMOVED_AT_SOURCE, "deleted"
    if state not in COMMENTO_STATES:
        ctx.warn(f"{path}.state: {state!r} unknown; left pending")
    return COMMENTO_STATES.get(state, PENDING), "", state


# --- Remark42 backup (JSON Lines) ----------------------------------------------------------------


def parse_remark42(head: dict[str, Any], stream: BinaryIO, ctx: ParseContext) -> Iterator[Record]:
    if head.get("version") != 1:
        raise ImportFormatError(f"Remark42 backup version {head.get('version')!r} unsupported")
    pages: set[str] = set()
    for number, raw in enumerate(stream, 2):
        if not raw.strip():
            continue  # blank lines and the TAB-indented lines of hand-made backups
        item = expect(loads(decode(raw, number).strip(), number), (dict,), "comment", number)
        locator = expect(item.get("locator", {}), (dict,), "locator", number)
        user = expect(item.get("user", {}), (dict,), "user", number)
        url = expect(locator.get("url"), STR, "locator.url", number)
        if url not in pages:
            pages.add(url)
            yield ArticleRecord(key=url, title=url, source_url=url, line=number)
        deleted = expect(item.get("delete", False), BOOL, "delete", number)
        yield CommentRecord(
            key=expect(item.get("id"), STR, "id", number),
            article_key=url,
            parent_key=expect(item.get("pid", ""), STR, "pid", number) or None,
            body=expect(item.get("text", ""), STR, "text", number),
            author_name=expect(user.get("name", ""), STR, "user.name", number),
            author_username=expect(user.get("id", ""), STR, "user.id", number),
            created_at=parse_datetime_utc(str(item.get("time", "")), ctx, number, "time"),
            status=HIDDEN if deleted else APPROVED,
            hidden_reason=REASON_REMOVED_AT_SOURCE if deleted else "",
            source_status="deleted" if deleted else "",
            line=number,
        )
