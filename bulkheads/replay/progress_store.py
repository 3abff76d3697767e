"""Where the local scheduler keeps each replay's progress between ticks: one JSON file per
stack, ``<state dir>/replay/<stack>.json`` (``BULKHEADS_STATE_DIR``, default
``.state/local``), written atomically so a tick killed midway leaves the last good one.

A record per replay: its ``phase`` (``waiting`` for its first window, ``running``,
``outside-window`` after it started, ``done``, ``stopped`` by an operator, ``held`` by the
stack's declared state), when it started and finished, its start and end positions, the
last positions seen and the measured rate (records/s).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bulkheads.local.paths import default_state_dir
from bulkheads.plan.replay import TopicPartition


def _key(tp: TopicPartition) -> str:
    return f"{tp[0]}:{tp[1]}"


def _tp(key: str) -> TopicPartition:
    topic, partition = key.rsplit(":", 1)
    return topic, int(partition)


@dataclass
class ReplayRecord:
    """The scheduler's memory of one replay (positions are next offsets to read)."""

    phase: str = "waiting"
    started_at: str | None = None
    done_at: str | None = None
    last_tick: str | None = None
    starts: dict[TopicPartition, int] = field(default_factory=dict)
    ends: dict[TopicPartition, int] = field(default_factory=dict)
    positions: dict[TopicPartition, int] = field(default_factory=dict)
    records_per_second: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("starts", "ends", "positions"):
            data[key] = {_key(tp): offset for tp, offset in getattr(self, key).items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReplayRecord:
        record = cls(**{k: v for k, v in data.items() if k not in ("starts", "ends", "positions")})
        for key in ("starts", "ends", "positions"):
            setattr(record, key, {_tp(k): int(v) for k, v in data.get(key, {}).items()})
        return record


class ProgressStore:
    """The replay records of one stack, loaded from and saved to its file."""

    def __init__(self, stack: str, state_dir: Path | None = None) -> None:
        self.path = (state_dir or default_state_dir()) / "replay" / f"{stack}.json"

    def load(self) -> dict[str, ReplayRecord]:
        if not self.path.is_file():
            return {}
        data = json.loads(self.path.read_text())
        return {name: ReplayRecord.from_json(record) for name, record in data.items()}

    def save(self, records: dict[str, ReplayRecord]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        text = json.dumps({n: r.to_json() for n, r in sorted(records.items())}, indent=2)
        temporary.write_text(text + "\n")
        os.replace(temporary, self.path)
