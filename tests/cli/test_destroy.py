"""``bulkheads destroy`` without the engine: what a state's teardown deletes and keeps, the
refusals before anything is deleted, and the reverse wave order of ``--all``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
from pulumi.automation import events

from bulkheads.cli_support import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError
from bulkheads.destroy_job import _destroy_one, run_destroy
from bulkheads.estate_job import Outcome, run_waves
from bulkheads.plan.partitions import NETWORK
from bulkheads.teardown import TOPIC_TYPE, teardown
from tests.cli.test_up_all import partitioned_prod, prod_estate

STACK = "urn:pulumi:dev::bulkheads::"


def resource(kind: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"urn": f"{STACK}{kind}::{name}", "type": kind, "custom": True, **extra}


DEPLOYMENT = {
    "resources": [
        {"urn": f"{STACK}pulumi:pulumi:Stack::bulkheads-dev", "type": "pulumi:pulumi:Stack"},
        resource("pulumi:providers:kafka", "kafka-dev"),
        resource("pulumi:pulumi:StackReference", "network", external=True),
        resource(TOPIC_TYPE, "live-topic", retainOnDelete=True, inputs={"name": "raw.orders"}),
        resource(TOPIC_TYPE, "derived-topic", inputs={"name": "curated.orders"}),
        resource(TOPIC_TYPE, "derived-topic", inputs={"name": "curated.orders"}, delete=True),
        resource("kafka:index/acl:Acl", "sink-read"),
    ]
}


def test_teardown_lists_what_goes_and_what_stays() -> None:
    plan = teardown(DEPLOYMENT)
    # components, providers, read-only references and old copies make no platform call
    assert [h.name for h in plan.deleted] == ["derived-topic", "sink-read"]
    assert [(h.name, h.topic) for h in plan.kept] == [("live-topic", "raw.orders")]
    assert plan.topics_with_data == ("curated.orders",)
    assert plan.protected == ()
    assert teardown({}).document() == {
        "delete": 0,
        "topics_with_data": [],
        "kept": [],
        "protected": [],
    }


class FakeStack:
    """An Automation API stack whose state is ``deployment``; ``destroy`` records the call
    and reports ``changes`` as the engine's summary would."""

    name = "dev"

    def __init__(self, deployment: dict[str, Any], changes: dict[str, int]) -> None:
        self.deployment, self.changes, self.destroyed = deployment, changes, False

    def export_stack(self) -> Any:
        return argparse.Namespace(deployment=self.deployment)

    def destroy(self, **options: Any) -> None:
        self.destroyed = True
        summary = events.SummaryEvent(False, 1, self.changes, {})  # type: ignore[arg-type]
        options["on_event"](events.EngineEvent(1, 0, summary_event=summary))


def args(**given: Any) -> argparse.Namespace:
    defaults = {"yes": True, "preview_only": False, "format": "json", "verbose": False}
    return argparse.Namespace(**{**defaults, **given})


def test_a_protected_resource_refuses_before_anything_is_deleted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ledger = resource(TOPIC_TYPE, "ledger", protect=True)
    guarded = {"resources": [*DEPLOYMENT["resources"], ledger]}
    stack = FakeStack(guarded, {"delete": 9})
    assert _destroy_one(args(format="table"), stack) == EXIT_FINDINGS  # type: ignore[arg-type]
    assert not stack.destroyed
    out = capsys.readouterr().out
    assert "refused: kafka:index/topic:Topic ledger is protected" in out
    assert f"`pulumi state unprotect '{STACK}{TOPIC_TYPE}::ledger'`" in out


def test_preview_only_deletes_nothing_and_yes_destroys(capsys: pytest.CaptureFixture[str]) -> None:
    stack = FakeStack(DEPLOYMENT, {"delete": 6})
    assert _destroy_one(args(preview_only=True), stack) == EXIT_OK  # type: ignore[arg-type]
    assert not stack.destroyed
    previewed = json.loads(capsys.readouterr().out)
    assert previewed["preview_only"] and previewed["delete"] == 2
    assert previewed["topics_with_data"] == ["curated.orders"]

    assert _destroy_one(args(), stack) == EXIT_OK  # type: ignore[arg-type]
    assert stack.destroyed
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] and not document["preview_only"]
    assert document["changes"] == {"delete": 6}


def test_an_engine_that_does_not_finish_is_a_failed_destroy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    stack = FakeStack(DEPLOYMENT, {})
    stack.destroy = lambda **_: None  # type: ignore[method-assign]  # no summary: it stopped
    assert _destroy_one(args(), stack) == EXIT_FINDINGS  # type: ignore[arg-type]
    assert not json.loads(capsys.readouterr().out)["ok"]


def test_refusals_before_anything_runs(tmp_path: Path) -> None:
    def refused(**given: Any) -> str:
        with pytest.raises(UsageError) as caught:
            run_destroy(argparse.Namespace(**{"stack_option": None, **given}))
        return str(caught.value)

    assert "needs the stack named" in refused(stack_positional=None, all=False)
    file = str(partitioned_prod(tmp_path))
    assert "destroy prod --all" in refused(stack_positional=file, all=False)
    assert "then pass --yes" in refused(stack_positional=file, all=True, yes=False,
                                        preview_only=False)  # fmt: skip
    # not a terminal to ask on (pytest's stdin), and no --yes
    assert "needs a yes" in refused(stack_positional="dev", all=False, yes=False,
                                    preview_only=False)  # fmt: skip


def test_the_cli_exits_2_on_a_refusal(capsys: pytest.CaptureFixture[str]) -> None:
    from bulkheads.cli import main

    assert main(["destroy"]) == EXIT_USAGE
    assert "destroy needs the stack named" in capsys.readouterr().err


def test_all_runs_dependents_first_and_a_failure_keeps_what_it_reads_from() -> None:
    estate = prod_estate()
    ran: list[str] = []

    def runner(partition: str, outcome: Outcome) -> None:
        ran.append(partition)
        outcome.status = "failed" if partition == "lake" else "ok"

    namespace = argparse.Namespace(parallel=1)
    outcomes = {o.partition: o for o in run_waves(estate, "prod", runner, namespace, reverse=True)}
    assert ran[0] == "lakehouse"  # it reads from lake: destroyed before it
    for kept in estate.dependencies("lake"):
        assert outcomes[kept].status == "skipped" and outcomes[kept].reason == "prod-lake failed"
    assert NETWORK in estate.dependencies("lake") and NETWORK not in ran


def test_a_state_of_retained_topics_only_is_still_destroyed_and_an_empty_one_is_not(
    capsys: pytest.CaptureFixture[str],
) -> None:
    retained = {"resources": [DEPLOYMENT["resources"][3]]}  # the live topic alone
    stack = FakeStack(retained, {"delete": 1})
    assert _destroy_one(args(), stack) == EXIT_OK  # type: ignore[arg-type]
    assert stack.destroyed  # the state forgets it; the topic stays on its cluster
    assert json.loads(capsys.readouterr().out)["kept"][0]["topic"] == "raw.orders"

    empty = FakeStack({"resources": DEPLOYMENT["resources"][:3]}, {})  # no managed resource
    assert _destroy_one(args(), empty) == EXIT_OK  # type: ignore[arg-type]
    assert not empty.destroyed
    assert json.loads(capsys.readouterr().out)["ok"]
