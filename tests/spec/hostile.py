"""Hostile stack files (a few KB each) the loader must refuse cheaply; shared with the bench."""

from __future__ import annotations

from collections.abc import Callable

PREFIX = "config:\n  bulkheads:platform:\n"


def alias_bomb(levels: int = 12, width: int = 10) -> str:
    """A billion-laughs file: each level repeats the previous one ``width`` times."""
    lines = [PREFIX, '    a0: &a0 ["lol", "lol", "lol", "lol", "lol"]\n']
    for level in range(1, levels):
        items = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"    a{level}: &a{level} [{items}]\n")
    return "".join(lines)


def self_alias() -> str:
    """An alias inside the value it names: an endless value."""
    return PREFIX + "    owners: &loop\n      me: [*loop]\n"


def deep_nesting(depth: int = 500) -> str:
    """A flow sequence nested ``depth`` levels deep."""
    return PREFIX + "    owners: " + "[" * depth + "]" * depth + "\n"


def long_number(digits: int = 5_000) -> str:
    """A number with thousands of digits where a count belongs."""
    return (
        PREFIX
        + f"    environment: local\n    owners: {{a: {{contact: x, oncall: {'9' * digits}}}}}\n"
    )


HOSTILE: dict[str, Callable[[], str]] = {
    "alias-bomb": alias_bomb,
    "self-alias": self_alias,
    "deep-nesting": deep_nesting,
    "long-number": long_number,
}
"""Each hostile file by name."""
