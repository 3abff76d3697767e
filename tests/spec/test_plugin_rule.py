"""Connector plugins: a class no declared plugin provides (and the workers lack) is refused
with its path and fix; so is a class two plugins of one pool claim."""

from __future__ import annotations

import copy

import pytest

from bulkheads.spec.errors import SpecError
from bulkheads.spec.loader import platform_from_mapping
from tests.plan.specs import TWO_CLUSTER_SPEC


def problems(spec: dict[str, object]) -> list[str]:
    with pytest.raises(SpecError) as raised:
        platform_from_mapping(spec)
    return [problem.render() for problem in raised.value.problems]


def test_the_declared_plugins_cover_the_pools_connectors() -> None:
    # the mirror pool declares nothing: MirrorMaker 2 comes with every Connect image
    spec = platform_from_mapping(TWO_CLUSTER_SPEC)
    assert not spec.pools["mirror"].plugins


def test_a_class_no_plugin_provides_is_refused() -> None:
    spec = copy.deepcopy(TWO_CLUSTER_SPEC)
    del spec["pools"]["search-sinks"]["plugins"]  # type: ignore[index]
    assert problems(spec) == [
        "<config>: pipelines.search-index.connector.class: "
        "'io.confluent.connect.elasticsearch.ElasticsearchSinkConn... — no plugin of pool "
        "'search-sinks' provides this class. Fix: declare the plugin under "
        "pools.search-sinks.plugins ({artifacts: [<group>:<artifact>:<version>], classes: "
        "[io.confluent.connect.elasticsearch.ElasticsearchSinkConnector]})."
    ]


def test_a_class_two_plugins_claim_is_refused() -> None:
    spec = copy.deepcopy(TWO_CLUSTER_SPEC)
    plugins = spec["pools"]["search-sinks"]["plugins"]  # type: ignore[index]
    plugins["opensearch"] = copy.deepcopy(plugins["elasticsearch"])
    assert problems(spec) == [
        "<config>: pools.search-sinks.plugins.opensearch.classes[0]: "
        "'io.confluent.connect.elasticsearch.ElasticsearchSinkConn... — also provided by "
        "plugin 'elasticsearch'. Fix: let one plugin of the pool provide each class."
    ]


def test_a_coordinate_without_a_version_is_a_shape_error() -> None:
    spec = copy.deepcopy(TWO_CLUSTER_SPEC)
    spec["pools"]["search-sinks"]["plugins"]["elasticsearch"]["artifacts"] = ["no-version"]  # type: ignore[index]
    (problem,) = problems(spec)
    assert problem.startswith(
        "<config>: pools.search-sinks.plugins.elasticsearch.artifacts[0]: 'no-version'"
    )
