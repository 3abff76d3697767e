"""Local pools resolve the same plugin declaration Strimzi builds from: a generated pom
whose dependencies are the plugin's artifacts, from their repository besides Maven Central,
fetched when the stack is applied, never by a preview."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path
from types import SimpleNamespace

import pulumi
import pytest
import yaml

from bulkheads.local.jars import plugin_pom
from bulkheads.plan.manifests.strimzi import MavenArtifact, PluginBuild
from bulkheads.spec.loader import platform_from_mapping
from components import tokens
from tests.unit.cloud_harness import CloudHarness

NS = {"m": "http://maven.apache.org/POM/4.0.0"}


def test_a_plugin_pom_depends_on_exactly_its_artifacts() -> None:
    mirror = "https://artifacts.example.internal/maven"
    plugin = PluginBuild(
        name="jdbc",
        artifacts=(
            MavenArtifact("io.confluent", "kafka-connect-jdbc", "10.8.4", mirror),
            MavenArtifact("org.postgresql", "postgresql", "42.7.14", mirror),
        ),
    )
    pom = ElementTree.fromstring(plugin_pom(plugin))
    dependencies = [
        tuple(d.find(f"m:{key}", NS).text for key in ("groupId", "artifactId", "version"))  # type: ignore[union-attr]
        for d in pom.findall("m:dependencies/m:dependency", NS)
    ]
    assert dependencies == [
        ("io.confluent", "kafka-connect-jdbc", "10.8.4"),
        ("org.postgresql", "postgresql", "42.7.14"),
    ]
    assert [r.text for r in pom.findall("m:repositories/m:repository/m:url", NS)] == [mirror]
    assert pom.find("m:artifactId", NS).text == "plugin-jdbc"  # type: ignore[union-attr]


def test_a_maven_central_plugin_names_no_repository() -> None:
    plugin = PluginBuild(
        name="debezium-mysql",
        artifacts=(MavenArtifact("io.debezium", "debezium-connector-mysql", "3.6.1.Final"),),
    )
    pom = ElementTree.fromstring(plugin_pom(plugin))
    assert pom.findall("m:repositories/m:repository", NS) == []


class _FakeHarness:
    """The local harness as the program sees it, with no Kafka behind it."""

    cache_dir = Path("/nonexistent/cache")

    def connection(self, cluster: str) -> SimpleNamespace:
        return SimpleNamespace(username="admin", password="admin-password")

    def existing_topics(self, cluster: str) -> set[str]:
        return set()


@pytest.mark.parametrize("preview", [True, False])
def test_local_plugins_are_fetched_on_up_only_never_in_a_preview(
    preview: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bulkheads.program as program

    root = Path(__file__).resolve().parents[2]
    data = yaml.safe_load((root / "stacks" / "Pulumi.local.yaml").read_text())
    platform = data["config"]["bulkheads:platform"]
    platform["pools"]["derived-sinks"]["plugins"] = {
        "debezium-mysql": {
            "artifacts": ["io.debezium:debezium-connector-mysql:3.6.1.Final"],
            "classes": ["io.debezium.connector.mysql.MySqlConnector"],
        }
    }
    fetched: list[str] = []
    prepared: list[Path] = []
    monkeypatch.setattr(program, "LocalPlatform", _FakeHarness)
    monkeypatch.setattr(program, "ensure_plugin", lambda _cache, p: fetched.append(p.name))
    monkeypatch.setattr(Path, "mkdir", lambda self, **_: prepared.append(self))
    harness = CloudHarness(preview=preview)
    spec = platform_from_mapping(platform)
    pulumi.runtime.set_all_config({})
    harness.run(lambda: program.build_platform(spec, pulumi.Config("bulkheads")))
    assert harness.counts()[tokens.LOCAL_WORKER] == 3
    if preview:
        assert (fetched, prepared) == ([], [])
    else:
        assert fetched == ["debezium-mysql"]
        assert sorted(p.name for p in prepared) == ["data"] * 3
