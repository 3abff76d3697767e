"""Load a PlatformSpec from a stack file or a mapping, reporting every problem at once.

``load_platform(path)`` reads ``config: bulkheads:platform`` from ``stacks/Pulumi.<env>.yaml``
and keeps YAML line numbers for messages; ``platform_from_mapping(data, source=...)`` takes
the value itself (the Pulumi program reads it through ``pulumi.Config``). Both raise
``SpecError`` listing every problem: shape errors (types, unknown or missing keys) and
doctrine errors (``doctrine.check_doctrine``). When an entry has shape errors, the
doctrine is still checked for the remaining entries. ``rules`` (default none) adds the
problems of further checks over a shape-valid spec, e.g. the rule catalogue's over its plan
(``bulkheads validate``); they are reported with the doctrine's, placed the same way.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path as FilePath
from typing import Any

import yaml
from pydantic import ValidationError

from bulkheads.plan.connector_keys import protected_key_problems
from bulkheads.plan.partitions import partition_problems
from bulkheads.spec import yaml_limits
from bulkheads.spec.doctrine import check_doctrine
from bulkheads.spec.errors import Path, Problem, SpecError
from bulkheads.spec.model import PlatformSpec
from bulkheads.spec.shape_errors import problems_from_validation

CONFIG_KEY = "bulkheads:platform"
ENTRY_SECTIONS = ("owners", "clusters", "pools", "pipelines")
Rules = Callable[[PlatformSpec], list[Problem]]


@dataclass(frozen=True)
class StackFile:
    """A validated stack file: its spec and every other ``config`` key beside it.

    ``lines`` maps spec paths to YAML lines; other config keys are under
    ``("<file>", "config", <key>, ...)`` (see :meth:`line_of`).
    """

    source: str
    spec: PlatformSpec
    config: Mapping[str, Any]
    lines: Mapping[Path, int]

    def line_of(self, key: str, *path: str | int) -> int | None:
        """The line of ``config: <key>: <path...>`` in the file, or of its nearest parent."""
        return _line_of(("<file>", "config", key, *path), self.lines)


def load_platform(path: str | FilePath, rules: Rules | None = None) -> PlatformSpec:
    """Read and validate the spec in a stack file; raise SpecError with every problem."""
    return load_stack_file(path, rules).spec


def load_stack_file(path: str | FilePath, rules: Rules | None = None) -> StackFile:
    """Read a stack file and validate its spec; raise SpecError with every problem."""
    source = str(path)
    document, lines = _parse(_read(path, source), source)
    data = _platform_value(document, lines, source)
    spec = platform_from_mapping(data, source=source, lines=lines, rules=rules)
    return StackFile(source, spec, document["config"], lines)


def platform_from_mapping(
    data: Any,
    source: str = "<config>",
    lines: Mapping[Path, int] | None = None,
    rules: Rules | None = None,
) -> PlatformSpec:
    """Validate the value of ``bulkheads:platform``; raise SpecError with every problem.

    ``lines`` maps spec paths to YAML line numbers (``load_platform`` provides them).
    """
    lines = lines or {}
    try:
        spec = PlatformSpec.model_validate(data)
    except ValidationError as error:
        problems = problems_from_validation(error, data, PlatformSpec)
        problems += _doctrine_of_valid_entries(data, problems, rules)
        raise SpecError(_located(problems, source, lines)) from None
    problems = check_doctrine(spec)
    problems += protected_key_problems(spec)
    if not problems:
        problems += partition_problems(spec)
    if rules is not None:
        problems += _checked(rules, spec, sound=not problems)
    if problems:
        raise SpecError(_located(problems, source, lines))
    return spec


def _checked(rules: Rules, spec: PlatformSpec, sound: bool) -> list[Problem]:
    """The problems of ``rules`` over ``spec``. A spec with doctrine problems (``sound``
    False) is checked without its entries whose references do not resolve, and may still
    have no plan to check; its problems are reported, so that failure is not."""
    if sound:
        return rules(spec)
    try:
        return rules(_resolving(spec))
    except Exception:
        return []


def _resolving(spec: PlatformSpec) -> PlatformSpec:
    """``spec`` without pools on unknown clusters and pipelines on unknown pools (or
    mirroring from unknown clusters)."""
    pools = {n: p for n, p in spec.pools.items() if p.cluster in spec.clusters}
    pipelines = {
        name: pipeline
        for name, pipeline in spec.pipelines.items()
        if pipeline.pool in pools
        and getattr(pipeline, "source_cluster", pools[pipeline.pool].cluster) in spec.clusters
    }
    return spec.model_copy(update={"pools": pools, "pipelines": pipelines})


def _doctrine_of_valid_entries(
    data: Any, shape_problems: list[Problem], rules: Rules | None
) -> list[Problem]:
    """Doctrine (and ``rules``) problems among the entries that passed shape validation."""
    if not isinstance(data, dict):
        return []
    broken: dict[str, set[str]] = {section: set() for section in ENTRY_SECTIONS}
    for problem in shape_problems:
        section = problem.path[0] if problem.path else None
        if section in broken and len(problem.path) >= 2:
            broken[str(section)].add(str(problem.path[1]))
        else:
            return []  # a top-level setting is broken: the doctrine cannot be judged
    salvaged = dict(data)
    for section, names in broken.items():
        if names and isinstance(data.get(section), dict):
            salvaged[section] = {k: v for k, v in data[section].items() if k not in names}
    try:
        spec = PlatformSpec.model_validate(salvaged)
    except ValidationError:
        return []
    broken["topics"] = _topics_written_by(data.get("pipelines"), broken["pipelines"])
    problems = check_doctrine(spec, unchecked=broken)
    return problems + (_checked(rules, spec, sound=False) if rules else [])


def _topics_written_by(pipelines: Any, names: set[str]) -> set[str]:
    """Topic names in the raw ``writes`` of the named pipelines (best effort)."""
    topics: set[str] = set()
    for name in names:
        entry = pipelines.get(name) if isinstance(pipelines, dict) else None
        writes = entry.get("writes") if isinstance(entry, dict) else None
        for write in writes if isinstance(writes, list) else []:
            topic = write.get("topic") if isinstance(write, dict) else write
            if isinstance(topic, str):
                topics.add(topic)
    return topics


def _located(problems: list[Problem], source: str, lines: Mapping[Path, int]) -> list[Problem]:
    located = [problem.located(source, _line_of(problem.path, lines)) for problem in problems]
    return sorted(located, key=lambda p: (p.line or 0, [str(part) for part in p.path]))


def _line_of(path: Path, lines: Mapping[Path, int]) -> int | None:
    for end in range(len(path), -1, -1):
        line = lines.get(path[:end])
        if line is not None:
            return line
    return None


# --- YAML with line numbers ----------------------------------------------------------


def _read(path: str | FilePath, source: str) -> str:
    """The text of a stack file within ``yaml_limits.MAX_FILE_BYTES``, UTF-8."""
    problem: Problem | None
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size  # 0 for a pipe: read up to the limit
            problem = yaml_limits.too_large(size)
            data = b"" if problem else file.read((size or yaml_limits.MAX_FILE_BYTES) + 1)
        problem = problem or yaml_limits.too_large(len(data))
        if problem is None:
            return data.decode("utf-8")
    except OSError as error:
        reason = error.strerror or str(error)
        problem = Problem(
            (),
            f"cannot read the file ({reason})",
            "pass a stack file such as stacks/Pulumi.local.yaml",
        )
    except UnicodeDecodeError as error:
        problem = Problem(
            (),
            f"not UTF-8 text (byte {error.start})",
            "save the stack file as UTF-8",
        )
    raise SpecError([problem.located(source, None)])


def _parse(text: str, source: str) -> tuple[Any, dict[Path, int]]:
    """The YAML document and the line of every key/item (relative to the spec value).

    Limits (``yaml_limits``) are checked on the node tree before anything expands it.
    """
    try:
        node, loader = yaml_limits.compose(text)
        try:
            limits = yaml_limits.shape_problems(node) if node is not None else []
            if limits:
                raise SpecError([p.located(source, p.line) for p in limits])
            lines: dict[Path, int] = {}
            found: list[Problem] = []
            if node is not None:
                _index(node, (), lines, found, loader)
            if found:
                raise SpecError([p.located(source, p.line) for p in found])
            document = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except (ValueError, TypeError, OverflowError) as error:
        raise SpecError(
            [Problem((), f"a value cannot be read ({error})", "fix the value", file=source)]
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise SpecError(
            [
                Problem(
                    (),
                    f"invalid YAML: {error.problem}",
                    "fix the YAML syntax on this line",
                    file=source,
                    line=mark.line + 1 if mark else None,
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        raise SpecError(
            [Problem((), f"invalid YAML: {error}", "fix the YAML syntax", file=source)]
        ) from None
    return document, lines


def _index(
    node: yaml.Node,
    path: Path,
    lines: dict[Path, int],
    found: list[Problem],
    loader: yaml.SafeLoader,
) -> None:
    """Record the line of every key/item; add duplicate keys and out-of-range numbers."""
    if isinstance(node, yaml.ScalarNode):
        number = yaml_limits.number_problem(node, loader)
        if number is not None:
            found.append(replace(number, path=_spec_path(path), line=node.start_mark.line + 1))
    elif isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            line = key_node.start_mark.line + 1
            if key in seen:
                found.append(
                    Problem(
                        _spec_path(child),
                        "duplicate key (names are unique)",
                        "rename or remove one of them",
                        key,
                        line=line,
                    )
                )
            seen.add(key)
            lines.setdefault(_spec_path(child), line)
            _index(value_node, child, lines, found, loader)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines.setdefault(_spec_path(child), item.start_mark.line + 1)
            _index(item, child, lines, found, loader)


def _spec_path(path: Path) -> Path:
    """File path -> spec path: drops the ``config``/``bulkheads:platform`` prefix."""
    if path[:2] == ("config", CONFIG_KEY):
        return path[2:]
    return ("<file>", *path)


def _platform_value(document: Any, lines: Mapping[Path, int], source: str) -> Any:
    config = document.get("config") if isinstance(document, dict) else None
    if not isinstance(config, dict):
        raise SpecError(
            [
                Problem(
                    (),
                    "no top-level config: mapping",
                    f"put the spec under config: {CONFIG_KEY}:",
                    file=source,
                )
            ]
        )
    if CONFIG_KEY not in config:
        close = difflib.get_close_matches(CONFIG_KEY, [str(k) for k in config], n=1)
        fix = (
            f"rename {close[0]!r} to {CONFIG_KEY}" if close else f"add {CONFIG_KEY}: under config:"
        )
        line = lines.get(("<file>", "config", *close[:1]))
        raise SpecError(
            [Problem((), f"config has no {CONFIG_KEY} key", fix, file=source, line=line)]
        )
    return config[CONFIG_KEY]
