"""Cross references and the platform doctrine, checked over a shape-valid PlatformSpec.

Every rule adds Problems; nothing stops at the first one. The rules:

- names: owners, clusters, pools and pipelines follow ``naming``; topics follow the
  ``<contract>.<domain>.<dataset>`` rule;
- references resolve: owners, ``pool.cluster``, ``pipeline.pool``, ``mirror.source_cluster``;
- classes: a pipeline's ``class`` equals its pool's; a pool's cluster serves its class;
- kinds: a source writes and reads nothing; a sink and a replay read; a replay writes;
  a mirror reads and writes nothing itself;
- topics: one writer pipeline per topic on a cluster (``writers``; across clusters it is
  the pack's ``bulkheads-topic-single-writer``, over the plan); a topic lives on the cluster of
  its writer's pool; a pipeline reads only topics some pipeline writes; data crosses
  clusters only through a ``mirror`` pipeline, which copies topics from its
  ``source_cluster`` (≠ its pool's cluster) onto its pool's cluster **under the same
  name**; a topic is copied into a cluster at most once and never into its origin;
- connectors: no ``connector.class``/``tasks.max`` in ``config`` (use ``class`` and
  ``tasks_max``), no key both in ``config`` and ``secrets``, ``topics``/``topic`` in
  ``config`` name declared topics, no ``topics.regex`` (grants are per topic);
- classes are consistent: ``min_insync_replicas <= replication_factor``,
  ``retention_min <= retention <= retention_max``, each
  class's replication factor fits the brokers of every cluster serving it; a topic's
  ``retention`` and a pipeline's ``quota`` stay within their class, its ``alerts``
  within sense (``alert_bounds``);
- clusters: ``automq`` needs ``storage`` and a ``strimzi`` deploy; ``kafka`` has no
  ``storage``; a ``dedicated`` cluster serves one class;
- clients: a cluster's clients have resolving owners, a class the cluster serves, a
  quota within it and client ids unique on the cluster;
- networks: a client has a ``cidr`` on aws and none on a local network; what declared
  CIDRs cover is bounded (``addresses``);
- connectors: no secret in plain ``config``, no record routed to an undeclared topic
  (``connector_rules``); regulated clusters grant nothing to other owners and export only
  declared topics (``regulated``);
- placement: a ``local`` network goes with the ``local`` environment, ``local`` deploys
  and ``local`` runtimes, any other network with none of them; local ports are unique.

- replays and mirrored copies: ``replay_doctrine``; cutovers: ``cutover_rules``.

Rules the pack also enforces are written once, in ``policies/rules`` and run over the plan
by ``bulkheads validate`` (``policies.rules.catalogue``), not here: replays off live pools,
no ``raw.`` writes by sinks and replays, regulated clusters dedicated to their owner,
reads only on the pool's cluster (a mirror's reads on its source cluster stay here).

``unchecked`` names entries that failed shape validation (by section) and the topics they
write (under ``topics``): references to them are not reported again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, cast

from bulkheads.spec.addresses import address_problems
from bulkheads.spec.alert_bounds import alert_problems
from bulkheads.spec.connector_rules import connector_problems
from bulkheads.spec.cutover_rules import cutover_problems
from bulkheads.spec.errors import MISSING, Path, Problem, did_you_mean, one_of
from bulkheads.spec.model import (
    ClassSettings,
    LocalDeploy,
    LocalNetwork,
    LocalRuntime,
    MirrorPipeline,
    MskDeploy,
    PlatformSpec,
    QuotaOverride,
    StrimziDeploy,
    WorkloadClassName,
)
from bulkheads.spec.naming import name_problem, suggest_name, topic_problem
from bulkheads.spec.plugins import plugin_problems
from bulkheads.spec.regulated import regulated_problems
from bulkheads.spec.replay_doctrine import check_replays
from bulkheads.spec.units import format_byte_size, format_duration
from bulkheads.spec.writers import FIX, RULE_ID, WriteClaim, pipeline_writer, writer_conflicts

MANAGED_CONFIG_KEYS = {"connector.class": "class", "tasks.max": "tasks_max"}


def check_doctrine(
    spec: PlatformSpec, unchecked: Mapping[str, set[str]] | None = None
) -> list[Problem]:
    """Every doctrine problem of ``spec`` (empty when it is sound)."""
    return _Checker(spec, unchecked or {}).run()


class _Checker:
    def __init__(self, spec: PlatformSpec, unchecked: Mapping[str, set[str]]) -> None:
        self.spec = spec
        self.unchecked = unchecked
        self.problems: list[Problem] = []

    def run(self) -> list[Problem]:
        self._names()
        self._classes()
        self._clusters()
        self._clients()
        self._placement()
        self._networks()
        self._pools()
        self._pipelines()
        self._topics()
        self.problems += connector_problems(self.spec) + regulated_problems(self.spec)
        self.problems += plugin_problems(self.spec)
        self.problems += check_replays(self.spec)
        self.problems += cutover_problems(self.spec)
        return self.problems

    def add(self, path: Path, message: str, fix: str, value: Any = MISSING) -> None:
        self.problems.append(Problem(path, message, fix, value))

    def _resolves(self, section: str, name: str, path: Path, known: Iterable[str]) -> bool:
        """Whether ``name`` names an entry of ``section``; reports it when it does not."""
        known = list(known)
        if name in known:
            return True
        if name not in self.unchecked.get(section, set()):
            noun = {"owners": "owner", "clusters": "cluster", "pools": "pool"}[section]
            self.add(path, f"no {noun} of that name", did_you_mean(name, known), name)
        return False

    # --- names and classes ---------------------------------------------------------

    def _names(self) -> None:
        for section in ("owners", "clusters", "pools", "pipelines"):
            for name in getattr(self.spec, section):
                why = name_problem(name)
                if why:
                    self.add((section, name), why, f"rename it, e.g. {suggest_name(name)!r}", name)

    def _classes(self) -> None:
        for class_name in ("live", "derived", "replay"):
            settings: ClassSettings = getattr(self.spec.classes, class_name)
            path: Path = ("classes", class_name)
            if settings.min_insync_replicas > settings.replication_factor:
                self.add(
                    (*path, "min_insync_replicas"),
                    f"exceeds replication_factor {settings.replication_factor}",
                    "set min_insync_replicas at most replication_factor",
                    settings.min_insync_replicas,
                )
            if not settings.retention_min <= settings.retention <= settings.retention_max:
                self.add(
                    (*path, "retention"),
                    f"outside the class bounds {format_duration(settings.retention_min)}"
                    f"..{format_duration(settings.retention_max)}",
                    "keep retention_min <= retention <= retention_max",
                    format_duration(settings.retention),
                )

    # --- clusters and placement ----------------------------------------------------

    def _clusters(self) -> None:
        for name, cluster in self.spec.clusters.items():
            path: Path = ("clusters", name)
            self._resolves("owners", cluster.owner, (*path, "owner"), self.spec.owners)
            if len(set(cluster.serves)) != len(cluster.serves):
                self.add(
                    (*path, "serves"), "lists a class twice", "list each class once", cluster.serves
                )
            if cluster.tenancy == "dedicated" and len(set(cluster.serves)) > 1:
                self.add(
                    (*path, "serves"),
                    "a dedicated cluster serves one class",
                    "serve one class, or make the cluster tenancy: shared",
                    cluster.serves,
                )
            if cluster.engine == "automq":
                if cluster.storage is None:
                    self.add(
                        (*path, "storage"),
                        "AutoMQ keeps its data in object storage",
                        "add storage: {bucket_prefix: <name>}",
                    )
                if not isinstance(cluster.deploy, StrimziDeploy):
                    self.add(
                        (*path, "deploy", "kind"),
                        "AutoMQ runs under Strimzi only",
                        "use deploy: {kind: strimzi}, or engine: kafka",
                        cluster.deploy.kind,
                    )
            elif cluster.storage is not None:
                self.add(
                    (*path, "storage"),
                    "only engine automq uses object storage",
                    "remove storage, or use engine: automq",
                )
            for class_name in sorted(set(cluster.serves)):
                factor = self.spec.classes.get(class_name).replication_factor
                if factor > cluster.deploy.brokers:
                    self.add(
                        (*path, "deploy", "brokers"),
                        f"fewer brokers than the replication_factor {factor} of class {class_name}",
                        f"add brokers, or set classes.{class_name}.replication_factor "
                        f"(and min_insync_replicas) to at most {cluster.deploy.brokers}",
                        cluster.deploy.brokers,
                    )

    def _clients(self) -> None:
        for cluster_name, cluster in self.spec.clusters.items():
            ids: dict[str, str] = {}
            for name, client in cluster.clients.items():
                path: Path = ("clusters", cluster_name, "clients", name)
                why = name_problem(name)
                if why:
                    self.add(path, why, f"rename it, e.g. {suggest_name(name)!r}", name)
                self._resolves("owners", client.owner, (*path, "owner"), self.spec.owners)
                if client.workload_class not in cluster.serves:
                    self.add(
                        (*path, "class"),
                        f"cluster {cluster_name!r} does not serve this class "
                        f"(serves: {', '.join(cluster.serves)})",
                        f"use one of {', '.join(cluster.serves)}",
                        client.workload_class,
                    )
                self._quota_bounds((*path, "quota"), client.workload_class, client.quota)
                client_id = client.client_id or name
                if client_id in ids:
                    self.add(
                        (*path, "client_id"),
                        f"client {ids[client_id]!r} of this cluster has this client id",
                        "give each client of a cluster its own client_id",
                        client_id,
                    )
                ids.setdefault(client_id, name)

    def _networks(self) -> None:
        """Declared CIDRs: where security groups exist, and never the whole internet."""
        local = isinstance(self.spec.network, LocalNetwork)
        for cluster_name, cluster in self.spec.clusters.items():
            for name, client in cluster.clients.items():
                path: Path = ("clusters", cluster_name, "clients", name, "cidr")
                if client.cidr is None and not local:
                    self.add(
                        path,
                        "an aws network admits a client only from a declared network",
                        "add cidr: the network the client connects from, e.g. 10.20.0.0/16",
                    )
                elif client.cidr is not None and local:
                    self.add(
                        path,
                        "a local network has no security groups to admit it through",
                        "remove cidr",
                        str(client.cidr),
                    )
        self.problems += address_problems(self.spec)

    def _placement(self) -> None:
        local = isinstance(self.spec.network, LocalNetwork)
        if local != (self.spec.environment == "local"):
            fix = "use network: {kind: local}" if not local else "use environment: local"
            self.add(
                ("environment",),
                f"does not fit network kind {self.spec.network.kind!r}",
                fix,
                self.spec.environment,
            )
        fit = "local" if local else "not local"
        for name, cluster in self.spec.clusters.items():
            if isinstance(cluster.deploy, LocalDeploy) != local:
                self.add(
                    ("clusters", name, "deploy", "kind"),
                    f"does not fit network kind {self.spec.network.kind!r} ({fit})",
                    "use deploy kind local on a local network, strimzi or msk on aws",
                    cluster.deploy.kind,
                )
            zones = getattr(self.spec.network, "zones", 0)
            if isinstance(cluster.deploy, MskDeploy) and zones and cluster.deploy.brokers % zones:
                self.add(
                    ("clusters", name, "deploy", "brokers"),
                    f"cannot spread evenly over the network's {zones} zones (MSK needs that)",
                    f"use a multiple of network.zones ({zones}, {2 * zones}, ...)",
                    cluster.deploy.brokers,
                )
        for name, pool in self.spec.pools.items():
            if isinstance(pool.runtime, LocalRuntime) != local:
                self.add(
                    ("pools", name, "runtime", "kind"),
                    f"does not fit network kind {self.spec.network.kind!r} ({fit})",
                    "use runtime kind local on a local network, kubernetes on aws",
                    pool.runtime.kind,
                )
        self._local_ports()

    def _local_ports(self) -> None:
        """Every local port is claimed once: a cluster's listener and its KRaft controller
        listener (the next port), each pool's REST port."""
        taken: dict[int, tuple[Path, str]] = {}
        claims: list[tuple[int, Path, str, object]] = []
        controller = "its KRaft controller port"
        for name, cluster in self.spec.clusters.items():
            if isinstance(cluster.deploy, LocalDeploy):
                path: Path = ("clusters", name, "deploy", "bootstrap")
                port = cluster.deploy.port
                claims.append((port, path, "", port))
                claims.append((cluster.deploy.controller_port, path, controller, port))
        for name, pool in self.spec.pools.items():
            if isinstance(pool.runtime, LocalRuntime):
                port = pool.runtime.rest_port
                claims.append((port, ("pools", name, "runtime", "rest_port"), "", port))
        for port, path, what, value in claims:
            if port not in taken:
                taken[port] = (path, what)
                continue
            owner_path, owner_what = taken[port]
            owner = ".".join(str(part) for part in owner_path[:2])
            if owner_what:
                owner += f" ({owner_what}, bootstrap + 1)"
            mine = f"{what} {port} (bootstrap + 1)" if what else f"port {port}"
            self.add(path, f"{mine} is already used by {owner}", "pick a free port", value)

    # --- pools and pipelines -------------------------------------------------------

    def _pools(self) -> None:
        for name, pool in self.spec.pools.items():
            path: Path = ("pools", name)
            self._resolves("owners", pool.owner, (*path, "owner"), self.spec.owners)
            if not self._resolves("clusters", pool.cluster, (*path, "cluster"), self.spec.clusters):
                continue
            serves = self.spec.clusters[pool.cluster].serves
            if pool.workload_class not in serves:
                self.add(
                    (*path, "class"),
                    f"cluster {pool.cluster!r} does not serve this class "
                    f"(serves: {', '.join(serves)})",
                    f"add {pool.workload_class} to clusters.{pool.cluster}.serves, "
                    "or put the pool on a cluster that serves it",
                    pool.workload_class,
                )

    def _pipelines(self) -> None:
        for name, pipeline in self.spec.pipelines.items():
            path: Path = ("pipelines", name)
            self._resolves("owners", pipeline.owner, (*path, "owner"), self.spec.owners)
            self._kind_shape(name)
            self._topic_names(name)
            self._connector(name)
            if not self._resolves("pools", pipeline.pool, (*path, "pool"), self.spec.pools):
                continue
            pool = self.spec.pools[pipeline.pool]
            if pipeline.workload_class and pipeline.workload_class != pool.workload_class:
                self.add(
                    (*path, "class"),
                    f"pool {pipeline.pool!r} runs class {pool.workload_class}",
                    "remove class (it comes from the pool), "
                    f"or use a {pipeline.workload_class} pool",
                    pipeline.workload_class,
                )
            if isinstance(pipeline, MirrorPipeline):
                self._mirror_source(name, pipeline, pool.cluster)
            self._class_bounds(name)

    def _mirror_source(self, name: str, pipeline: MirrorPipeline, target: str) -> None:
        path: Path = ("pipelines", name, "source_cluster")
        if not self._resolves("clusters", pipeline.source_cluster, path, self.spec.clusters):
            return
        if pipeline.source_cluster == target:
            others = [c for c in self.spec.clusters if c != target]
            self.add(
                path,
                "is the cluster of the mirror's own pool; a mirror copies from another cluster",
                one_of(others),
                pipeline.source_cluster,
            )

    def _kind_shape(self, name: str) -> None:
        pipeline = self.spec.pipelines[name]
        path: Path = ("pipelines", name)
        kind = pipeline.kind
        if kind == "source" and pipeline.reads:
            self.add(
                (*path, "reads"),
                "a source reads an external system, not topics",
                "remove reads, or make it a sink or a replay",
                pipeline.reads,
            )
        if kind in ("source", "replay") and not pipeline.writes:
            self.add(
                (*path, "writes"),
                f"a {kind} pipeline writes at least one topic",
                "add writes: [{topic: <contract>.<domain>.<dataset>}]",
            )
        if kind in ("sink", "replay", "mirror") and not pipeline.reads:
            self.add(
                (*path, "reads"),
                f"a {kind} pipeline reads at least one topic",
                "add reads: [<topic>]",
            )
        if kind == "mirror" and pipeline.writes:
            self.add(
                (*path, "writes"),
                "a mirror writes the topics it reads, under the same name",
                "remove writes",
                [w.topic for w in pipeline.writes],
            )

    def _topic_names(self, name: str) -> None:
        pipeline = self.spec.pipelines[name]
        named: list[tuple[Path, str]] = [
            (("pipelines", name, "writes", i, "topic"), w.topic)
            for i, w in enumerate(pipeline.writes)
        ]
        named += [
            (("pipelines", name, "reads", i), topic) for i, topic in enumerate(pipeline.reads)
        ]
        seen: set[tuple[str, str]] = set()
        for path, topic in named:
            why = topic_problem(topic)
            if why:
                self.add(path, why, "name it like raw.payments.transactions", topic)
            listed = (str(path[2]), topic)  # reads and writes are checked separately
            if listed in seen:
                self.add(path, "listed twice in this pipeline", "list each topic once", topic)
            seen.add(listed)

    def _connector(self, name: str) -> None:
        pipeline = self.spec.pipelines[name]
        connector = pipeline.connector
        path: Path = ("pipelines", name, "connector")
        for key, field in MANAGED_CONFIG_KEYS.items():
            if key in connector.config:
                self.add(
                    (*path, "config", key),
                    f"set by connector.{field}",
                    f"remove it and set connector.{field}",
                    connector.config[key],
                )
        for key in sorted(set(connector.config) & set(connector.secrets)):
            self.add(
                (*path, "secrets", key),
                "also set in config",
                "keep a secret value in secrets only",
                connector.secrets[key],
            )
        if "topics.regex" in connector.config:
            self.add(
                (*path, "config", "topics.regex"),
                "access is granted per declared topic",
                "list the topics in reads and remove topics.regex",
                connector.config["topics.regex"],
            )
        declared = set(pipeline.reads) | set(pipeline.written_topics)
        for key in ("topics", "topic"):
            if key not in connector.config:
                continue
            named = [t.strip() for t in connector.config[key].split(",") if t.strip()]
            undeclared = [t for t in named if t not in declared]
            if undeclared:
                self.add(
                    (*path, "config", key),
                    f"names topics the pipeline does not declare: {', '.join(undeclared)}",
                    "declare them in reads/writes, or name only declared topics",
                    connector.config[key],
                )

    def _class_bounds(self, name: str) -> None:
        pipeline = self.spec.pipelines[name]
        class_name = self.spec.class_of(name)
        settings = self.spec.classes.get(class_name)
        for index, write in enumerate(pipeline.writes):
            if write.retention is not None and not (
                settings.retention_min <= write.retention <= settings.retention_max
            ):
                self.add(
                    ("pipelines", name, "writes", index, "retention"),
                    f"outside the {class_name} class bounds "
                    f"{format_duration(settings.retention_min)}..{format_duration(settings.retention_max)}",
                    f"use a retention within the bounds, or change classes.{class_name}",
                    format_duration(write.retention),
                )
        self._quota_bounds(("pipelines", name, "quota"), class_name, pipeline.quota)
        self.problems.extend(alert_problems(self.spec, name))

    def _quota_bounds(
        self, path: Path, class_name: WorkloadClassName, override: QuotaOverride | None
    ) -> None:
        if override is None:
            return
        limits = self.spec.classes.get(class_name).quota.model_dump()
        for key, value in override.model_dump(exclude_none=True).items():
            if value > limits[key]:
                shown = format_byte_size(limits[key]) if key.endswith("byte_rate") else limits[key]
                given = format_byte_size(value) if key.endswith("byte_rate") else value
                self.add(
                    (*path, key),
                    f"above the {class_name} class limit {shown}",
                    f"use at most {shown}, or raise classes.{class_name}.quota.{key}",
                    given,
                )

    # --- topics across pipelines and clusters --------------------------------------

    def _topics(self) -> None:
        spec = self.spec
        placed = {
            name: spec.pools[p.pool].cluster
            for name, p in spec.pipelines.items()
            if p.pool in spec.pools and spec.pools[p.pool].cluster in spec.clusters
        }
        second = self._second_writers(placed)
        writer: dict[str, str] = {}
        present: dict[str, set[str]] = defaultdict(set)  # cluster -> topics
        origin: dict[str, str] = {}  # topic -> cluster of its writer
        for name, pipeline in spec.pipelines.items():
            for index, write in enumerate(pipeline.writes):
                if ("pipelines", name, "writes", index, "topic") in second:
                    continue
                if name in placed and not isinstance(pipeline, MirrorPipeline):
                    present[placed[name]].add(write.topic)
                if write.topic in writer:
                    continue  # another cluster's writer: the pack rule, over the plan
                writer[write.topic] = name
                if name in placed and not isinstance(pipeline, MirrorPipeline):
                    origin[write.topic] = placed[name]
        mirrors = {
            name: pipeline
            for name, pipeline in spec.pipelines.items()
            if isinstance(pipeline, MirrorPipeline)
            and name in placed
            and pipeline.source_cluster in spec.clusters
            and pipeline.source_cluster != placed[name]
        }
        copied: dict[tuple[str, str], str] = {}  # (cluster, topic) -> mirror
        changed = True
        while changed:
            changed = False
            for name, mirror in mirrors.items():
                for topic in mirror.reads:
                    key = (placed[name], topic)
                    if topic in present[mirror.source_cluster] and key not in copied:
                        if topic not in present[placed[name]]:
                            present[placed[name]].add(topic)
                        copied[key] = name
                        changed = True
        self._mirror_conflicts(mirrors, placed, origin, copied, writer)
        # Where a pipeline with a broken pool reference writes is unknown: reads of its
        # topics are not reported again (its pool already is).
        unplaced = {topic for topic, name in writer.items() if name not in placed}
        for name, pipeline in spec.pipelines.items():
            if name not in placed:
                continue
            cluster = mirrors[name].source_cluster if name in mirrors else placed[name]
            if isinstance(pipeline, MirrorPipeline) and name not in mirrors:
                continue
            for index, topic in enumerate(pipeline.reads):
                if topic not in present[cluster] | unplaced and topic_problem(topic) is None:
                    self._unreadable(name, index, topic, cluster, present)

    def _second_writers(self, placed: Mapping[str, str]) -> set[Path]:
        """Report the writes of a topic by a second writer that the plan cannot hold (on
        one cluster, or unplaced; ``bulkheads.spec.writers``); their paths. Writers on
        different clusters are ``bulkheads-topic-single-writer``'s, over the plan."""
        claims = [
            WriteClaim(write.topic, pipeline_writer(name), placed.get(name), anchor=path)
            for name, pipeline in self.spec.pipelines.items()
            for index, write in enumerate(pipeline.writes)
            for path in [("pipelines", name, "writes", index, "topic")]
        ]
        reported: set[Path] = set()
        for conflict in writer_conflicts(claims):
            if conflict.cluster is None and all(c.cluster for c in conflict.claims):
                continue
            for claim in conflict.others():
                path = cast(Path, claim.anchor)
                if path not in reported:
                    reported.add(path)
                    wrong = f"{RULE_ID} (mandatory): already written by {conflict.first.writer}"
                    self.add(path, wrong, FIX, claim.topic)
        return reported

    def _mirror_conflicts(
        self,
        mirrors: Mapping[str, MirrorPipeline],
        placed: Mapping[str, str],
        origin: Mapping[str, str],
        copied: Mapping[tuple[str, str], str],
        writer: Mapping[str, str],
    ) -> None:
        for name, mirror in mirrors.items():
            target = placed[name]
            for index, topic in enumerate(mirror.reads):
                path: Path = ("pipelines", name, "reads", index)
                if origin.get(topic) == target:
                    self.add(
                        path,
                        f"is written on cluster {target!r} by pipeline {writer[topic]!r}",
                        "a mirror never copies a topic back to its origin; remove it",
                        topic,
                    )
                elif copied.get((target, topic), name) != name:
                    self.add(
                        path,
                        f"already copied to cluster {target!r} by mirror "
                        f"{copied[(target, topic)]!r}",
                        "mirror each topic into a cluster once; remove it",
                        topic,
                    )

    def _unreadable(
        self, name: str, index: int, topic: str, cluster: str, present: Mapping[str, set[str]]
    ) -> None:
        path: Path = ("pipelines", name, "reads", index)
        elsewhere = sorted(c for c, topics in present.items() if topic in topics)
        if elsewhere and self.spec.pipelines[name].kind != "mirror":
            return  # bulkheads-runtime-pipeline-on-pool-cluster, over the plan
        if elsewhere:
            self.add(
                path,
                f"lives on cluster {', '.join(elsewhere)}, not on {cluster!r}",
                f"declare a mirror pipeline from {elsewhere[0]!r} on a pool of {cluster!r}",
                topic,
            )
        elif topic not in self.unchecked.get("topics", set()):
            known = sorted(set().union(self.unchecked.get("topics", set()), *present.values()))
            hint = did_you_mean(topic, known)
            if not hint.startswith("did you mean"):
                hint = "declare the pipeline that writes it"
            self.add(path, "no pipeline writes this topic", hint, topic)
