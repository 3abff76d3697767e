"""Fuzz: mutated shipped stacks (their YAML text and their values) give only SpecErrors."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulkheads.spec.errors import SpecError
from bulkheads.spec.loader import load_platform, platform_from_mapping
from bulkheads.spec.model import PlatformSpec
from policies.rules import catalogue

REPO = Path(__file__).resolve().parents[2]
RULES = catalogue.validate_rules("fuzz")  # what `bulkheads validate` checks besides the doctrine
STACK_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((REPO / "stacks").glob("*.yaml"))]
FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
SYNTAX = [":", "- ", "&a ", "*a", "[", "]", "{", "}", "\n", "  ", "!!binary ", "? ", "<<: ", "'"]
YAML_BITS = st.sampled_from(
    [*SYNTAX, '"', "9" * 400, "1.0e+999", ".nan", "true", "null", "~", "\t", "%YAML 1.1\n"]
)
HOSTILE_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=20),
        st.sampled_from(["0", "-1", "1e999", "0x10", "20MiB", "7d", "0.0.0.0/0", "raw.a.b"]),
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _only_spec_errors(text: str) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        try:
            assert isinstance(load_platform(file.name, rules=RULES), PlatformSpec)
        except SpecError as error:
            assert error.problems and all(p.render() for p in error.problems)


@st.composite
def mutated_texts(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(STACK_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 40))
        insert = draw(st.one_of(YAML_BITS, st.text(max_size=6)))
        text = text[:at] + insert + text[at + cut :]
    return text


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], rest, new)}
    return [_replaced(item, rest, new) if i == head else item for i, item in enumerate(value)]


PLATFORMS = [yaml.safe_load(text)["config"]["bulkheads:platform"] for text in STACK_TEXTS]


@st.composite
def mutated_platforms(draw: st.DrawFn) -> Any:
    platform = draw(st.sampled_from(PLATFORMS))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(platform)))
        platform = _replaced(platform, path, draw(HOSTILE_VALUES))
    return platform


@FUZZ
@given(mutated_texts())
def test_mutated_stack_text_gives_a_spec_or_problems(text: str) -> None:
    _only_spec_errors(text)


@FUZZ
@given(mutated_platforms())
def test_mutated_stack_values_give_a_spec_or_problems(platform: Any) -> None:
    try:
        platform_from_mapping(platform, rules=RULES)
    except SpecError as error:
        assert error.problems and all(p.render() for p in error.problems)
    text = yaml.safe_dump({"config": {"bulkheads:platform": platform}}, allow_unicode=True)
    _only_spec_errors(text)
