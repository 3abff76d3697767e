"""Every MirrorMaker 2 connector of the shipped stacks copies something: distinct aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulkheads.plan.platform import plan_platform
from bulkheads.spec.loader import load_platform
from bulkheads.spec.model import MIRROR_SOURCE_CONNECTOR

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("env", ["local", "dev", "prod"])
def test_mirrormaker_connectors_have_distinct_aliases_and_planned_topics(env: str) -> None:
    plan = plan_platform(load_platform(REPO / f"stacks/Pulumi.{env}.yaml"), REPO)
    mirrors = [c for c in plan.connectors if c.connector_class == MIRROR_SOURCE_CONNECTOR]
    assert mirrors
    for connector in mirrors:
        config = connector.config
        assert config["source.cluster.alias"] != config["target.cluster.alias"], connector.pipeline
        assert config["topics"] == ",".join(connector.reads)
