"""Date helpers every parser (XML, JSON, feeds) uses: source text to an aware UTC datetime."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from .records import ParseContext

ZERO_DATE = "0000-00-00 00:00:00"


def parse_datetime_utc(
    value: str, ctx: ParseContext, line: int | None, what: str
) -> datetime | None:
    """ISO 8601 / 'YYYY-MM-DD HH:MM:SS' / RFC 822 text to an aware UTC datetime; naive means UTC."""
    value = value.strip()
    if not value or value == ZERO_DATE:
        return None
    try:
        parsed = _parse_any(value)
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        if parsed.tzinfo is UTC:  # "...Z", as most exports write it: already what we want
            return parsed
        return parsed.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        ctx.warn(f"unreadable {what} {value!r}; left empty", line)
        return None


def _parse_any(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return parsedate_to_datetime(value)  # RSS's RFC 822 dates
