"""The throttle column of ``bulkheads status``: the brokers' metrics parsed, read over HTTP
(real servers on 127.0.0.1), and correlated with each pipeline's principal and clusters."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bulkheads.local.ports import free_port
from bulkheads.ops import status
from bulkheads.ops.endpoints import EndpointError, Endpoints
from bulkheads.ops.throttle import MetricsUnreachable, parse_throttles, read_throttles
from bulkheads.spec.loader import load_platform

ROOT = Path(__file__).resolve().parents[2]

EXPOSITION = """\
# HELP kafka_server_quota_throttle_time Attribute exposed for management
# TYPE kafka_server_quota_throttle_time gauge
kafka_server_quota_throttle_time{resource="Fetch",user="pipeline.orders-rebuild",} 512.25
kafka_server_quota_throttle_time{resource="Produce",user="pipeline.orders-rebuild",} NaN
kafka_server_quota_throttle_time{resource="Request",user="pipeline.orders-rebuild",} NaN
kafka_server_quota_throttle_time{client_id="a",resource="Produce",user="pipeline.orders-events",} 3
kafka_server_quota_throttle_time{client_id="b",resource="Produce",user="pipeline.orders-events",} 7
kafka_server_quota_throttle_time{resource="Fetch",user="User%3Aodd",} 1.0
kafka_server_quota_throttle_time{resource="Fetch",} 99
kafka_server_brokertopicmetrics_bytesin_total 1.0E7
jvm_threads_current 80.0
"""


def test_the_exposition_gives_each_users_throttle_per_quota() -> None:
    assert parse_throttles(EXPOSITION) == {
        "pipeline.orders-rebuild": {"fetch": 512.25, "produce": 0.0, "request": 0.0},
        "pipeline.orders-events": {"produce": 7.0},  # the highest of its client ids
        "User:odd": {"fetch": 1.0},  # Kafka URL-encodes the user in the MBean name
    }
    assert parse_throttles("jvm_threads_current 80.0\n") == {}


@pytest.fixture
def serve() -> Iterator[Callable[[str], str]]:
    """Starts a ``/metrics`` server on 127.0.0.1 answering with a text; returns its URL."""
    servers: list[http.server.HTTPServer] = []

    def start(text: str) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = text.encode()
                self.send_response(200 if self.path == "/metrics" else 404)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        server = http.server.HTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/metrics"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _line(user: str, resource: str, value: float) -> str:
    return f'kafka_server_quota_throttle_time{{resource="{resource}",user="{user}",}} {value}\n'


def test_brokers_are_read_over_http_and_the_highest_wins(serve: Callable[[str], str]) -> None:
    first = serve(_line("pipeline.a", "Fetch", 10) + _line("pipeline.b", "Produce", 4))
    second = serve(_line("pipeline.a", "Fetch", 30))
    assert read_throttles([first, second]) == {
        "pipeline.a": {"fetch": 30.0},
        "pipeline.b": {"produce": 4.0},
    }
    closed = f"http://127.0.0.1:{free_port()}/metrics"
    with pytest.raises(MetricsUnreachable, match=f"{closed}: .*refused"):
        read_throttles([first, closed])


def test_a_mirror_is_throttled_fetching_from_its_source_producing_to_its_target(
    serve: Callable[[str], str],
) -> None:
    prod = load_platform(ROOT / "stacks" / "Pulumi.prod.yaml")
    user = "pipeline.orders-mirror"
    ingest = serve(_line(user, "Fetch", 120) + _line(user, "Produce", 999))
    delivery = serve(_line(user, "Produce", 40) + _line(user, "Fetch", 999))
    endpoints = Endpoints(
        prod, metrics_urls_by_cluster={"ingest": (ingest,), "delivery": (delivery,)}
    )
    throttle = status._throttle(prod, endpoints, "orders-mirror", {})
    assert (throttle.produce_ms, throttle.fetch_ms) == (40.0, 120.0)


def test_strimzi_brokers_are_scraped_in_cluster_and_msk_needs_a_url() -> None:
    prod = load_platform(ROOT / "stacks" / "Pulumi.prod.yaml")
    endpoints = Endpoints(prod)
    urls = endpoints.metrics_urls("ingest")
    assert urls[0] == "http://ingest-nodes-0.ingest-kafka-brokers.kafka-ingest.svc:9404/metrics"
    assert len(urls) == prod.clusters["ingest"].deploy.brokers
    with pytest.raises(EndpointError, match="pass --metrics-url delivery=URL"):
        endpoints.metrics_urls("delivery")


def _local_endpoints(metrics: str) -> Endpoints:
    spec = load_platform(ROOT / "stacks" / "Pulumi.local.yaml")
    closed = f"http://127.0.0.1:{free_port()}"  # no Connect: the rows say so, that is all
    return Endpoints(
        spec,
        connect_urls=dict.fromkeys(spec.pools, closed),
        metrics_urls_by_cluster={"local": (metrics,)},
    )


def test_status_shows_the_throttled_replay_and_warns_without_a_breach(
    serve: Callable[[str], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BULKHEADS_STATE_DIR", str(tmp_path))  # no local cluster: no Kafka
    endpoints = _local_endpoints(serve(EXPOSITION))
    rows = {row.pipeline: row for row in status.collect(endpoints.spec, endpoints)}
    replay = rows["orders-rebuild"]
    assert replay.throttle is not None and replay.throttle.fetch_ms == 512.25
    assert replay.warnings == ["fetch throttled 512 ms by its 512KiB/s quota"]
    assert not any("throttle" in breach for breach in replay.breaches)
    archive = rows["orders-archive"].throttle
    assert archive is not None and not archive.throttled
    assert rows["orders-events"].throttle.produce_ms == 7.0  # type: ignore[union-attr]
    assert replay.as_json()["throttle"] == {"produce_ms": 0.0, "fetch_ms": 512.25,
                                            "request_ms": 0.0}  # fmt: skip
    table = status.render([replay]).splitlines()
    assert (
        "  throttle   produce 0 ms, fetch 512 ms (principal pipeline.orders-rebuild; "
        "quotas 1MiB/s, 512KiB/s)  <- WARN"
    ) in table


def test_unreachable_metrics_are_said_in_the_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BULKHEADS_STATE_DIR", str(tmp_path))
    closed = f"http://127.0.0.1:{free_port()}/metrics"
    endpoints = _local_endpoints(closed)
    row = status.collect(endpoints.spec, endpoints)[0]
    assert row.throttle is None and row.warnings == []
    assert row.throttle_problem and row.throttle_problem.startswith("metrics unreachable: ")
    assert f"  throttle   unknown: metrics unreachable: {closed}" in status.render([row])
    recorded = Endpoints(endpoints.spec)  # the local default: the broker's recorded port
    with pytest.raises(EndpointError, match="records no metrics port"):
        recorded.metrics_urls("local")
