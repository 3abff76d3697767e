"""What every rule is made of: the :class:`Rule` record and plain views of resources.

Rules never touch ``pulumi_policy`` argument objects directly. :class:`Resource` and
:class:`Stack` turn them into plain dicts and lists, with values Pulumi cannot know during
preview replaced by :data:`UNKNOWN`, so a check can ignore what it cannot judge instead of
aborting on the SDK's ``UnknownValueError``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ResourceValidationArgs,
    Severity,
    StackValidationArgs,
)
from pulumi_policy.proxy import _DictProxy, _is_unknown, _ListProxy
from pulumi_policy.secret import Secret


class _Unknown:
    """A value Pulumi only learns after the update (a preview-time placeholder)."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Any = _Unknown()


_SCALARS = (int, float, bool, type(None))


def plain(value: Any) -> Any:
    """``value`` as plain dicts/lists/scalars: unknowns become UNKNOWN, secrets their value.

    Scalars are told apart by exact type first: the pack converts every property of every
    resource once per rule, and the abstract ``Mapping`` check is the slow path.
    """
    kind = type(value)
    if kind is str:
        return UNKNOWN if _is_unknown(value) else value
    if kind in _SCALARS:
        return value
    if kind is _DictProxy or kind is _ListProxy:
        return plain(value["__target"])
    if kind is dict or isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if kind is list or isinstance(value, tuple):
        return [plain(item) for item in value]
    if isinstance(value, Secret):
        return plain(value.value)
    return UNKNOWN if _is_unknown(value) else value


@dataclass(frozen=True)
class Resource:
    """One resource as a rule sees it: its type, names and plain properties."""

    type: str
    name: str
    urn: str
    props: dict[str, Any]
    parent: str | None = None
    provider: str | None = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: ResourceValidationArgs) -> Resource:
        """The resource under a per-resource validation (its props are its inputs)."""
        provider = args.provider.urn if args.provider else None
        props = plain(args.props)
        return cls(args.resource_type, args.name, args.urn, props, args.opts.parent, provider)

    @classmethod
    def from_policy_resource(
        cls, resource: PolicyResource, inputs: Mapping[str, Any] | None = None
    ) -> Resource:
        """A stack resource; ``inputs`` recorded earlier fill in what its outputs lack."""
        props = {**(inputs or {}), **plain(resource.props)}
        return cls(
            resource.resource_type,
            resource.name,
            resource.urn,
            props,
            resource.parent.urn if resource.parent else resource.opts.parent,
            resource.provider.urn if resource.provider else None,
            tuple(dep.urn for dep in resource.dependencies),
            {
                key: tuple(dep.urn for dep in deps)
                for key, deps in resource.property_dependencies.items()
            },
        )

    def get(self, key: str, default: Any = None) -> Any:
        """A top-level property, ``default`` when absent or null."""
        value = self.props.get(key)
        return default if value is None else value

    def depends_on(self, key: str, urn: str) -> bool:
        """True when property ``key`` (or, lacking that record, the resource) uses ``urn``."""
        if key in self.property_dependencies:
            return urn in self.property_dependencies[key]
        return urn in self.dependencies


@dataclass(frozen=True)
class Stack:
    """Every resource of a stack, as a stack rule sees it."""

    resources: tuple[Resource, ...]

    @classmethod
    def from_args(
        cls, args: StackValidationArgs, inputs: Mapping[str, Mapping[str, Any]] | None = None
    ) -> Stack:
        """The stack under validation; ``inputs`` maps URN to the props seen per resource."""
        known = inputs or {}
        return cls(
            tuple(Resource.from_policy_resource(r, known.get(r.urn)) for r in args.resources)
        )

    def of_type(self, *types: str) -> list[Resource]:
        """The resources of any of ``types``, in stack order."""
        return [r for r in self.resources if r.type in types]

    @cached_property
    def by_urn(self) -> dict[str, Resource]:
        """Every resource by its URN."""
        return {r.urn: r for r in self.resources}

    def cluster_of(self, resource: Resource) -> str:
        """The ``cluster`` prop of the resource or its nearest ancestor; else its provider."""
        by_urn = self.by_urn
        current: Resource | None = resource
        while current is not None:
            if isinstance(current.props.get("cluster"), str):
                return str(current.props["cluster"])
            current = by_urn.get(current.parent) if current.parent else None
        return f"provider {resource.provider.rsplit('::', 1)[-1]}" if resource.provider else "?"


@dataclass(frozen=True)
class Finding:
    """A violation a stack rule found, and the resource it concerns (None: the stack)."""

    message: str
    urn: str | None = None


class Category(StrEnum):
    """What a rule protects; isolation, security and durability rules are mandatory."""

    ISOLATION = "isolation"
    SECURITY = "security"
    DURABILITY = "durability"
    OPERATIONS = "operations"


Config = Mapping[str, Any]
ResourceCheck = Callable[[Resource, Config], Iterable[str]]
StackCheck = Callable[[Stack, Config], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """One rule of the pack: identity, documentation, default enforcement and its check.

    Exactly one of ``resource_check`` (runs on each resource of ``applies_to``, on its
    inputs) and ``stack_check`` (runs once on the whole stack) is set. ``config`` maps each
    pack-config property to its JSON schema, ``default`` included.
    """

    id: str
    title: str
    category: Category
    severity: Severity
    enforcement: EnforcementLevel
    applies_to: tuple[str, ...]
    rationale: str
    how_to_fix: str
    resource_check: ResourceCheck | None = None
    stack_check: StackCheck | None = None
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    suppressible: bool = True

    def __post_init__(self) -> None:
        if (self.resource_check is None) == (self.stack_check is None):
            raise ValueError(f"rule {self.id} needs exactly one of resource_check, stack_check")

    @property
    def kind(self) -> str:
        """``resource`` or ``stack``."""
        return "resource" if self.resource_check else "stack"

    def settings(self, given: Config | None = None) -> dict[str, Any]:
        """The schema defaults overlaid with the stack's pack config for this rule."""
        merged = {name: schema.get("default") for name, schema in self.config.items()}
        merged.update({k: v for k, v in (given or {}).items() if k != "enforcementLevel"})
        return merged

    def check_resource(self, resource: Resource, given: Config | None = None) -> list[str]:
        """The violations of a resource rule on ``resource`` (none for other types)."""
        if self.resource_check is None or resource.type not in self.applies_to:
            return []
        return list(self.resource_check(resource, self.settings(given)))

    def check_stack(self, stack: Stack, given: Config | None = None) -> list[Finding]:
        """The violations of a stack rule on ``stack``."""
        if self.stack_check is None:
            return []
        return list(self.stack_check(stack, self.settings(given)))


def kafka_user(principal: Any) -> str:
    """The user name in an ACL principal (``User:pool.x`` -> ``pool.x``)."""
    text = str(principal)
    return text.split(":", 1)[1] if text.startswith("User:") else text


def is_true(value: Any) -> bool:
    """True for a known true boolean (or its string form)."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def is_missing(value: Any) -> bool:
    """True when a value is absent or empty (an unknown value counts as present)."""
    return value is None or value == "" or value == [] or value == {}


def dig(value: Any, *path: str | int) -> Any:
    """The value at ``path`` inside nested dicts/lists, None where the path breaks."""
    for step in path:
        if isinstance(step, int) and isinstance(value, list) and -len(value) <= step < len(value):
            value = value[step]
        elif isinstance(step, str) and isinstance(value, dict):
            value = value.get(step)
        else:
            return None
    return value


def as_list(value: Any) -> list[Any]:
    """A list property as a list (absent, null or unknown -> empty)."""
    return value if isinstance(value, list) else []


def by_key(resources: Iterable[Resource], key: str) -> dict[str, list[Resource]]:
    """Group resources by the (string) value of a property; skips unknown/absent ones."""
    groups: dict[str, list[Resource]] = {}
    for resource in resources:
        value = resource.props.get(key)
        if isinstance(value, str) and value:
            groups.setdefault(value, []).append(resource)
    return groups


def quoted(values: Iterable[str]) -> str:
    """``'a', 'b'`` for messages, sorted."""
    return ", ".join(f"'{v}'" for v in sorted(values))


def unique(items: Iterable[Finding]) -> Iterator[Finding]:
    """``items`` without repeats, first occurrence kept."""
    seen: set[Finding] = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item
