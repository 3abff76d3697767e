"""What one preview or up did, read from the engine's structured events (``on_event``).

``EngineRun.on_event`` collects the resource steps, the policy pack's findings, the
engine's error diagnostics, the change summary and whether the stack's outputs change;
``document()`` is the JSON of it, the same for the table report, ``--format json`` and the
CI script. A missing provider plugin (this machine builds only the kafka provider) gets one
hint naming it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pulumi.automation import EngineEvent

MISSING_PLUGIN = re.compile(r"no resource plugin '(?:pulumi-resource-)?([\w.-]+)'")
QUIET_OPS = {"same", "read"}
STACK_TYPE = "pulumi:pulumi:Stack"


def _condensed(message: str) -> str:
    """An error message; of a Python traceback, only its last line (the exception)."""
    text = message.strip()
    return text.splitlines()[-1] if "Traceback (most recent call last)" in text else text


@dataclass(frozen=True)
class Step:
    """One resource the operation touches: ``op`` is Pulumi's (create, update, delete…)."""

    op: str
    urn: str
    type: str
    diffs: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The resource's name, the last part of its URN."""
        return self.urn.rsplit("::", 1)[-1]


@dataclass(frozen=True)
class PolicyFinding:
    """One policy pack violation: rule id, ``mandatory`` or ``advisory``, message, URN."""

    policy: str
    level: str
    message: str
    urn: str | None


@dataclass
class EngineRun:
    """The events of one engine operation; ``progress`` hears about each step."""

    progress: Callable[[str], None] | None = None
    steps: list[Step] = field(default_factory=list)
    policy: list[PolicyFinding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    changes: dict[str, int] = field(default_factory=dict)
    policy_packs: dict[str, str] = field(default_factory=dict)
    finished: bool = False
    outputs_changed: bool = True  # until the stack's outputs event says they are the same

    def on_event(self, event: EngineEvent) -> None:
        """The Automation API's callback: record what ``event`` says."""
        if event.resource_pre_event is not None:
            meta = event.resource_pre_event.metadata
            op = str(getattr(meta.op, "value", meta.op))
            if op not in QUIET_OPS:
                step = Step(op, meta.urn, meta.type, tuple(meta.diffs or ()))
                self.steps.append(step)
                self._tell(f"{op} {step.type} {step.name}")
        elif event.res_outputs_event is not None:
            meta = event.res_outputs_event.metadata
            if meta.type == STACK_TYPE:
                old, new = meta.old, meta.new
                self.outputs_changed = not (old and new and old.outputs == new.outputs)
        elif event.policy_event is not None:
            policy = event.policy_event
            self.policy.append(
                PolicyFinding(
                    policy.policy_name,
                    policy.enforcement_level,
                    " ".join(policy.message.split()),
                    policy.resource_urn,
                )
            )
        elif event.diagnostic_event is not None:
            diagnostic = event.diagnostic_event
            if diagnostic.severity == "error" and diagnostic.message.strip():
                self.errors.append(_condensed(diagnostic.message))
        elif event.summary_event is not None:
            summary = event.summary_event
            self.changes = {str(k): int(v) for k, v in summary.resource_changes.items()}
            # the engine names a local pack "<name>|local|<dir>"
            self.policy_packs = {k.split("|", 1)[0]: v for k, v in summary.policy_packs.items()}
            self.finished = True

    def _tell(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)

    @property
    def violations(self) -> list[PolicyFinding]:
        """The mandatory findings: any of them fails the operation."""
        return [f for f in self.policy if f.level == "mandatory"]

    @property
    def pending(self) -> int:
        """How many resources the operation changes (everything but ``same``)."""
        return sum(n for op, n in self.changes.items() if op not in QUIET_OPS)

    def hints(self) -> list[str]:
        """Advice for errors bulkheads recognizes: provider plugins not built here."""
        missing = sorted({m for error in self.errors for m in MISSING_PLUGIN.findall(error)})
        return [
            f"the {name} provider plugin is not installed: bulkheads builds only the kafka "
            "provider from the Go module proxy (see TOOLCHAIN.md); run this stack's preview "
            "where the plugin can be installed (its CI job)"
            for name in missing
        ]

    def document(self) -> dict[str, Any]:
        """Everything recorded, as plain JSON values."""
        return {
            "changes": dict(sorted(self.changes.items())),
            "steps": [
                {"op": s.op, "type": s.type, "name": s.name, "urn": s.urn, "diffs": list(s.diffs)}
                for s in self.steps
            ],
            "policy": {
                "packs": dict(sorted(self.policy_packs.items())),
                "violations": [
                    {"policy": f.policy, "level": f.level, "message": f.message, "urn": f.urn}
                    for f in self.policy
                ],
            },
            "errors": self.errors,
            "hints": self.hints(),
        }
