"""Turn pydantic validation errors into Problems with a fix per error type.

Pydantic locations include the tag of a discriminated union (``pipelines.x.sink.pool``);
the path shown to users is the path in the YAML, so tags are dropped by walking the
location through the input data and the model types side by side.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from bulkheads.spec.errors import MISSING, Path, PathElement, Problem, did_you_mean

MISSING_KEY = "required key is missing"
UNKNOWN_KEY = "unknown key"
FORMAT_HINTS = {
    "bootstrap": "write 127.0.0.1:<port>, e.g. 127.0.0.1:19092",
    "region": "write an AWS region such as eu-west-1",
    "cpu": "write a Kubernetes CPU quantity such as 2 or 500m",
    "memory": "write a Kubernetes memory quantity such as 4Gi or 512Mi",
    "class": "write a fully qualified Java class name such as "
    "org.apache.kafka.connect.file.FileStreamSinkConnector",
    "bucket_prefix": "use 3-42 lowercase letters, digits and '-'",
    "instance_type": "write an MSK broker type such as kafka.m7g.large",
    "library": "write the client library and its version, e.g. librdkafka 2.6.1",
}
TYPE_NAMES = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
}
VALUE_FORMATS = {
    "ip_v4_network": ("not an IPv4 network", "write a CIDR block such as 10.40.0.0/16"),
}


@dataclass(frozen=True)
class _Located:
    path: Path
    value: Any
    model: type[BaseModel] | None  # the model owning the last path element, if known
    variants: dict[str, type[BaseModel]]  # the union variants met last, by tag


def problems_from_validation(
    error: ValidationError, data: Any, root: type[BaseModel]
) -> list[Problem]:
    """One Problem per pydantic error, located by its YAML path.

    A missing key is not reported again when an unknown key beside it is its misspelling.
    """
    problems = [_problem(detail, _locate(detail["loc"], data, root)) for detail in error.errors()]
    misspelt = {
        (*p.path[:-1], p.fix.split("'")[1])
        for p in problems
        if p.message == UNKNOWN_KEY and p.fix.startswith("did you mean")
    }
    return [p for p in problems if not (p.message == MISSING_KEY and p.path in misspelt)]


def _problem(detail: ErrorDetails, where: _Located) -> Problem:
    kind = detail["type"]
    ctx = detail.get("ctx", {})
    key = where.path[-1] if where.path else ""
    if kind == "missing":
        return Problem(where.path, MISSING_KEY, f"add {key}")
    if kind == "extra_forbidden":
        return Problem(where.path, UNKNOWN_KEY, _unknown_key_fix(str(key), where), where.value)
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tags = sorted(where.variants)
        if kind == "union_tag_not_found":
            return Problem((*where.path, "kind"), MISSING_KEY, f"add kind: {_or(tags)}")
        return Problem(
            (*where.path, "kind"), "unknown kind", did_you_mean(ctx["tag"], tags), ctx["tag"]
        )
    if kind == "literal_error":
        allowed = [
            value.strip("'") for value in str(ctx["expected"]).replace(" or ", ", ").split(", ")
        ]
        return Problem(
            where.path, "not an allowed value", _choice_fix(where.value, allowed), where.value
        )
    if kind in TYPE_NAMES:
        expected = TYPE_NAMES[kind]
        return Problem(where.path, f"not {expected}", f"write {expected}", where.value)
    if kind in VALUE_FORMATS:
        message, fix = VALUE_FORMATS[kind]
        return Problem(where.path, message, fix, where.value)
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return _bound_problem(kind, ctx, where)
    if kind == "too_short":
        return Problem(
            where.path, "must not be empty", f"declare at least {ctx['min_length']}", where.value
        )
    if kind == "string_pattern_mismatch":
        fix = FORMAT_HINTS.get(str(key), f"match the pattern {ctx['pattern']}")
        return Problem(where.path, "wrong format", fix, where.value)
    if "fix" in ctx:
        return Problem(where.path, detail["msg"], str(ctx["fix"]), where.value)
    return Problem(where.path, detail["msg"], "see bulkheads/spec/README.md", where.value)


def _bound_problem(kind: str, ctx: dict[str, Any], where: _Located) -> Problem:
    words = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("more than", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("less than", "lt"),
    }
    phrase, ctx_key = words[kind]
    bound = ctx[ctx_key]
    return Problem(
        where.path, f"must be {phrase} {bound}", f"use a value {phrase} {bound}", where.value
    )


def _or(names: list[str]) -> str:
    return " | ".join(names)


def _choice_fix(value: Any, allowed: list[str]) -> str:
    if isinstance(value, str):
        hint = did_you_mean(value, allowed)
        if hint.startswith("did you mean"):
            return f"{hint} (one of: {', '.join(allowed)})"
    return f"use one of: {', '.join(allowed)}"


def _unknown_key_fix(key: str, where: _Located) -> str:
    if where.model is None:
        return "remove it"
    known = [_key_name(name, info) for name, info in where.model.model_fields.items()]
    elsewhere = sorted(
        tag
        for tag, variant in where.variants.items()
        if variant is not where.model
        and key in {_key_name(name, info) for name, info in variant.model_fields.items()}
    )
    if elsewhere:
        return f"remove it ({key} belongs to kind {', '.join(elsewhere)})"
    hint = did_you_mean(key, known)
    if hint.startswith("did you mean"):
        return hint
    return f"remove it (known keys: {', '.join(sorted(known))})"


def _key_name(name: str, info: FieldInfo) -> str:
    return info.alias or name


# --- walking a pydantic location through the data and the types ----------------------


def _locate(loc: tuple[int | str, ...], data: Any, root: type[BaseModel]) -> _Located:
    path: list[PathElement] = []
    value: Any = data
    tp: Any = root
    owner: type[BaseModel] | None = None
    variants: dict[str, type[BaseModel]] = {}
    for index, element in enumerate(loc):
        tp, member_variants = _unwrap(tp)
        if member_variants:
            variants = member_variants
            if isinstance(element, str) and element in member_variants:
                tp = member_variants[element]  # a union tag: not part of the YAML path
                continue
        owner = tp if _is_model(tp) else None
        tp = _child_type(tp, element)
        path.append(element)
        last = index == len(loc) - 1
        value = _child_value(value, element, missing=MISSING if last else None)
    tp, member_variants = _unwrap(tp)
    if member_variants:
        variants = member_variants
    return _Located(tuple(path), value, owner, variants)


def _child_value(value: Any, element: PathElement, missing: Any) -> Any:
    if isinstance(value, dict):
        return value.get(element, missing)
    if isinstance(value, list) and isinstance(element, int) and element < len(value):
        return value[element]
    return missing


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _unwrap(tp: Any) -> tuple[Any, dict[str, type[BaseModel]]]:
    """Strip Annotated and Optional; a union of models yields its variants by tag."""
    while get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    if get_origin(tp) in (Union, types.UnionType):
        members = [arg for arg in get_args(tp) if arg is not type(None)]
        models = [member for member in members if _is_model(member)]
        if len(models) > 1:
            return tp, {_tag(model): model for model in models}
        if len(members) == 1:
            return _unwrap(members[0])
    return tp, {}


def _tag(model: type[BaseModel]) -> str:
    annotation = model.model_fields["kind"].annotation
    assert get_origin(annotation) is Literal
    return str(get_args(annotation)[0])


def _child_type(tp: Any, element: PathElement) -> Any:
    if _is_model(tp):
        for name, info in tp.model_fields.items():
            if element in (name, info.alias):
                return info.annotation
        return None
    origin = get_origin(tp)
    if origin is dict:
        return get_args(tp)[1]
    if origin is list:
        return get_args(tp)[0]
    return None
