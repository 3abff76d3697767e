"""``bulkheads connector restart-failed``: against a stand-in Connect REST API on
127.0.0.1, only connectors with a failed part are restarted, with includeTasks and
onlyFailed; a worker that does not answer is reported, not skipped."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from bulkheads.connect.restart_failed import restart_failed
from bulkheads.plan.platform import LocalPoolRuntime, PlatformPlan, plan_platform
from bulkheads.spec.loader import platform_from_mapping
from tests.plan.specs import LOCAL_SPEC

FAILED_TASK = {
    "connector": {"state": "RUNNING"},
    "tasks": [{"id": 0, "state": "FAILED", "trace": "boom"}],
}
HEALTHY = {"connector": {"state": "RUNNING"}, "tasks": [{"id": 0, "state": "RUNNING"}]}


class FakeConnect(BaseHTTPRequestHandler):
    statuses: ClassVar[dict[str, dict[str, object]]] = {}
    posts: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        name = self.path.split("/")[2]
        status = self.statuses.get(name)
        self.send_response(200 if status else 404)
        self.end_headers()
        self.wfile.write(json.dumps(status or {"message": "not found"}).encode())

    def do_POST(self) -> None:
        self.posts.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def connect() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeConnect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def plan_on(port: int, unreachable_pool: str | None = None) -> PlatformPlan:
    plan = plan_platform(platform_from_mapping(LOCAL_SPEC), Path("/project"))
    pools = tuple(
        replace(
            pool,
            runtime=LocalPoolRuntime(rest_port=1 if pool.worker.pool == unreachable_pool else port),
        )
        for pool in plan.pools
    )
    return replace(plan, pools=pools)


def test_only_failed_connectors_are_restarted(connect: int) -> None:
    plan = plan_on(connect)
    names = [c.connector for c in plan.connectors]
    failed, healthy = names[0], names[1]
    FakeConnect.statuses = {failed: FAILED_TASK, healthy: HEALTHY}
    FakeConnect.posts = []
    rows = {row["connector"]: row["outcome"] for row in restart_failed(plan)}
    assert rows[failed] == "restarted" and rows[healthy] == "healthy"
    assert FakeConnect.posts == [f"/connectors/{failed}/restart?includeTasks=true&onlyFailed=true"]


def test_a_worker_that_does_not_answer_is_reported(connect: int) -> None:
    plan = plan_on(connect, unreachable_pool="replay")
    FakeConnect.statuses, FakeConnect.posts = {}, []
    rows = {row["pool"]: row["outcome"] for row in restart_failed(plan)}
    assert rows["replay"].startswith("unreachable: ")
    assert rows["live-ingest"] == "healthy"  # absent connectors have nothing to restart
