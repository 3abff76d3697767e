"""Compatibility: connector plugins, broker versions and direct clients are known.

- ``plugins``: each class a pool runs comes from a plugin the pool declares
  (``pools.<pool>.plugins``, Maven coordinates with versions) or with the workers: red
  when one is missing, yellow when a version floats (SNAPSHOT, LATEST, RELEASE).
- ``kafka-versions``: MSK's ``kafka_version``; Strimzi Kafka at the version bulkheads
  pins; the local Kafka of ``bulkheads/local/pom.xml``; AutoMQ at the image of
  ``bulkheads:automqImage`` (unset: red; untagged or ``latest``: yellow).
- ``clients``: each declared client names its ``library`` and version (unset: yellow).
"""

from __future__ import annotations

from bulkheads.cloud.args import StrimziSettings
from bulkheads.local.jars import kafka_version
from bulkheads.readiness.facts import Check, Facts, green
from bulkheads.spec.model import LocalDeploy, MskDeploy
from bulkheads.spec.plugins import available_classes

AUTOMQ_IMAGE_KEY = "bulkheads:automqImage"


def plugins(facts: Facts) -> list[Check]:
    """Every class a pool runs comes from a declared plugin with a pinned version, or with
    the workers themselves (``bulkheads.spec.plugins``)."""
    checks = []
    for name, pool in facts.spec.pools.items():
        running = facts.running.pipelines.values()
        classes = sorted({p.connector.connector_class for p in running if p.pool == name})
        declared = {cls: plugin for plugin in pool.plugins.values() for cls in plugin.classes}
        where = f"pools.{name}.plugins"
        missing = [c for c in classes if c not in declared and c not in available_classes(pool)]
        floating = sorted(
            artifact
            for cls in classes
            if cls in declared
            for artifact in declared[cls].artifacts
            if _floating(artifact)
        )
        if missing:
            checks.append(
                Check("red", where, f"no plugin is declared for {', '.join(missing)}",
                      "declare each plugin's Maven coordinates and pinned version on the pool")
            )  # fmt: skip
        elif floating:
            checks.append(
                Check("yellow", where, f"versions float: {', '.join(floating)}",
                      "pin a released version (no SNAPSHOT, LATEST or RELEASE)")
            )  # fmt: skip
        else:
            pinned = sorted({a for c in classes if c in declared for a in declared[c].artifacts})
            shown = ", ".join(pinned) or "only classes the workers bring"
            checks.append(green(where, f"pinned: {shown}"))
    return checks


def _floating(artifact: str) -> bool:
    version = artifact.rsplit(":", 1)[1].upper()
    return version.endswith("SNAPSHOT") or version in ("LATEST", "RELEASE")


def kafka_versions(facts: Facts) -> list[Check]:
    """Every cluster's broker version is known."""
    checks = []
    for name, cluster in facts.spec.clusters.items():
        deploy = cluster.deploy
        where = f"clusters.{name}.deploy"
        if isinstance(deploy, MskDeploy):
            checks.append(green(f"{where}.kafka_version", f"MSK Kafka {deploy.kafka_version}"))
        elif isinstance(deploy, LocalDeploy):
            checks.append(green(where, f"Kafka {kafka_version()} (bulkheads/local/pom.xml)"))
        elif cluster.engine == "kafka":
            pinned = StrimziSettings().kafka_version
            checks.append(green(where, f"Strimzi Kafka {pinned}, pinned by bulkheads"))
        else:
            checks.append(_automq_image(name, facts.config.get(AUTOMQ_IMAGE_KEY)))
    return checks


def _automq_image(cluster: str, image: object) -> Check:
    where = f"{AUTOMQ_IMAGE_KEY} (cluster {cluster})"
    if not isinstance(image, str) or not image:
        return Check(
            "red",
            where,
            "no AutoMQ image is declared: the broker version is unknown",
            f"set {AUTOMQ_IMAGE_KEY} to a tagged image, e.g. <registry>/automq:<version>",
        )
    tag = image.rsplit("/", 1)[-1].partition(":")[2]
    if tag in ("", "latest"):
        return Check(
            "yellow",
            where,
            f"image {image} is not pinned to a version",
            "tag the image with the AutoMQ version you tested",
        )
    return green(where, f"AutoMQ image {image}")


def clients(facts: Facts) -> list[Check]:
    """Every declared direct client names its client library and version."""
    checks = []
    for cluster_name, cluster in facts.spec.clusters.items():
        for name, client in cluster.clients.items():
            where = f"clusters.{cluster_name}.clients.{name}.library"
            if client.library is None:
                checks.append(
                    Check(
                        "yellow",
                        where,
                        "client library and version unknown",
                        "declare library, e.g. library: librdkafka 2.6.1",
                    )
                )
            else:
                checks.append(green(where, client.library))
    return checks
