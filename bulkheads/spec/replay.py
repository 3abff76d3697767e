"""Replay fields as written in a stack: the daily window, where a replay starts and stops.

- ``window`` (class ``replay``): ``HH:MM-HH:MM`` in UTC, start inclusive, end exclusive;
  an end earlier than the start crosses midnight (``22:00-04:00``); ``24:00`` is allowed as
  an end only; start equal to end is refused (a window of no time).
- ``from`` (replay pipeline, default ``earliest``): ``earliest``, an ISO 8601 timestamp
  with a zone (``2026-03-01T00:00:00Z``) or a duration ago (``7d``, see ``units``).
- ``until`` (replay pipeline, default ``caught_up``): ``caught_up`` (the end offsets seen
  when the replay started) or an ISO 8601 timestamp with a zone (records before it).

Parsing only; no spec model is imported here, so the plan layer shares these rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic_core import PydanticCustomError

from bulkheads.spec.units import format_duration, parse_duration_ms

MINUTES_PER_DAY = 24 * 60
EARLIEST = "earliest"
CAUGHT_UP = "caught_up"
_WINDOW_SHAPE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_WINDOW_FIX = "write a UTC window such as 01:00-05:00 (or 22:00-04:00 across midnight)"


@dataclass(frozen=True)
class Window:
    """A daily UTC window in minutes of the day; ``end < start`` crosses midnight."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{_clock(self.start)}-{_clock(self.end)}"

    @property
    def crosses_midnight(self) -> bool:
        """True when the window runs from one day into the next."""
        return self.end < self.start


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_window(value: Any) -> Window:
    """``"22:00-04:00"`` -> ``Window(1320, 240)``; the error names the impossible part."""
    match = _WINDOW_SHAPE.match(value) if isinstance(value, str) else None
    if match is None:
        raise PydanticCustomError("window", "not a time window", {"fix": _WINDOW_FIX})
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    start, end = value.split("-")
    if start_h > 23 or start_m > 59:
        raise PydanticCustomError(
            "window", f"{start} is not a clock time", {"fix": "start between 00:00 and 23:59"}
        )
    if end_m > 59 or end_h > 24 or (end_h == 24 and end_m):
        raise PydanticCustomError(
            "window", f"{end} is not a clock time", {"fix": "end between 00:01 and 24:00"}
        )
    window = Window(start_h * 60 + start_m, (end_h * 60 + end_m) % MINUTES_PER_DAY)
    if window.start == window.end and end_h != 24:
        raise PydanticCustomError(
            "window", "the window is empty", {"fix": "end it after it starts, e.g. 01:00-05:00"}
        )
    return window


def window_text(value: Any) -> Any:
    """Validate a window and keep the text as written (for the model's ``window`` field)."""
    parse_window(value)
    return value


@dataclass(frozen=True)
class ReplayFrom:
    """Where a replay starts: the earliest record, an instant, or a duration before now."""

    at: datetime | None = None
    ago_ms: int | None = None

    @property
    def earliest(self) -> bool:
        """True for ``from: earliest``."""
        return self.at is None and self.ago_ms is None

    def __str__(self) -> str:
        if self.at is not None:
            return iso(self.at)
        if self.ago_ms is not None:
            return format_duration(self.ago_ms)
        return EARLIEST


@dataclass(frozen=True)
class ReplayUntil:
    """Where a replay stops: caught up (``at`` None) or the records before ``at``."""

    at: datetime | None = None

    def __str__(self) -> str:
        return CAUGHT_UP if self.at is None else iso(self.at)


def iso(instant: datetime) -> str:
    """An instant in UTC as ``2026-03-01T00:00:00Z``."""
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _instant(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def parse_from(value: Any) -> ReplayFrom:
    """``earliest`` | ISO timestamp with zone | duration ago (``7d``)."""
    if isinstance(value, ReplayFrom):
        return value
    fix = "write earliest, a timestamp such as 2026-03-01T00:00:00Z, or a duration such as 7d"
    if value == EARLIEST:
        return ReplayFrom()
    if not isinstance(value, str):
        raise PydanticCustomError("replay_from", "not a replay start", {"fix": fix})
    if value[:1].isdigit() and ("-" in value or "T" in value):
        instant = _instant(value)
        if instant is None:
            raise PydanticCustomError(
                "replay_from", "not an ISO timestamp with a zone", {"fix": fix}
            )
        return ReplayFrom(at=instant)
    try:
        return ReplayFrom(ago_ms=parse_duration_ms(value))
    except PydanticCustomError:
        raise PydanticCustomError("replay_from", "not a replay start", {"fix": fix}) from None


def parse_until(value: Any) -> ReplayUntil:
    """``caught_up`` | ISO timestamp with zone."""
    if isinstance(value, ReplayUntil):
        return value
    if value == CAUGHT_UP:
        return ReplayUntil()
    instant = _instant(value) if isinstance(value, str) else None
    if instant is None:
        raise PydanticCustomError(
            "replay_until",
            "not a replay end",
            {"fix": "write caught_up, or a timestamp with a zone such as 2026-03-02T00:00:00Z"},
        )
    return ReplayUntil(at=instant)
