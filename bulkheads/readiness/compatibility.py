"""Compatibility: connector plugins, broker versions and direct clients are known.

- ``plugins``: a pool running classes outside Kafka Connect's own
  (``org.apache.kafka.connect.*``, versioned with the workers) declares no plugin or
  version for them in the spec: red per pool.
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

BUILTIN_PREFIX = "org.apache.kafka.connect."
AUTOMQ_IMAGE_KEY = "bulkheads:automqImage"


def plugins(facts: Facts) -> list[Check]:
    """Every class a pool runs comes from a declared, pinned plugin (or Connect itself)."""
    checks = []
    for pool in facts.spec.pools:
        classes = sorted(
            {p.connector.connector_class for p in facts.spec.pipelines.values() if p.pool == pool}
        )
        external = [name for name in classes if not name.startswith(BUILTIN_PREFIX)]
        where = f"pools.{pool}"
        if external:
            checks.append(
                Check(
                    "red",
                    where,
                    f"no plugin or version is declared for {', '.join(external)}",
                    "declare each plugin's Maven coordinates and pinned version on the pool",
                )
            )
        else:
            shown = ", ".join(name.rsplit(".", 1)[1] for name in classes) or "no connectors"
            checks.append(green(where, f"only Kafka Connect's own classes ({shown})"))
    return checks


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
