"""Generated valid specs validate, and their topics follow the contract rules."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from bulkheads.spec.loader import platform_from_mapping
from bulkheads.spec.model import MirrorPipeline, PlatformSpec
from bulkheads.spec.naming import TOPIC_PATTERN
from tests.strategies import platform_mappings, platform_specs

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(platform_mappings())
def test_generated_mappings_validate(data: dict[str, Any]) -> None:
    spec = platform_from_mapping(data, source="generated")
    assert set(spec.pipelines) == set(data["pipelines"])


@SETTINGS
@given(platform_specs())
def test_generated_specs_keep_the_doctrine(spec: PlatformSpec) -> None:
    writers: dict[str, str] = {}
    for name, pipeline in spec.pipelines.items():
        assert spec.class_of(name) == spec.pool_of(name).workload_class
        assert spec.class_of(name) in spec.clusters[spec.cluster_of(name)].serves
        for topic in pipeline.written_topics:
            assert TOPIC_PATTERN.match(topic)
            assert topic not in writers
            writers[topic] = name
            if pipeline.kind != "source":
                assert not topic.startswith("raw.")
        if isinstance(pipeline, MirrorPipeline):
            assert pipeline.source_cluster != spec.cluster_of(name)
