"""Byte sizes and durations as written in stack files, parsed to integers.

- Byte size: an integer (bytes) or a number with a unit: ``B``, ``KB``/``MB``/``GB``
  (powers of 1000) or ``KiB``/``MiB``/``GiB`` (powers of 1024), e.g. ``20MiB``.
  Quota rates are byte sizes per second.
- Duration: a number with a unit ``ms``, ``s``, ``m``, ``h``, ``d`` or ``w``, e.g. ``7d``;
  parsed to **milliseconds** (the unit Kafka uses for ``retention.ms``). A bare number
  is refused because its unit would be a guess.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

BYTE_UNITS = {
    "B": 1,
    "KB": 1000,
    "MB": 1000**2,
    "GB": 1000**3,
    "KiB": 1024,
    "MiB": 1024**2,
    "GiB": 1024**3,
}
DURATION_UNITS = {
    "ms": 1,
    "s": 1000,
    "m": 60_000,
    "h": 3_600_000,
    "d": 86_400_000,
    "w": 604_800_000,
}
MAX_LONG = 2**63 - 1
"""The largest byte size or duration (Kafka's 64-bit long)."""
_QUANTITY = re.compile(r"^\s*(\d{1,19}(?:\.\d{1,9})?)\s*([A-Za-z]+)\s*$")


def _within_long(value: int | float) -> int:
    """``value`` as an int, refused when above ``MAX_LONG``."""
    if value > MAX_LONG:
        raise PydanticCustomError(
            "out_of_range", "out of range", {"fix": f"use at most {MAX_LONG} (a 64-bit long)"}
        )
    return int(value)


_NEGATIVE = re.compile(r"^\s*-\s*\d")


def parse_byte_size(value: Any) -> int:
    """Parse ``20MiB``/``5MB``/``1048576`` to bytes; the error carries the fix."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return _within_long(value)
    if _NEGATIVE.match(str(value)) and not isinstance(value, bool):
        raise PydanticCustomError(
            "byte_size", "a byte size cannot be negative", {"fix": "write 0 or more, e.g. 2MiB"}
        )
    match = _QUANTITY.match(value) if isinstance(value, str) else None
    if match is None or match.group(2) not in BYTE_UNITS:
        raise PydanticCustomError(
            "byte_size",
            "not a byte size",
            {"fix": f"write a size such as 20MiB (units: {', '.join(BYTE_UNITS)})"},
        )
    return _within_long(float(match.group(1)) * BYTE_UNITS[match.group(2)])


def parse_duration_ms(value: Any) -> int:
    """Parse ``7d``/``72h``/``500ms`` to milliseconds; the error carries the fix."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise PydanticCustomError(
            "duration",
            "a duration needs a unit",
            {"fix": f"write {value}s, {value}m, {value}h or {value}d"},
        )
    match = _QUANTITY.match(value) if isinstance(value, str) else None
    if match is None or match.group(2) not in DURATION_UNITS:
        raise PydanticCustomError(
            "duration",
            "not a duration",
            {"fix": f"write a duration such as 7d or 72h (units: {', '.join(DURATION_UNITS)})"},
        )
    return _within_long(float(match.group(1)) * DURATION_UNITS[match.group(2)])


def format_byte_size(value: int) -> str:
    """Render bytes with the largest binary unit that divides them exactly."""
    for unit in ("GiB", "MiB", "KiB"):
        if value and value % BYTE_UNITS[unit] == 0:
            return f"{value // BYTE_UNITS[unit]}{unit}"
    return f"{value}B"


def format_duration(ms: int) -> str:
    """Render milliseconds with the largest unit that divides them exactly."""
    for unit in ("d", "h", "m", "s"):
        if ms and ms % DURATION_UNITS[unit] == 0:
            return f"{ms // DURATION_UNITS[unit]}{unit}"
    return f"{ms}ms"


ByteSize = Annotated[int, BeforeValidator(parse_byte_size)]
"""Bytes (or bytes per second for quota rates), written ``20MiB`` or as an integer."""

DurationMs = Annotated[int, BeforeValidator(parse_duration_ms)]
"""Milliseconds, written ``7d``, ``72h``, ``15m``, ``30s`` or ``500ms``."""
