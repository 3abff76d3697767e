"""Live signals read what a pool's workers answer; a pool that does not answer is offline.

A stand-in Connect REST API on 127.0.0.1 (a thread, stopped after each test) answers for
pool ``ingest``; pool ``sinks`` points at a closed port.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from bulkheads.plan.platform import plan_platform
from bulkheads.readiness.facts import Facts
from bulkheads.readiness.live import gather, installed, task_health
from bulkheads.readiness.scorecard import score
from bulkheads.spec.loader import platform_from_mapping

SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
RUNNING = {"connector": {"state": "RUNNING"}, "tasks": [{"id": 0, "state": "RUNNING"}]}


class FakeConnect(BaseHTTPRequestHandler):
    answers: ClassVar[dict[str, Any]] = {}

    def do_GET(self) -> None:
        body = json.dumps(self.answers[self.path]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def worker() -> Iterator[tuple[int, dict[str, Any]]]:
    answers: ClassVar[dict[str, Any]] = {}
    handler = type("Handler", (FakeConnect,), {"answers": answers})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], answers
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def facts(port: int) -> Facts:
    local = {"kind": "local"}
    spec = platform_from_mapping(
        {
            "environment": "local",
            "owners": {"orders": {"contact": "#orders", "oncall": "pagerduty:orders"}},
            "classes": {
                name: {"replication_factor": 1, "min_insync_replicas": 1}
                for name in ("live", "derived", "replay")
            },
            "network": local,
            "clusters": {
                "local": {
                    "engine": "kafka",
                    "tenancy": "shared",
                    "serves": ["live", "derived"],
                    "owner": "orders",
                    "deploy": {"kind": "local", "bootstrap": "127.0.0.1:19092"},
                }
            },
            "pools": {
                "ingest": {
                    "cluster": "local",
                    "class": "live",
                    "owner": "orders",
                    "runtime": {**local, "rest_port": port},
                },
                "sinks": {
                    "cluster": "local",
                    "class": "derived",
                    "owner": "orders",
                    "runtime": {**local, "rest_port": closed_port()},
                },
            },
            "pipelines": {
                "orders-events": {
                    "kind": "source",
                    "owner": "orders",
                    "pool": "ingest",
                    "connector": {"class": SOURCE, "config": {"topic": "raw.orders.events"}},
                    "writes": ["raw.orders.events"],
                },
                "orders-archive": {
                    "kind": "sink",
                    "owner": "orders",
                    "pool": "sinks",
                    "connector": {"class": SINK},
                    "reads": ["raw.orders.events"],
                },
            },
        }
    )
    plan = plan_platform(spec, Path("."))
    return Facts(spec, plan, {}, gather(plan))


def serve(answers: dict[str, Any], plugins: list[str], status: dict[str, Any] | None) -> None:
    answers["/connector-plugins"] = [{"class": c, "version": "4.1.0"} for c in plugins]
    statuses = {} if status is None else {"orders-events": {"status": status}}
    answers["/connectors?expand=status"] = statuses


def test_a_pool_that_answers_is_live_one_that_does_not_is_offline(
    worker: tuple[int, dict[str, Any]],
) -> None:
    port, answers = worker
    serve(answers, [SOURCE, SINK], RUNNING)
    live = facts(port)
    assert list(live.live.pools) == ["ingest"]
    assert live.live.offline == {"sinks": "local workers not answering"}
    card = score("live", live)
    assert card.sources == (
        "read the spec, plan and stack config; live: pools ingest; "
        "offline: sinks (local workers not answering)"
    )
    [check] = installed(live)
    assert (check.status, check.detail) == ("green", f"{SOURCE} 4.1.0")
    [check] = task_health(live)
    assert (check.status, check.detail) == ("green", "running, 1 tasks")


def test_a_class_the_workers_lack_is_red(worker: tuple[int, dict[str, Any]]) -> None:
    port, answers = worker
    serve(answers, [SINK], RUNNING)
    [check] = installed(facts(port))
    assert check.status == "red"
    assert check.detail == f"{SOURCE} (pipeline orders-events) is not installed on the workers"


def test_task_health_yellow_when_absent_red_when_failed(
    worker: tuple[int, dict[str, Any]],
) -> None:
    port, answers = worker
    serve(answers, [SOURCE], None)
    assert [c.status for c in task_health(facts(port))] == ["yellow"]
    failed = {
        "connector": {"state": "RUNNING"},
        "tasks": [{"id": 0, "state": "FAILED", "trace": "NoSuchFileException: /in\n\tat x"}],
    }
    serve(answers, [SOURCE], failed)
    [check] = task_health(facts(port))
    assert (check.status, check.detail) == ("red", "failed: NoSuchFileException: /in")


def test_live_signals_are_offline_when_no_pool_answers() -> None:
    card = score("none", facts(closed_port()))
    signals = {s.name: s.status for area in card.areas for s in area.signals}
    assert signals["installed"] == signals["task-health"] == "offline"
