"""Render Java ``.properties`` files."""

from __future__ import annotations

from collections.abc import Mapping


def render_properties(settings: Mapping[str, str]) -> str:
    """One ``key=value`` line per setting, in order; backslashes and line breaks escaped."""
    return "".join(f"{key}={_escape(value)}\n" for key, value in settings.items())


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
