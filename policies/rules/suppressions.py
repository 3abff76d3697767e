"""Suppressions: reviewed, owned, expiring exceptions to suppressible rules.

The file is ``$BULKHEADS_POLICY_SUPPRESSIONS`` when set, else ``policies/suppressions.yaml``
beside the pack. Each entry::

    suppressions:
      - rule: bulkheads-topic-retention-bounds      # a suppressible rule id
        match: {urn: "urn:pulumi:dev::bulkheads::*::raw.search.clicks"}   # a URN glob, or
        # match: {type: "bulkheads:topic:TopicContract", name: "raw.search.*"}  (name glob)
        reason: "clickstream replays need 30 days while the lake backfill runs"  # >= 20 chars
        owner: search
        expires: 2026-12-31                          # last day it applies (UTC)

An entry that is malformed, expired, names an unknown or unsuppressible rule, or explains
itself in fewer than 20 characters is not applied and is reported by the mandatory
``bulkheads-meta-suppressions`` rule.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import yaml

ENV_VAR = "BULKHEADS_POLICY_SUPPRESSIONS"
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "suppressions.yaml"
MIN_REASON_LENGTH = 20


@dataclass(frozen=True)
class Suppression:
    """One valid, unexpired entry of the suppressions file."""

    rule: str
    reason: str
    owner: str
    expires: date
    urn: str | None = None
    type: str | None = None
    name: str | None = None

    def matches(self, rule: str, urn: str | None, type_: str | None, name: str | None) -> bool:
        """True when this entry covers a finding of ``rule`` on that resource."""
        if rule != self.rule:
            return False
        if self.urn is not None:
            return fnmatchcase(urn or "", self.urn)
        return type_ == self.type and fnmatchcase(name or "", self.name or "")


@dataclass(frozen=True)
class SuppressionSet:
    """The entries that apply, and why the others do not."""

    active: tuple[Suppression, ...] = ()
    problems: tuple[str, ...] = ()

    def covering(
        self, rule: str, urn: str | None, type_: str | None = None, name: str | None = None
    ) -> Suppression | None:
        """The first active entry covering the finding, or None."""
        return next((s for s in self.active if s.matches(rule, urn, type_, name)), None)


def _expiry(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _entry_problems(
    entry: Mapping[str, Any], today: date, rules: Mapping[str, bool]
) -> list[tuple[str, str]]:
    """(field, problem and fix) for each defect of one entry."""
    problems: list[tuple[str, str]] = []
    rule = entry.get("rule")
    if not isinstance(rule, str) or rule not in rules:
        problems.append(
            ("rule", f"{rule!r} is not a rule of this pack; use an id from policies/RULES.md")
        )
    elif not rules[rule]:
        problems.append(("rule", f"'{rule}' cannot be suppressed; fix the resource instead"))
    match = entry.get("match")
    if not isinstance(match, Mapping) or not (
        isinstance(match.get("urn"), str)
        or (isinstance(match.get("type"), str) and isinstance(match.get("name"), str))
    ):
        problems.append(("match", "needs `urn` (a glob), or `type` and `name` (a glob)"))
    reason = entry.get("reason")
    text = reason.strip() if isinstance(reason, str) else ""
    if len(text) < MIN_REASON_LENGTH:
        problems.append(
            (
                "reason",
                f"{reason!r} has {len(text)} characters; explain in at least "
                f"{MIN_REASON_LENGTH} why the finding is acceptable",
            )
        )
    owner = entry.get("owner")
    if not isinstance(owner, str) or not owner.strip():
        problems.append(("owner", "is missing; name the team that answers for the exception"))
    expires = _expiry(entry.get("expires"))
    if expires is None:
        problems.append(("expires", f"{entry.get('expires')!r} is not a date; write YYYY-MM-DD"))
    elif expires < today:
        problems.append(
            (
                "expires",
                f"expired on {expires.isoformat()}; fix the finding, or renew the entry "
                "with a new date and reason",
            )
        )
    return problems


def parse_suppressions(
    document: Any, source: str, today: date, rules: Mapping[str, bool]
) -> SuppressionSet:
    """Validate a loaded suppressions document; ``rules`` maps rule id -> suppressible."""
    if document is None:
        return SuppressionSet()
    entries = document.get("suppressions") if isinstance(document, Mapping) else None
    if entries is None and isinstance(document, Mapping) and "suppressions" in document:
        return SuppressionSet()
    if not isinstance(entries, list):
        return SuppressionSet(
            problems=(f"{source}: expected a mapping with a `suppressions:` list",)
        )
    active: list[Suppression] = []
    problems: list[str] = []
    for index, entry in enumerate(entries):
        where = f"{source}: suppressions[{index}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: expected a mapping with rule, match, reason, owner, expires")
            continue
        found = _entry_problems(entry, today, rules)
        problems += [f"{where}.{field}: {problem}" for field, problem in found]
        if not found:
            match = entry["match"]
            active.append(
                Suppression(
                    rule=entry["rule"],
                    reason=entry["reason"].strip(),
                    owner=entry["owner"].strip(),
                    expires=_expiry(entry["expires"]) or today,
                    urn=match.get("urn"),
                    type=match.get("type"),
                    name=match.get("name"),
                )
            )
    return SuppressionSet(tuple(active), tuple(problems))


def utc_today() -> date:
    """Today's date in UTC (expiry dates are UTC days)."""
    return datetime.now(UTC).date()


class SuppressionSource:
    """Loads the suppressions file on demand, re-reading it only when it changes."""

    def __init__(
        self,
        rules: Mapping[str, bool],
        path: Path | None = None,
        today: Callable[[], date] = utc_today,
    ) -> None:
        self._rules = dict(rules)
        self._path = path
        self._today = today
        self._cache: tuple[tuple[Path, float | None, date], SuppressionSet] | None = None

    def _location(self) -> tuple[Path, bool]:
        """The file to read and whether it was asked for explicitly."""
        if self._path is not None:
            return self._path, True
        configured = os.environ.get(ENV_VAR)
        return (Path(configured), True) if configured else (DEFAULT_PATH, False)

    def load(self) -> SuppressionSet:
        """The current suppressions (an unreadable file is reported, not raised)."""
        path, explicit = self._location()
        mtime = path.stat().st_mtime if path.is_file() else None
        key = (path, mtime, self._today())
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        result = self._read(path, explicit, key[2])
        self._cache = (key, result)
        return result

    def _read(self, path: Path, explicit: bool, today: date) -> SuppressionSet:
        if not path.is_file():
            if not explicit:
                return SuppressionSet()
            return SuppressionSet(
                problems=(
                    f"{path}: no such file; point {ENV_VAR} at the suppressions file or unset it",
                )
            )
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark is not None else ""
            return SuppressionSet(
                problems=(f"{path}:{where} is not valid YAML; fix the syntax there",)
            )
        return parse_suppressions(document, str(path), today, self._rules)


def suppressible_map(rules: Collection[Any]) -> dict[str, bool]:
    """Rule id -> whether it may be suppressed, for :class:`SuppressionSource`."""
    return {rule.id: rule.suppressible for rule in rules}
