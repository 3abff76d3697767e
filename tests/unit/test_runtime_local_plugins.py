"""Local pools resolve the same plugin declaration Strimzi builds from: a generated pom
whose dependencies are the plugin's artifacts, from their repository besides Maven Central."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from bulkheads.local.jars import plugin_pom
from bulkheads.plan.manifests.strimzi import MavenArtifact, PluginBuild

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
