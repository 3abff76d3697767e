"""``bulkheads preview`` and ``bulkheads up`` for real, as a pipeline runs them
(``--json``): on a small ``local`` stack (its own Kafka on free ports, its own engine
state, two pools), topics already on the cluster are adopted or refused from what the
stack's state holds, and both JSON documents conform to their pinned schemas."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bulkheads.local import LocalPlatform
from bulkheads.plan.platform import plan_platform
from bulkheads.plan.types import TopicPlan
from bulkheads.spec.loader import load_platform
from tests.cli.conftest import conforming
from tests.integration.local_stack import ROOT, TWO_POOLS, stack_env, two_pool_spec

pytestmark = pytest.mark.integration
admin_api = pytest.importorskip("confluent_kafka.admin")
TIMEOUT = 600
RETAINED = "raw.orders.events"  # the live source's topic: retained, so adopted
NOT_OURS = "dlq.orders-archive"  # the sink's dead-letter topic: derived, never taken over


@dataclass
class Workspace:
    env: dict[str, str]
    spec: Path
    topics: dict[str, TopicPlan]
    admin: Any

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bulkheads.cli", *args, "local", "--json"],
            env=self.env, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True,
            text=True, check=False, timeout=TIMEOUT,
        )  # fmt: skip

    def create(self, name: str) -> None:
        topic = self.topics[name]
        new = admin_api.NewTopic(
            name, topic.partitions, topic.replication_factor, config=dict(topic.config)
        )
        self.admin.create_topics([new])[name].result(timeout=30)

    def delete(self, name: str) -> None:
        self.admin.delete_topics([name])[name].result(timeout=30)
        deadline = time.monotonic() + 30
        while name in self.admin.list_topics(timeout=10).topics:
            assert time.monotonic() < deadline, f"{name} was not deleted"
            time.sleep(0.5)


@pytest.fixture(scope="module")
def workspace(
    tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int]
) -> Iterator[Workspace]:
    """A two-pool local stack of its own, its Kafka started as ``bulkheads up`` starts it;
    stops everything it started."""
    state = tmp_path_factory.mktemp("main-job")
    spec, port = two_pool_spec(state, free_port)
    env = {**os.environ, **stack_env(state, spec), "NO_COLOR": "1"}
    env.pop("PULUMI_BACKEND_URL", None)
    harness = LocalPlatform(state_dir=state / "local")
    try:
        connection = harness.start_kafka(port=port, controller_port=port + 1, cluster="local")
        plan = plan_platform(load_platform(spec), ROOT)
        topics = {t.name: t for t in plan.clusters["local"].topics}
        yield Workspace(env, spec, topics, admin_api.AdminClient(connection.client_config()))
    finally:
        harness.down()


def test_preview_refuses_a_topic_the_stack_does_not_hold_and_imports_a_retained_one(
    workspace: Workspace,
) -> None:
    workspace.create(RETAINED)
    workspace.create(NOT_OURS)
    refused = workspace.cli("preview")
    assert refused.returncode == 1, refused.stderr[-3000:]
    document = conforming(refused.stdout, "preview")
    assert not document["ok"]
    assert (
        f"topic {NOT_OURS!r} already exists on cluster 'local' but is not a retained "
        "(derived) topic of this stack, so it is not adopted. Fix: delete or rename the "
        "existing topic, or import it on purpose with `pulumi import`"
    ) in "\n".join(document["errors"])

    workspace.delete(NOT_OURS)
    adopting = workspace.cli("preview")
    assert adopting.returncode == 0, adopting.stderr[-3000:]
    steps = conforming(adopting.stdout, "preview")["steps"]
    imports = [s["name"] for s in steps if s["op"] == "import"]
    assert imports == [f"local-cluster-local-data-topic-{RETAINED}-topic"]


def test_up_json_conforms_and_the_stacks_own_topics_are_not_refused_after(
    workspace: Workspace,
) -> None:
    up = workspace.cli("up", "--yes")
    assert up.returncode == 0, up.stderr[-3000:]
    document = conforming(up.stdout, "up")
    assert document["ok"] and document["stack"] == "local"
    assert {s["name"] for s in document["steps"] if s["op"] == "import"} == {
        f"local-cluster-local-data-topic-{RETAINED}-topic"
    }
    platform = document["outputs"]["platform"]
    assert sorted(platform["clusters"]["local"]["topics"]) == sorted(workspace.topics)
    assert set(platform["pools"]) == TWO_POOLS

    # every planned topic now exists, and the state holds them all: nothing is refused
    again = workspace.cli("preview")
    assert again.returncode == 0, again.stderr[-3000:]
    assert set(conforming(again.stdout, "preview")["changes"]) == {"same"}

    # an up that changes nothing applies nothing: the program ran once (the preview's)
    noop = workspace.cli("up", "--yes")
    assert noop.returncode == 0, noop.stderr[-3000:]
    second = conforming(noop.stdout, "up")
    assert set(second["changes"]) == {"same"} and second["steps"] == []
    assert second["seconds"] == 0 and second["outputs"] == document["outputs"]


def test_destroy_deletes_the_stack_keeps_the_retained_topic_and_up_adopts_it_again(
    workspace: Workspace,
) -> None:
    """Last in this module: it tears the stack down. The preview names what goes and stays;
    the destroy deletes the stack's own topics with their data and keeps the retained one;
    the next ``up`` adopts it instead of failing to create it."""
    preview = workspace.cli("destroy", "--preview-only")
    assert preview.returncode == 0, preview.stderr[-3000:]
    planned = conforming(preview.stdout, "destroy")
    assert planned["ok"] and planned["preview_only"] and planned["delete"] > 0
    kept = {k["topic"] for k in planned["kept"]}
    live_pool = {t for t in workspace.topics if t.startswith("_connect.live-ingest.")}
    assert kept == {RETAINED, *live_pool} and len(live_pool) == 3
    assert NOT_OURS in planned["topics_with_data"] and RETAINED not in planned["topics_with_data"]
    assert set(workspace.topics) <= set(workspace.admin.list_topics(timeout=10).topics)

    unasked = workspace.cli("destroy")  # stdin is not a terminal, and no --yes
    assert unasked.returncode == 2 and "needs a yes" in unasked.stderr

    destroyed = workspace.cli("destroy", "--yes")
    assert destroyed.returncode == 0, destroyed.stderr[-3000:]
    document = conforming(destroyed.stdout, "destroy")
    assert document["ok"] and not document["preview_only"]
    # the engine also counts the retained topics, components and providers it drops
    assert document["changes"]["delete"] >= document["delete"] + len(kept)
    again = conforming(workspace.cli("destroy", "--preview-only").stdout, "destroy")
    assert (again["delete"], again["kept"]) == (0, [])  # the state holds nothing any more
    left = set(workspace.admin.list_topics(timeout=10).topics)
    assert kept <= left and NOT_OURS not in left

    up = workspace.cli("up", "--yes")
    assert up.returncode == 0, up.stderr[-3000:]
    steps = conforming(up.stdout, "up")["steps"]
    imported = {s["urn"] for s in steps if s["op"] == "import"}
    assert len(imported) == len(kept) and f"data-topic-{RETAINED}-topic" in " ".join(imported)
