"""The principals' passwords, for the probes: read from the stack's Pulumi state.

Each password is a secret of a ``GeneratedPassword`` and of its SCRAM credential; the
state is exported with ``--show-secrets`` into memory only, never printed or written.
"""

from __future__ import annotations

import json
from typing import Any

SCRAM_CREDENTIAL = "kafka:index/userScramCredential:UserScramCredential"


def stack_passwords(stack: str) -> dict[str, str]:
    """Every Kafka SCRAM user's password in ``stack``'s state (raises ``EngineError``)."""
    from bulkheads.engine import Engine

    exported = Engine.ensure().run(
        "stack", "export", "--show-secrets", "--stack", stack, capture=True
    )
    return passwords_in_state(json.loads(exported.stdout))


def passwords_in_state(state: dict[str, Any]) -> dict[str, str]:
    """``{username: password}`` of every SCRAM credential in an exported deployment."""
    return {
        r["inputs"]["username"]: _plaintext(r["inputs"]["password"])
        for r in state["deployment"].get("resources", [])
        if r["type"] == SCRAM_CREDENTIAL
    }


def _plaintext(value: Any) -> str:
    """A secret from ``stack export --show-secrets``: a string, or its secret envelope."""
    if isinstance(value, dict) and "plaintext" in value:
        return str(json.loads(value["plaintext"]))
    return str(value)
