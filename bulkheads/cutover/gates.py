"""Whether a cutover may enter a phase, from what the live platform shows (pure).

What each phase needs before it is applied (``Observed`` is read by ``live.observe``):

- ``mirror``: nothing (it only adds the mirror and the target's principals and topics);
- ``consumers`` and ``producers``: the mirror's MirrorSource and MirrorCheckpoint
  connectors RUNNING; on every mirrored partition the mirror at most ``max_lag`` records
  behind the old topic's end; every moving group that committed an offset past 0 on
  ``from`` has a translated offset on ``to``, and none is ahead of the target's log end;
- ``done``: the mirror has copied every record of the old topics (its position equals
  their end offsets: nothing was written there since the producer move) and each target
  partition holds at least as many records as the old one (end-offset parity).

A rollback (a phase before the applied one) needs no gate.
"""

from __future__ import annotations

from dataclasses import dataclass

from bulkheads.plan.cutover import phase_index
from bulkheads.spec.model import CutoverPhase

DEFAULT_MAX_LAG = 1000
"""Records a mirrored partition may be behind when consumers or producers move."""


@dataclass(frozen=True)
class PartitionFacts:
    """One mirrored partition: end offsets on ``from`` and ``to`` and the next offset of
    ``from`` the mirror will copy (None: it copied nothing yet)."""

    topic: str
    partition: int
    source_end: int
    target_end: int
    mirrored: int | None

    @property
    def lag(self) -> int:
        """Records of the old topic the mirror has not copied."""
        return max(0, self.source_end - (self.mirrored or 0))


@dataclass(frozen=True)
class GroupFacts:
    """One moving group on one partition: its committed offsets on ``from`` and ``to``
    (the translated one) and the target partition's end offset."""

    group: str
    topic: str
    partition: int
    committed: int | None
    translated: int | None
    target_end: int


@dataclass(frozen=True)
class Observed:
    """Connect states of the mirror's two connectors and the Kafka facts."""

    mirror_state: str
    checkpoint_state: str
    partitions: tuple[PartitionFacts, ...]
    groups: tuple[GroupFacts, ...]


@dataclass(frozen=True)
class Finding:
    """One check: what it looked at and, when it failed, why."""

    check: str
    subject: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Gate:
    """The verdict on entering ``phase``: ok when every finding is."""

    cutover: str
    phase: CutoverPhase
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return all(finding.ok for finding in self.findings)

    @property
    def reasons(self) -> list[str]:
        """Each failed finding as ``<check> <subject>: <detail>``."""
        return [f"{f.check} {f.subject}: {f.detail}" for f in self.findings if not f.ok]


def gate(
    cutover: str, phase: CutoverPhase, observed: Observed, max_lag: int = DEFAULT_MAX_LAG
) -> Gate:
    """Whether ``cutover`` may enter ``phase`` given ``observed``."""
    findings: list[Finding] = []
    step = phase_index(phase)
    if step in (1, 2):
        findings += _running(observed)
        findings += [_lag(p, max_lag) for p in observed.partitions]
        findings += [_translated(g) for g in observed.groups]
    elif step == 3:
        findings += [_drained(p) for p in observed.partitions]
        findings += [_parity(p) for p in observed.partitions]
    if step and not observed.partitions:
        findings.append(Finding("mirror", "topics", False, "no mirrored partition found"))
    return Gate(cutover, phase, tuple(findings))


def _running(observed: Observed) -> list[Finding]:
    return [
        Finding(
            "mirror",
            name,
            state == "RUNNING",
            "RUNNING" if state == "RUNNING" else f"is {state}, not RUNNING",
        )
        for name, state in (
            ("source connector", observed.mirror_state),
            ("checkpoint connector", observed.checkpoint_state),
        )
    ]


def _where(p: PartitionFacts | GroupFacts) -> str:
    return f"{p.topic}[{p.partition}]"


def _lag(p: PartitionFacts, max_lag: int) -> Finding:
    detail = f"{p.lag} record(s) behind (at most {max_lag})"
    return Finding("mirror lag", _where(p), p.lag <= max_lag, detail)


def _translated(g: GroupFacts) -> Finding:
    subject = f"{g.group} {_where(g)}"
    if g.committed is None:
        return Finding("translated offset", subject, True, "nothing committed on the old cluster")
    if g.committed == 0 and g.translated is None:
        # nothing read there yet: MirrorMaker has no offset sync to translate (it emits one
        # per copied record), and the group starts at the target's beginning, losing nothing
        detail = "committed 0 on the old cluster: nothing read, starts at the beginning"
        return Finding("translated offset", subject, True, detail)
    if g.translated is None:
        detail = f"committed {g.committed} on the old cluster, no translated offset yet"
        return Finding("translated offset", subject, False, detail)
    if g.translated > g.target_end:
        detail = f"{g.translated} is ahead of the target's log end {g.target_end}"
        return Finding("translated offset", subject, False, detail)
    detail = f"{g.translated} (old cluster: {g.committed}, target end {g.target_end})"
    return Finding("translated offset", subject, True, detail)


def _drained(p: PartitionFacts) -> Finding:
    if p.lag == 0:
        return Finding("old topic", _where(p), True, f"fully copied ({p.source_end} records)")
    detail = (
        f"{p.lag} record(s) not copied: written since the producer move, or the mirror "
        "has not drained it"
    )
    return Finding("old topic", _where(p), False, detail)


def _parity(p: PartitionFacts) -> Finding:
    ok = p.target_end >= p.source_end
    detail = f"target end {p.target_end}, old end {p.source_end}"
    return Finding("end-offset parity", _where(p), ok, detail)
