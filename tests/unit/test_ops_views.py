"""The operations views that need no platform: diagram, runbook, status rendering."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest

from bulkheads.cli import main
from bulkheads.ops import diagram
from bulkheads.ops.commands import CLEAR_SCREEN
from bulkheads.ops.endpoints import EndpointError, Endpoints, parse_assignments
from bulkheads.ops.lag import Lag, Progress, mirror_positions
from bulkheads.ops.status import PipelineStatus, breaches, render
from bulkheads.spec.loader import load_platform

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ROOT / "stacks" / "Pulumi.local.yaml"


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_the_readme_diagram_is_the_local_stacks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagram", "local"]) == 0
    assert capsys.readouterr().out == (ROOT / "docs" / "local-stack.mmd").read_text()


def test_mirrors_are_the_only_arrows_between_clusters() -> None:
    shape = diagram.topology(load_platform(ROOT / "stacks" / "Pulumi.prod.yaml"))
    home = {node.id: box.id for box in shape.clusters for node in box.topics}
    home |= {n.id: box.id for box in shape.clusters for pool in box.pools for n in pool.pipelines}
    crossing = [edge for edge in shape.edges if home[edge.source] != home[edge.target]]
    assert crossing and all(edge.mirror for edge in crossing)
    assert all(home[e.source] == home[e.target] for e in shape.edges if not e.mirror)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (Debian: graphviz)")
def test_the_local_stack_renders_to_svg(tmp_path: Path) -> None:
    out = tmp_path / "local.svg"
    assert main(["diagram", "local", "--format", "svg", "-o", str(out)]) == 0
    svg = html.unescape(out.read_text())
    assert svg.lstrip().startswith("<?xml") and "</svg>" in svg
    for label in (
        "cluster local: kafka, shared, serves live/derived/replay",
        "pool live-ingest [live] owner orders",
        "orders-archive (sink)",
        "raw.orders.events",
    ):
        assert label in svg, label


def test_a_runbook_names_who_is_paged_and_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runbook", "prod", "orders-search-index"]) == 0
    text = capsys.readouterr().out
    for expected in (
        "# Runbook: orders-search-index",
        "| on-call | pagerduty:search |",
        "| pool | search-sinks (owner search, "
        "http://search-sinks-connect-api.connect-search-sinks.svc:8083) |",
        "| cluster | delivery (kafka, shared) |",
        "| principal | pipeline.orders-search-index |",
        "| reads | raw.orders.orders |",
        "| dead letters | dlq.orders-search-index |",
        "| BulkheadsConsumerLag | 5m | 1m | page | pagerduty:search |",
        "bulkheads connector pause prod orders-search-index",
        "bulkheads connector restart prod orders-search-index --task 0",
        "git log --oneline -- stacks/Pulumi.prod.yaml",
        "bulkheads up --stack prod --refresh --yes",
    ):
        assert expected in text, expected


def test_a_replay_runbook_reruns_it_and_its_consumers_point_to_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["runbook", "orders-rebuild"]) == 0  # one word, not a stack: a local pipeline
    assert "bulkheads replay rerun orders-rebuild" in capsys.readouterr().out
    assert main(["runbook", "local", "orders-rebuilt-export"]) == 0
    assert "bulkheads replay rerun orders-rebuild" in capsys.readouterr().out


def test_every_pipeline_gets_a_runbook(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runbook", "prod"]) == 0
    pages = capsys.readouterr().out.count("# Runbook: ")
    assert pages == len(load_platform(ROOT / "stacks" / "Pulumi.prod.yaml").pipelines)


def test_an_unknown_pipeline_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runbook", "local", "orders-archiv"]) == 2
    assert "no pipeline 'orders-archiv'" in capsys.readouterr().err
    assert main(["connector", "pause", "local", "nope"]) == 2


def status_row(**changes: object) -> PipelineStatus:
    row = PipelineStatus(
        pipeline="orders-archive", kind="sink", workload_class="derived", pool="derived-sinks",
        cluster="local", owner="analytics", oncall="pagerduty:analytics",
        connector_state="RUNNING", tasks={"0": "FAILED"},
        error="org.apache.kafka.connect.errors.ConnectException: Couldn't find or create file",
        failed_tasks=1, failed_tasks_threshold=1, lag=Lag(records=42, seconds=20.0),
        lag_threshold_ms=5_000, freshness_target_ms=900_000, progress=None,
    )  # fmt: skip
    values = {**row.__dict__, **changes}
    return PipelineStatus(**values)  # type: ignore[arg-type]


def test_breaches_compare_with_the_alert_thresholds() -> None:
    assert breaches(status_row()) == ["1 failed task(s) >= 1", "lag 20s > 5s"]
    assert breaches(status_row(lag=Lag(0, 0.0), tasks={"0": "RUNNING"}, failed_tasks=0)) == []
    late = breaches(status_row(lag=Lag(10, 1000.0), failed_tasks_threshold=0))
    assert late == ["lag 16m40s > 5s", "freshness target 15m missed"]
    assert breaches(status_row(connector_state="UNREACHABLE", failed_tasks=0, lag=None)) == [
        "connector UNREACHABLE"
    ]


def test_the_status_table_marks_breaches_and_names_the_oncall() -> None:
    row = status_row()
    row.breaches.extend(breaches(row))
    table = render([row]).splitlines()
    assert (
        table[0] == "orders-archive  sink  [derived]  pool derived-sinks on local  — 2 breach(es)"
    )
    assert "  tasks      0:FAILED (alert at 1 failed)  <- BREACH" in table
    assert "  lag        42 records, 20s (alert > 5s)  <- BREACH" in table
    assert "  on-call    pagerduty:analytics (owner analytics)" in table
    source = status_row(lag=None, lag_threshold_ms=None, progress=Progress(7, 3.0), error=None)
    assert "  progress   7 records written, newest 3s ago" in render([source]).splitlines()


def test_mirrormaker_offsets_are_the_next_offsets_to_copy() -> None:
    answer = [
        {"partition": {"cluster": "local-replay", "topic": "raw.a.b", "partition": 1},
         "offset": {"offset": 41}},
        {"partition": {"something": "else"}, "offset": {"position": 3}},
    ]  # fmt: skip
    assert mirror_positions(answer) == {("raw.a.b", 1): 42}


def test_endpoints_reach_kubernetes_pools_and_named_clusters(tmp_path: Path) -> None:
    prod = load_platform(ROOT / "stacks" / "Pulumi.prod.yaml")
    login = tmp_path / "delivery.properties"
    login.write_text(
        "# admin of delivery\nbootstrap.servers=b-1:9096\nsasl.mechanism=SCRAM-SHA-512\n"
    )
    endpoints = Endpoints(
        prod,
        connect_urls=parse_assignments(["search-sinks=http://127.0.0.1:8083"], "--connect-url"),
        client_configs={"delivery": login},
    )
    assert endpoints.rest_url("search-sinks") == "http://127.0.0.1:8083"
    assert (
        endpoints.rest_url("lake-sinks")
        == "http://lake-sinks-connect-api.connect-lake-sinks.svc:8083"
    )
    assert endpoints.admin_config("delivery") == {
        "bootstrap.servers": "b-1:9096",
        "sasl.mechanism": "SCRAM-SHA-512",
    }
    with pytest.raises(EndpointError, match="pass --client-config lake=FILE"):
        endpoints.admin_config("lake")
    with pytest.raises(ValueError, match="write --connect-url as NAME=VALUE"):
        parse_assignments(["search-sinks"], "--connect-url")


def test_status_watch_redraws_each_refresh_and_exits_as_the_last(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three refreshes of a sink recovering: each is a fresh table after a clear-screen,
    ``--interval`` apart, and the exit code is the last one's."""
    failing = status_row()
    failing.breaches.extend(breaches(failing))
    catching_up = status_row(tasks={"0": "RUNNING"}, failed_tasks=0, error=None)
    catching_up.breaches.extend(breaches(catching_up))
    healthy = status_row(tasks={"0": "RUNNING"}, failed_tasks=0, error=None, lag=Lag(0, 0.0))
    frames = iter([[failing], [catching_up], [healthy]])
    monkeypatch.setattr("bulkheads.ops.status.collect", lambda spec, endpoints: next(frames))
    slept: list[float] = []
    monkeypatch.setattr("bulkheads.ops.commands.time.sleep", slept.append)

    code = main(["status", "local", "--watch", "--interval", "0.25", "--count", "3"])
    drawn = capsys.readouterr().out.split(CLEAR_SCREEN)
    assert (code, drawn[0], slept) == (0, "", [0.25, 0.25])
    assert [frame.splitlines()[0].rsplit("—", 1)[1] for frame in drawn[1:]] == [
        " 2 breach(es)",
        " 1 breach(es)",
        " ok",
    ]
    assert "0:FAILED" in drawn[1] and "0:RUNNING" in drawn[3] and "0:FAILED" not in drawn[3]

    frames = iter([[healthy], [failing]])
    assert main(["status", "local", "--watch", "--interval", "0", "--count", "2"]) == 1
    assert main(["status", "local", "--count", "2"]) == 2  # --count needs --watch
