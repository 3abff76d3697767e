"""The Pulumi program of every stack: stack file -> validated spec -> plan -> Platform.

The spec is read from the stack's own file (``stacks/Pulumi.<stack>.yaml``) so that an
invalid stack fails before any resource is registered, with file, line, path, value and
fix for every problem at once. Stack config read besides the spec (namespace
``bulkheads``): ``secrets`` (secret map, name -> value, for connector secret references),
``existingTopics`` (cloud cluster -> topics already there, see ``adoption_inputs``),
``oidcProviderArn``/``oidcIssuer``/``automqImage`` (AutoMQ on EKS), and the Kubernetes
target (``kubeconfig``/``kubeContext`` or ``renderYamlToDirectory``). Local clusters log
the Kafka provider in with the local harness's admin credential. Cutovers are planned at
their declared phases, or at those in ``BULKHEADS_CUTOVER_PHASES`` (``cutover.phases``).
A partitioned estate's stacks (``bulkheads.plan.partitions``) each build one partition,
named by ``BULKHEADS_PARTITION`` (and the estate stack by ``BULKHEADS_ESTATE``), and
export what the partitions after them read (``components.references``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pulumi

from bulkheads import sdk_speed
from bulkheads.adoption_inputs import (
    EXISTING_TOPICS_KEY,
    Handover,
    existing_from_config,
    read_handover,
)
from bulkheads.cloud.args import IrsaSettings
from bulkheads.cloud.from_spec import CloudSettings, cluster_args, network_args
from bulkheads.cutover import phases
from bulkheads.local.jars import ensure_plugin
from bulkheads.local.paths import PROJECT_ROOT
from bulkheads.local.platform import LocalPlatform
from bulkheads.plan.adoption import decide_adoption
from bulkheads.plan.errors import PlanError
from bulkheads.plan.partitions import Partition, partition_estate
from bulkheads.plan.platform import (
    FILE_KEY,
    KubernetesPoolRuntime,
    LocalPoolRuntime,
    PlatformPlan,
    plan_platform,
)
from bulkheads.spec.errors import SpecError
from bulkheads.spec.loader import load_platform
from bulkheads.spec.model import LocalDeploy, PlatformSpec
from bulkheads.stacks import PartitionRun, partition_run, stack_file
from components.kubernetes_provider import kubernetes_provider, target_from_config
from components.platform import ConnectImages, Platform, PlatformArgs
from components.references import LOGINS, REFERENCES, References, read_references

CONFIG_NAMESPACE = "bulkheads"


def load_stack_spec(stack: str) -> PlatformSpec:
    """The validated spec of ``stack``; a :class:`pulumi.RunError` lists every problem."""
    try:
        return load_platform(stack_file(stack))
    except SpecError as error:
        raise pulumi.RunError(f"the stack's platform spec is invalid:\n{error}") from None


def cloud_settings(config: pulumi.Config) -> CloudSettings:
    """AutoMQ-on-EKS settings and the Strimzi clusters' CA certificates from stack config
    (``clusterCaCerts``: cluster name -> PEM); all optional here, required by what uses
    them."""
    arn, issuer = config.get("oidcProviderArn"), config.get("oidcIssuer")
    irsa = IrsaSettings(oidc_provider_arn=arn, oidc_issuer=issuer) if arn and issuer else None
    return CloudSettings(
        irsa=irsa,
        automq_image=config.get("automqImage"),
        cluster_ca_certs=config.get_object("clusterCaCerts") or {},
        deploy_role=config.get("deployRoleName"),
    )


def cluster_ca_keys(config: pulumi.Config, clusters: list[str]) -> dict[str, pulumi.Output[str]]:
    """The secret CA key of each named cluster from ``clusterCaKeys`` (cluster -> PEM)."""
    if not clusters:
        return {}
    keys = config.get_secret_object("clusterCaKeys")
    if keys is None:
        raise pulumi.RunError(
            f"Strimzi clusters {', '.join(clusters)} need their CA keys: set "
            "bulkheads:clusterCaKeys (cluster name -> PEM key) with --secret"
        )

    def key_of(cluster: str) -> pulumi.Output[str]:
        def pick(stored: Any) -> str:
            if not isinstance(stored, dict) or not stored.get(cluster):
                raise pulumi.RunError(
                    f"bulkheads:clusterCaKeys has no key for Strimzi cluster {cluster!r}"
                )
            return str(stored[cluster])

        return pulumi.Output.secret(keys.apply(pick))

    return {cluster: key_of(cluster) for cluster in clusters}


def build_platform(
    spec: PlatformSpec, config: pulumi.Config, run: PartitionRun | None = None
) -> Platform:
    """Compose the platform of ``spec`` (of a partitioned one, ``run``'s partition).

    Its only I/O is local: it reads the harness's admin credentials and lists the local
    clusters' topics (for cloud clusters ``bulkheads:existingTopics`` says; retained live
    topics are adopted, not created again, and an existing topic the stack does not hold
    fails the run, see :func:`adopted_topics`); on ``up`` only, it prepares local files
    (:func:`prepare_local_files`).
    """
    settings = cloud_settings(config)
    try:
        clusters = {name: cluster_args(spec, name, settings) for name in spec.clusters}
    except ValueError as error:
        raise pulumi.RunError(str(error)) from None
    try:
        override = phases.from_environment(os.environ)
    except ValueError as error:
        raise pulumi.RunError(str(error)) from None
    plan = plan_platform(spec, PROJECT_ROOT, override)
    partition, references = None, References()
    if spec.partition is not None:
        partition = _partition(spec, plan, run)
        assert run is not None
        homes = partition_estate(plan, spec.partition).homes
        tls = {name: c.deploy != "local" for name, c in clusters.items()}
        references = read_references(run.estate, partition, homes, network_args(spec), tls)
        plan = partition.plan
    built = {name: c for name, c in clusters.items() if name in plan.clusters}
    ca_keys = cluster_ca_keys(config, [name for name, c in built.items() if c.deploy == "strimzi"])
    admin_passwords: dict[str, pulumi.Input[str]] = {}
    admin_usernames: dict[str, str] = {}
    local = [
        name
        for name, c in spec.clusters.items()
        if isinstance(c.deploy, LocalDeploy) and name in built
    ]
    try:
        existing = existing_from_config(config.get_object(EXISTING_TOPICS_KEY), spec.clusters)
    except ValueError as error:
        raise pulumi.RunError(str(error)) from None
    if local:
        harness = LocalPlatform()
        for name in local:
            connection = harness.connection(name)
            admin_passwords[name] = pulumi.Output.secret(connection.password)
            admin_usernames[name] = connection.username
            existing[name] = frozenset(harness.existing_topics(name))
    adopt_topics = adopted_topics(plan, existing, read_handover())
    if local and not pulumi.runtime.is_dry_run():
        prepare_local_files(plan, harness.cache_dir)
    strimzi = any(c.deploy == "strimzi" for c in built.values())
    kubernetes_pools = any(isinstance(p.runtime, KubernetesPoolRuntime) for p in plan.pools)
    kubernetes = (
        kubernetes_provider("kubernetes", target_from_config(config))
        if strimzi or kubernetes_pools
        else None
    )
    needed = sorted({ref for c in plan.connectors for ref in c.secrets.values()})
    secrets = secret_values(config, needed)
    args = PlatformArgs(
        plan=plan,
        network=network_args(spec),
        clusters=clusters,
        admin_passwords=admin_passwords,
        admin_usernames=admin_usernames,
        adopt_topics=adopt_topics,
        secret_values=secrets,
        kubernetes=kubernetes,
        cluster_ca_keys=ca_keys,
        irsa=settings.irsa,
        connect_images=connect_images(config),
        partition=partition,
        references=references,
    )
    return Platform(spec.environment, args)


def _partition(spec: PlatformSpec, plan: PlatformPlan, run: PartitionRun | None) -> Partition:
    """The partition ``run`` names of the partitioned ``spec``'s estate."""
    assert spec.partition is not None
    try:
        partitions = partition_estate(plan, spec.partition).partitions
    except PlanError as error:
        raise pulumi.RunError(str(error)) from None
    if run is None or run.partition not in partitions:
        named = f"partition {run.partition!r}" if run else "no partition"
        raise pulumi.RunError(
            f"the estate is partitioned by {spec.partition} and this run names {named} (of "
            f"{', '.join(partitions)}): run `bulkheads up <stack> --all`"
        )
    return partitions[run.partition]


def prepare_local_files(plan: PlatformPlan, cache_dir: Path) -> None:
    """What local workers need on disk before they start, done on ``up`` only (a preview
    writes and fetches nothing): the plugins local pools declare, resolved into the jar
    cache (Maven Central, once), and the directories of FileStream connectors' files."""
    for pool in plan.pools:
        if isinstance(pool.runtime, LocalPoolRuntime):
            for plugin in pool.plugins:
                ensure_plugin(cache_dir, plugin)
    for connector in plan.connectors:
        if FILE_KEY in connector.config:
            Path(connector.config[FILE_KEY]).parent.mkdir(parents=True, exist_ok=True)


def adopted_topics(
    plan: PlatformPlan,
    existing: Mapping[str, frozenset[str]],
    handover: Handover,
) -> dict[str, frozenset[str]]:
    """Per cluster, the topics to import; every existing topic the stack may not take
    over (see :func:`decide_adoption`) is listed in one :class:`pulumi.RunError`, and
    each one taken back after an interrupted update is logged."""
    imports: dict[str, frozenset[str]] = {}
    conflicts: list[str] = []
    managed = handover.managed
    for name, cluster in plan.clusters.items():
        adoption = decide_adoption(
            name,
            cluster.topics,
            existing.get(name, frozenset()),
            None if managed is None else managed.get(name, frozenset()),
            handover.recovered,
        )
        imports[name] = adoption.imports
        conflicts.extend(adoption.conflicts)
        for topic in sorted(adoption.reclaimed):
            pulumi.log.info(
                f"importing topic {topic!r} on cluster {name!r}: it exists unrecorded after "
                "the interrupted update that was just recovered"
            )
    if conflicts:
        raise pulumi.RunError("\n".join(["existing topics are in the way:", *conflicts]))
    return imports


def connect_images(config: pulumi.Config) -> ConnectImages | None:
    """Where Strimzi pushes pool images: ``connectImageRegistry`` and the optional
    ``connectImagePushSecret`` (None when no registry is set)."""
    registry = config.get("connectImageRegistry")
    if not registry:
        return None
    return ConnectImages(registry=registry, push_secret=config.get("connectImagePushSecret"))


def secret_values(config: pulumi.Config, names: list[str]) -> dict[str, pulumi.Output[str]]:
    """Each named secret from the secret map ``bulkheads:secrets``, kept secret.

    The map is read as a secret, so it is known only inside ``apply``: a missing name
    fails the deployment there, naming the command that sets it.
    """
    stored: pulumi.Output[Any] = pulumi.Output.secret(config.get_secret_object("secrets") or {})

    def picker(name: str) -> Callable[[Any], str]:
        def pick(values: Any) -> str:
            if not isinstance(values, dict) or name not in values:
                known = sorted(values) if isinstance(values, dict) else []
                raise ValueError(
                    f"connector secret {name!r} is not set (set: {known}): run "
                    f"`pulumi config set --secret --path 'bulkheads:secrets.{name}' <value>`"
                )
            return str(values[name])

        return pick

    return {name: stored.apply(picker(name)) for name in names}


def main() -> None:
    """Entry point of ``__main__.py``: the SDK cuts of ``sdk_speed`` first, then the platform
    (of the stack, or of one partition of its estate)."""
    sdk_speed.install()
    run = partition_run()
    spec = load_stack_spec(run.estate if run else pulumi.get_stack())
    platform = build_platform(spec, pulumi.Config(CONFIG_NAMESPACE), run)
    pulumi.export("platform", platform.outputs)
    if platform.references:
        pulumi.export(REFERENCES, platform.references)
        pulumi.export(LOGINS, pulumi.Output.secret(platform.logins))
