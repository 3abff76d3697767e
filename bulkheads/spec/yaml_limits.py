"""Bounded YAML reading: any text gives a node tree within limits, or Problems.

A stack file is small. What is not — a file larger than ``MAX_FILE_BYTES`` (4 MiB), a tree
nested deeper than ``MAX_DEPTH`` (64) or with more than ``MAX_NODES`` (200,000) nodes once
its aliases are expanded (an alias bomb), an alias that contains itself, or a number
outside ``MIN_NUMBER..MAX_NUMBER`` (Kafka's 64-bit long) or not finite — is refused with a
Problem before anything walks the expanded tree, so refusing a hostile file costs time and
memory in proportion to its text, not to what its aliases would expand to.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from bulkheads.spec.errors import Problem
from bulkheads.spec.units import MAX_LONG

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000
MAX_NUMBER = MAX_LONG
MIN_NUMBER = -MAX_LONG - 1
_NUMBER_TEXT = 40  # longer int/float scalars are out of range whatever they say

_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"

_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def too_large(size: int) -> Problem | None:
    """A Problem when a file of ``size`` bytes is over ``MAX_FILE_BYTES``."""
    if size <= MAX_FILE_BYTES:
        return None
    return Problem(
        (),
        f"the file has {size} bytes, more than a stack file may have ({MAX_FILE_BYTES})",
        "split the platform, or check that this is the stack file",
    )


def compose(text: str) -> tuple[yaml.Node | None, yaml.SafeLoader]:
    """The node tree of ``text`` and its loader (dispose it); raises ``yaml.YAMLError``."""
    loader = _SafeLoader(text)
    try:
        return loader.get_single_node(), loader
    except BaseException:
        loader.dispose()
        raise


def shape_problems(root: yaml.Node) -> list[Problem]:
    """Self-containing aliases, too deep or too many nodes (aliases expanded).

    Walks each distinct node once (sizes and depths are memoized per node), iteratively.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = _children(node)
        if finished:
            open_nodes.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in children)
            depth[key] = 1 + max((depth[id(child)] for child in children), default=0)
            if size[key] > MAX_NODES:
                return [_limit(node, f"expands to more than {MAX_NODES} values (aliases)")]
            if depth[key] > MAX_DEPTH:
                return [_limit(node, f"nests deeper than {MAX_DEPTH} levels")]
            continue
        if key in size:
            continue
        open_nodes.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                return [
                    Problem(
                        (),
                        "an alias refers to the value that contains it (endless value)",
                        "replace the alias by the value it should repeat",
                        line=child.start_mark.line + 1,
                    )
                ]
            if id(child) not in size:
                stack.append((child, False))
    return []


def number_problem(node: yaml.ScalarNode, loader: yaml.SafeLoader) -> Problem | None:
    """A Problem when an int/float scalar is out of range or not finite."""
    if node.tag not in (_INT_TAG, _FLOAT_TAG):
        return None
    value: Any = None
    if len(node.value) <= _NUMBER_TEXT:
        try:
            value = loader.construct_object(node)
        except (ValueError, OverflowError):
            value = None
    if isinstance(value, int) and MIN_NUMBER <= value <= MAX_NUMBER:
        return None
    if isinstance(value, float) and math.isfinite(value) and abs(value) <= MAX_NUMBER:
        return None
    return Problem(
        (),
        f"number out of range (at most {MAX_NUMBER} in size, finite)",
        "write a smaller number",
        _shortened(node.value),
    )


def _shortened(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:12]}...({len(text)} characters)"


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _limit(node: yaml.Node, what: str) -> Problem:
    return Problem(
        (),
        f"the value starting here {what}",
        "write the stack plainly: no deep nesting, no aliases that repeat large values",
        line=node.start_mark.line + 1,
    )
