"""Strimzi custom resources as data: ``Kafka``, ``KafkaNodePool``, ``KafkaUser`` and the
cluster-CA Secrets of a cluster; ``KafkaConnect`` and ``KafkaConnector`` of a pool.

A cluster runs in KRaft mode with one node pool of combined broker/controller nodes, a
SCRAM-SHA-512 listener over TLS and the simple authorizer with the admin as the only super
user. The User Operator manages only the admin ``KafkaUser``
(``STRIMZI_IGNORED_USERS_PATTERN``): every other user and ACL belongs to the data plane. No
Topic Operator: topics belong to the data plane too. The cluster CA is the platform's
(``clusterCa.generateCertificateAuthority: false``).

``Kafka``, the admin ``KafkaUser`` and ``KafkaConnect`` carry ``pulumi.com/waitFor:
condition=Ready``: pulumi-kubernetes then waits (up to ``READY_TIMEOUT_SECONDS``) until
Strimzi reports the resource Ready, so what depends on them (the Kafka provider, the
connectors) never races the brokers, the User Operator or the image build.
``KafkaConnector`` gets ``autoRestart`` (Strimzi restarts failed connectors and tasks with
back-off).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bulkheads.ops.metrics import metrics_config
from bulkheads.plan.manifests import Deferred, Manifest
from bulkheads.plan.manifests.core import metadata, secret
from bulkheads.plan.manifests.labels import node_pool_placement

API_VERSION = "kafka.strimzi.io/v1beta2"
SCRAM_TLS_PORT = 9096
LISTENER_NAME = "scram"
ADMIN_PASSWORD_KEY = "password"
SECRET_PASSWORD_KEY = "password"
BROKER_CA_KEY = "ca.crt"
IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"
READY_TIMEOUT_SECONDS = 1800
WAIT_FOR_READY = {
    "pulumi.com/waitFor": "condition=Ready",
    "pulumi.com/timeoutSeconds": str(READY_TIMEOUT_SECONDS),
}
# Strimzi resolves ${secrets:<namespace>/<secret>:<key>} in connector config with this.
SECRET_CONFIG_PROVIDER = {
    "config.providers": "secrets",
    "config.providers.secrets.class": "io.strimzi.kafka.KubernetesSecretConfigProvider",
}


@dataclass(frozen=True)
class KafkaLogin:
    """How a pod of a pool's namespace reaches the pool's cluster: its bootstrap servers
    (a value or a deferred one), whether it speaks TLS, and the Secret holding the brokers'
    CA (None: the JVM's own CAs)."""

    bootstrap_servers: Deferred | str
    tls: bool
    ca_secret: str | None = None


def connector_config_secret(connector: str) -> str:
    """The Secret holding a connector's secret config values (its logins included)."""
    return f"{connector}-connector-config"


def kafka_service_account(cluster: str) -> str:
    """The service account Strimzi creates for the brokers of ``cluster``."""
    return f"{cluster}-kafka"


def connect_service_account(connect_name: str) -> str:
    """The service account Strimzi runs the worker pods of KafkaConnect ``connect_name`` as."""
    return f"{connect_name}-connect"


def bootstrap_address(cluster: str, namespace: str) -> str:
    """The in-cluster bootstrap address of the SCRAM listener."""
    return f"{cluster}-kafka-bootstrap.{namespace}.svc:{SCRAM_TLS_PORT}"


def only_user_pattern(username: str) -> str:
    """A Java regex matching every user name except ``username``."""
    return f"^(?!{re.escape(username)}$).*"


def broker_ca_secret(connect_name: str) -> str:
    """The Secret holding the brokers' CA certificate in a pool's namespace."""
    return f"{connect_name}-broker-ca"


def _service_account_role(role_arn: Deferred | None) -> dict[str, Any]:
    """``template.serviceAccount`` annotating the pods' service account for IRSA."""
    if role_arn is None:
        return {}
    return {"serviceAccount": {"metadata": {"annotations": {IRSA_ROLE_ANNOTATION: role_arn}}}}


@dataclass(frozen=True)
class KafkaCluster:
    """A Strimzi cluster: ``replicas`` combined nodes of ``storage_size`` volumes (of
    ``storage_class``) on ``node_pool``; ``image`` None: Strimzi's own; ``role_arn`` the
    brokers' IRSA role (AutoMQ); ``config`` the broker settings."""

    cluster: str
    namespace: str
    labels: Mapping[str, str]
    kafka_version: str
    admin_username: str
    config: Mapping[str, str]
    replicas: int
    storage_size: str
    storage_class: str | None = None
    node_pool: str | None = None
    image: str | None = None
    role_arn: Deferred | None = None

    @property
    def strimzi_labels(self) -> dict[str, str]:
        return {**self.labels, "strimzi.io/cluster": self.cluster}


def kafka_metrics_config_map(cluster: str) -> str:
    """The ConfigMap holding the brokers' JMX exporter rules (``metricsConfig``)."""
    return f"{cluster}-kafka-metrics"


def connect_metrics_config_map(connect_name: str) -> str:
    """The ConfigMap holding a pool's workers' JMX exporter rules (``metricsConfig``)."""
    return f"{connect_name}-connect-metrics"


def kafka(c: KafkaCluster) -> Manifest:
    """The ``Kafka`` CR (KRaft, node pools, platform CA, admin-only User Operator, JMX
    metrics and the Kafka Exporter for consumer-group lag)."""
    spec: dict[str, Any] = {
        "version": c.kafka_version,
        "listeners": [
            {
                "name": LISTENER_NAME,
                "port": SCRAM_TLS_PORT,
                "type": "internal",
                "tls": True,
                "authentication": {"type": "scram-sha-512"},
            }
        ],
        "authorization": {"type": "simple", "superUsers": [c.admin_username]},
        "config": dict(c.config),
        "metricsConfig": metrics_config(kafka_metrics_config_map(c.cluster)),
    }
    if c.image:
        spec["image"] = c.image
    if c.role_arn is not None:
        spec["template"] = _service_account_role(c.role_arn)
    annotations = {
        "strimzi.io/node-pools": "enabled",
        "strimzi.io/kraft": "enabled",
        **WAIT_FOR_READY,
    }
    return {
        "apiVersion": API_VERSION,
        "kind": "Kafka",
        "metadata": metadata(c.cluster, c.namespace, c.labels, annotations),
        "spec": {
            "kafka": spec,
            "kafkaExporter": {"topicRegex": ".*", "groupRegex": ".*"},
            "clusterCa": {"generateCertificateAuthority": False},
            "entityOperator": {
                "userOperator": {},
                "template": {
                    "userOperatorContainer": {
                        "env": [
                            {
                                "name": "STRIMZI_IGNORED_USERS_PATTERN",
                                "value": only_user_pattern(c.admin_username),
                            }
                        ]
                    }
                },
            },
        },
    }


def kafka_node_pool_name(cluster: str) -> str:
    """The ``KafkaNodePool`` of ``cluster``; its pods are ``<name>-0``, ``<name>-1``, ..."""
    return f"{cluster}-nodes"


def kafka_node_pool(c: KafkaCluster) -> Manifest:
    """The one ``KafkaNodePool`` (``<cluster>-nodes``) of combined broker/controller nodes."""
    volume: dict[str, Any] = {
        "id": 0,
        "type": "persistent-claim",
        "size": c.storage_size,
        "deleteClaim": False,
        "kraftMetadata": "shared",
    }
    if c.storage_class:
        volume["class"] = c.storage_class
    spec: dict[str, Any] = {
        "replicas": c.replicas,
        "roles": ["controller", "broker"],
        "storage": {"type": "jbod", "volumes": [volume]},
    }
    if c.node_pool:
        spec["template"] = {"pod": node_pool_placement(c.node_pool)}
    return {
        "apiVersion": API_VERSION,
        "kind": "KafkaNodePool",
        "metadata": metadata(kafka_node_pool_name(c.cluster), c.namespace, c.strimzi_labels),
        "spec": spec,
    }


def admin_secret_name(cluster: str) -> str:
    return f"{cluster}-admin"


def admin_secret(c: KafkaCluster, password: Deferred) -> Manifest:
    """The Secret holding the admin's password (``password`` may be a deferred secret)."""
    return secret(
        admin_secret_name(c.cluster), c.namespace, c.labels, {ADMIN_PASSWORD_KEY: password}
    )


def admin_user(c: KafkaCluster) -> Manifest:
    """The admin ``KafkaUser``, SCRAM with the password of :func:`admin_secret`."""
    return {
        "apiVersion": API_VERSION,
        "kind": "KafkaUser",
        "metadata": metadata(c.admin_username, c.namespace, c.strimzi_labels, WAIT_FOR_READY),
        "spec": {
            "authentication": {
                "type": "scram-sha-512",
                "password": {
                    "valueFrom": {
                        "secretKeyRef": {
                            "name": admin_secret_name(c.cluster),
                            "key": ADMIN_PASSWORD_KEY,
                        }
                    }
                },
            }
        },
    }


def cluster_ca_secrets(
    c: KafkaCluster, ca_cert: str, ca_key: Deferred
) -> tuple[Manifest, Manifest]:
    """The Secrets a user-supplied cluster CA lives in (Strimzi's names, labels and
    generation annotations): the certificate, and the key (``ca_key`` a deferred secret)."""
    labels = {**c.strimzi_labels, "strimzi.io/kind": "Kafka"}
    return (
        secret(
            f"{c.cluster}-cluster-ca-cert",
            c.namespace,
            labels,
            {"ca.crt": ca_cert},
            {"strimzi.io/ca-cert-generation": "0"},
        ),
        secret(
            f"{c.cluster}-cluster-ca",
            c.namespace,
            labels,
            {"ca.key": ca_key},
            {"strimzi.io/ca-key-generation": "0"},
        ),
    )


@dataclass(frozen=True)
class MavenArtifact:
    """A Maven artifact Strimzi's build resolves (with its dependencies) from
    ``repository`` (None: Maven Central)."""

    group: str
    artifact: str
    version: str
    repository: str | None = None

    def as_build_artifact(self) -> dict[str, str]:
        artifact = {
            "type": "maven",
            "group": self.group,
            "artifact": self.artifact,
            "version": self.version,
        }
        if self.repository:
            artifact["repository"] = self.repository
        return artifact


@dataclass(frozen=True)
class PluginBuild:
    """A connector plugin: its directory ``name`` and the artifacts it is made of."""

    name: str
    artifacts: tuple[MavenArtifact, ...]


@dataclass(frozen=True)
class ConnectBuild:
    """``KafkaConnect.spec.build``: ``plugins`` pushed as ``image`` (``push_secret``: the
    registry credentials Secret, None: the node's or IRSA's)."""

    image: str
    plugins: tuple[PluginBuild, ...]
    push_secret: str | None = None


def connect_build(build: ConnectBuild) -> dict[str, Any]:
    output: dict[str, Any] = {"type": "docker", "image": build.image}
    if build.push_secret:
        output["pushSecret"] = build.push_secret
    return {
        "output": output,
        "plugins": [
            {
                "name": plugin.name,
                "artifacts": [a.as_build_artifact() for a in plugin.artifacts],
            }
            for plugin in build.plugins
        ],
    }


@dataclass(frozen=True)
class ConnectWorkers:
    """One pool's ``KafkaConnect``: its workers log in as ``username`` (password in Secret
    ``password_secret``), trust ``broker_ca_secret`` (None: the JVM's roots) when
    ``broker_tls``, run ``config`` (the worker isolation settings) on ``replicas`` pods
    sized by ``resources`` with a PodDisruptionBudget of ``max_unavailable``; ``role_arn``
    annotates their service account (IRSA), ``build`` adds the pool's plugins."""

    name: str
    namespace: str
    labels: Mapping[str, str]
    bootstrap_servers: Deferred
    username: str
    password_secret: str
    config: Mapping[str, str]
    resources: Mapping[str, Mapping[str, str]]
    replicas: int = 1
    max_unavailable: int = 1
    broker_tls: bool = True
    broker_ca_secret: str | None = None
    node_pool: str | None = None
    image: str | None = None
    role_arn: Deferred | None = None
    build: ConnectBuild | None = None
    annotations: Mapping[str, str] = field(default_factory=dict)


def kafka_connect(w: ConnectWorkers) -> Manifest:
    """The ``KafkaConnect`` CR of one pool (connectors as ``KafkaConnector`` resources)."""
    pod: dict[str, Any] = {"metadata": {"labels": dict(w.labels)}}
    if w.node_pool:
        pod.update(node_pool_placement(w.node_pool))
    template: dict[str, Any] = {
        "pod": pod,
        "podDisruptionBudget": {"maxUnavailable": w.max_unavailable},
        **_service_account_role(w.role_arn),
    }
    spec: dict[str, Any] = {
        "replicas": w.replicas,
        "bootstrapServers": w.bootstrap_servers,
        "authentication": {
            "type": "scram-sha-512",
            "username": w.username,
            "passwordSecret": {"secretName": w.password_secret, "password": SECRET_PASSWORD_KEY},
        },
        "config": {**w.config, **SECRET_CONFIG_PROVIDER},
        "metricsConfig": metrics_config(connect_metrics_config_map(w.name)),
        "resources": {key: dict(value) for key, value in w.resources.items()},
        "template": template,
    }
    if w.broker_tls:
        trusted = []
        if w.broker_ca_secret is not None:
            trusted.append({"secretName": w.broker_ca_secret, "certificate": BROKER_CA_KEY})
        spec["tls"] = {"trustedCertificates": trusted}
    if w.image:
        spec["image"] = w.image
    if w.build is not None:
        spec["build"] = connect_build(w.build)
    annotations = {"strimzi.io/use-connector-resources": "true", **WAIT_FOR_READY}
    return {
        "apiVersion": API_VERSION,
        "kind": "KafkaConnect",
        "metadata": metadata(w.name, w.namespace, w.labels, annotations),
        "spec": spec,
    }


def kafka_connector(
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    connect_name: str,
    connector_class: str,
    tasks_max: int,
    state: str,
    config: Mapping[str, str],
    offsets: tuple[str, str] | None = None,
) -> Manifest:
    """A ``KafkaConnector`` on KafkaConnect ``connect_name``, restarted when it fails.

    ``offsets`` (default none) names the ConfigMaps Strimzi alters its offsets from and
    lists them into (``strimzi.io/connector-offsets`` alter | list).
    """
    spec: dict[str, Any] = {
        "class": connector_class,
        "tasksMax": tasks_max,
        "state": state,
        "autoRestart": {"enabled": True},
        "config": dict(config),
    }
    if offsets is not None:
        alter_from, list_to = offsets
        spec["alterOffsets"] = {"fromConfigMap": {"name": alter_from}}
        spec["listOffsets"] = {"toConfigMap": {"name": list_to}}
    return {
        "apiVersion": API_VERSION,
        "kind": "KafkaConnector",
        "metadata": metadata(name, namespace, {**labels, "strimzi.io/cluster": connect_name}),
        "spec": spec,
    }
