"""The Connect REST client against a scripted HTTP server on 127.0.0.1: JSON in and out,
the worker's own error message, rebalances retried, other conflicts and dead workers not."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bulkheads.connect import rest


class Worker(ThreadingHTTPServer):
    """Answers each request with the next scripted (status, body); records requests."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.answers: list[tuple[int, Any]] = []
        self.seen: list[tuple[str, str, Any]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Worker

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        self.server.seen.append((self.command, self.path, body))
        status, answer = self.server.answers.pop(0)
        raw = b"" if answer is None else json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_PUT = do_POST = do_DELETE = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[Worker]:
    monkeypatch.setattr(rest.call.retry, "wait", lambda _state: 0)  # type: ignore[attr-defined]
    server = Worker()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_json_goes_out_and_comes_back(worker: Worker) -> None:
    worker.answers = [(201, {"name": "c"}), (204, None)]
    assert rest.call(worker.url, "POST", "/connectors", {"name": "c"}) == {"name": "c"}
    assert rest.call(worker.url, "PUT", "/connectors/c/pause") is None
    assert worker.seen == [
        ("POST", "/connectors", {"name": "c"}),
        ("PUT", "/connectors/c/pause", None),
    ]


def test_a_rebalance_is_asked_again(worker: Worker) -> None:
    busy = {
        "error_code": 409,
        "message": "Cannot complete request momentarily due to stalled or ongoing rebalance",
    }
    worker.answers = [(409, busy), (409, busy), (200, ["c"])]
    assert rest.list_connectors(worker.url) == ["c"]
    assert len(worker.seen) == 3


def test_other_conflicts_fail_at_once_with_the_workers_message(worker: Worker) -> None:
    worker.answers = [(409, {"error_code": 409, "message": "Connector c already exists"})]
    with pytest.raises(rest.ConnectRestError) as error:
        rest.create_connector(worker.url, "c", {}, "running")
    assert error.value.status == 409
    assert str(error.value) == f"POST {worker.url}/connectors -> 409: Connector c already exists"
    assert len(worker.seen) == 1


def test_a_missing_connector_reads_as_none(worker: Worker) -> None:
    worker.answers = [(404, {"error_code": 404, "message": "Connector c not found"})]
    assert rest.get_status(worker.url, "c") is None


def test_a_dead_worker_is_unreachable() -> None:
    with pytest.raises(rest.ConnectRestError) as error:
        rest.list_connectors("http://127.0.0.1:9")
    assert error.value.status == 0 and "worker unreachable" in str(error.value)
