"""The four failure scenarios on the real local platform, run twice: with the scenario
estate's boundaries and with its no-isolation baseline (``bulkheads.isolation``).

Each run has its own Kafka node and workers on free ports in a temporary dir, runs the
four scenarios in turn and stops everything it started; the isolated run finishes before
the baseline run starts. The tests assert the isolated run's bounds and print both runs'
figures (``bench/isolation.py`` prints the same table). Bounds, chosen to hold on a
loaded 2-core machine:

- sink outage: the live source keeps at least 80% of its no-fault delivery rate, and its
  p99 freshness stays under 5 s, while the sink really fails;
- backfill: live throughput within 20% of its no-fault figure while the replay copies at
  most what its quota admits over the run (its rate plus a burst of one quota window),
  with 20% slack;
- crashing connector: zero rebalances of the live group and zero live task restarts;
- wrong-team write: zero foreign records landed.

The baseline's figures are printed, never asserted: they are what isolation exists to
change, measured.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bulkheads.isolation.report import table
from bulkheads.isolation.run import Results, run_both
from bulkheads.isolation.scenarios import Outcome

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int]) -> Results:
    found = run_both(Path(tmp_path_factory.mktemp("isolation")), free_port)
    print("\n" + table(found))
    return found


def _figures(results: Results, scenario: str) -> tuple[dict[str, float], str]:
    """The isolated run's figures, and both runs' figures as text for the report."""
    isolated, baseline = results["isolated"][scenario], results["baseline"][scenario]
    if isinstance(isolated, BaseException):
        raise isolated
    shown = f"{scenario}: isolated {isolated.figures}; baseline " + (
        repr(baseline) if isinstance(baseline, BaseException) else str(baseline.figures)
    )
    print("\n" + shown)
    assert isinstance(isolated, Outcome)
    return isolated.figures, shown


def test_sink_outage_leaves_the_live_source_delivering_fresh(results: Results) -> None:
    figures, shown = _figures(results, "sink-outage")
    assert figures["sink_failures"] >= 1, f"the sink never failed: {shown}"
    assert figures["rate_before"] > 0, shown
    assert figures["rate_during"] >= 0.8 * figures["rate_before"], shown
    assert figures["fresh_during"] < 5.0, shown


def test_backfill_leaves_live_throughput_within_20_percent(results: Results) -> None:
    figures, shown = _figures(results, "backfill")
    assert figures["live_failed"] == 0, shown
    assert figures["throughput_during"] >= 0.8 * figures["throughput_before"], shown
    assert 0 < figures["replay_kib_s"] <= figures["replay_admitted_kib_s"] * 1.2, shown


def test_crashing_connector_never_rebalances_the_live_pool(results: Results) -> None:
    figures, shown = _figures(results, "crashing-connector")
    assert figures["crashes"] >= 3, f"the connector did not crash: {shown}"
    assert figures["live_rebalances"] == 0, shown
    assert figures["live_task_restarts"] == 0, shown


def test_wrong_team_write_lands_nothing(results: Results) -> None:
    figures, shown = _figures(results, "wrong-team-write")
    assert figures["attempted"] > 0
    assert figures["landed"] == 0, shown
