"""Benchmark: a real ``bulkheads up`` of a generated local estate vs the AdminClient floor.

Run (real Kafka and Connect on 127.0.0.1, the built toolchain; hold the shared lock)::

    flock /tmp/bulkheads-integration.lock .venv/bin/python bench/up_floor.py --pipelines 30

Side by side in one run, each on its own fresh local Kafka (started before the clock):

- the floor: a direct script creating the estate's topics, SCRAM users and ACLs with the
  confluent-kafka AdminClient (one batched request each) and its quotas with one batched
  ``AlterClientQuotas`` of Kafka's Java Admin (``bench/QuotaFloor.java``; confluent-kafka
  has no quota API, so the JVM's start is in the floor);
- the floor with Connect: then, on that data plane, the three pools' workers (side by side)
  and a connector per pipeline through Connect's REST API (``--connect-parallel`` at a
  time, default 64), each waited for until it and its tasks run, with the logins in the
  pools' secret files, as the ``up`` does (``bulkheads.isolation.apply.AppliedStack``);
- ``bulkheads up local --yes`` of the same estate (``tests/estates.py``): validate,
  preview with the pack, apply — which also starts the three pools' Connect workers and
  creates a connector per pipeline, which only the second floor does; then the same ``up``
  again, which changes nothing.

Prints the machine's load before and after, the wall time of each, its ratio to each floor,
the CPU seconds each kind of process used during the ``up`` (engine, program, providers,
pack) and the size of the state file.
``--variant LABEL:KEY=VALUE,…`` (repeatable) runs the two ``up`` once per variant, each with
that engine environment on its own fresh Kafka, one after the other against the same floor,
to compare settings at the same size in one run.
"""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.local_estate import CpuSampler, estate_env, generated_estate, machine  # noqa: E402
from bulkheads.connect import rest  # noqa: E402
from bulkheads.isolation.apply import AppliedStack  # noqa: E402
from bulkheads.local import LocalPlatform  # noqa: E402
from bulkheads.local.ports import free_port  # noqa: E402
from bulkheads.plan.platform import ConnectorPlan, plan_platform  # noqa: E402
from bulkheads.plan.props import quota_config_strings  # noqa: E402
from bulkheads.plan.types import ClusterPlan  # noqa: E402
from bulkheads.spec.loader import load_platform  # noqa: E402

TIMEOUT = 120.0


def floor(
    plan: ClusterPlan,
    admin_config: dict[str, Any],
    passwords: dict[str, str],
    libs: Path,
    work: Path,
) -> dict[str, float]:
    """Create ``plan``'s topics, SCRAM users (``passwords`` by username), ACLs and quotas
    directly; seconds per part."""
    from confluent_kafka import admin as kafka_admin

    client: Any = kafka_admin.AdminClient(admin_config)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    topics = [
        kafka_admin.NewTopic(t.name, t.partitions, t.replication_factor, config=dict(t.config))
        for t in plan.topics
    ]
    for future in client.create_topics(topics, request_timeout=TIMEOUT).values():
        future.result()
    timings["topics"] = time.perf_counter() - start
    start = time.perf_counter()
    info = kafka_admin.ScramCredentialInfo(kafka_admin.ScramMechanism.SCRAM_SHA_512, 4096)
    users = [
        kafka_admin.UserScramCredentialUpsertion(user, info, password.encode())
        for user, password in passwords.items()
    ]
    for future in client.alter_user_scram_credentials(users).values():
        future.result()
    timings["scram users"] = time.perf_counter() - start
    start = time.perf_counter()
    acls = [
        kafka_admin.AclBinding(
            kafka_admin.ResourceType[b.resource_type.upper()],
            b.resource_name,
            kafka_admin.ResourcePatternType[b.pattern_type.upper()],
            grant.principal.kafka_principal,
            b.host,
            kafka_admin.AclOperation[_upper_snake(b.operation)],
            kafka_admin.AclPermissionType.ALLOW,
        )
        for grant in plan.grants
        for b in grant.bindings
    ]
    for future in client.create_acls(acls, request_timeout=TIMEOUT).values():
        future.result()
    timings["acls"] = time.perf_counter() - start
    start = time.perf_counter()
    login = work / "admin.properties"
    login.write_text(
        "".join(f"{k}={v}\n" for k, v in admin_config.items() if not k.startswith("sasl."))
        + f"sasl.mechanism={admin_config['sasl.mechanism']}\n"
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
        f'username="{admin_config["sasl.username"]}" password="{admin_config["sasl.password"]}";\n'
    )
    lines = "".join(
        f"{q.entity_type}\t{q.entity_name}\t"
        + ",".join(f"{k}={v}" for k, v in quota_config_strings(q.config).items())
        + "\n"
        for q in plan.quotas
    )
    subprocess.run(
        ["java", "-cp", f"{work}:{libs}/*", "QuotaFloor", str(login)],
        input=lines, text=True, check=True, timeout=TIMEOUT,
    )  # fmt: skip
    timings["quotas (JVM start included)"] = time.perf_counter() - start
    visible = _check_floor(client, plan, len(acls))
    print(f"  (the broker showed all of it {visible:.1f} s after the last acknowledgement)")
    return timings


def connect_floor(stack: AppliedStack, parallel: int) -> dict[str, float]:
    """On the floor's data plane, start every pool's worker (side by side) and create every
    planned connector through the REST API, ``parallel`` at a time, each waited for until it
    and its tasks run, as the ``up`` waits; seconds per part."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    stack.start_workers()
    timings["workers"] = time.perf_counter() - start
    start = time.perf_counter()

    def create(plan: ConnectorPlan) -> None:
        stack.create(plan.pipeline)
        rest.wait_for_state(stack.rest_url(plan.pipeline), plan.connector, plan.state)

    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(create, stack.plan.connectors))
    timings[f"{len(stack.plan.connectors)} connectors running"] = time.perf_counter() - start
    return timings


def compile_quota_floor(libs: Path, work: Path) -> None:
    """Compile ``QuotaFloor.java`` into ``work`` (before the clock starts)."""
    source = ROOT / "bench" / "QuotaFloor.java"
    subprocess.run(["javac", "-cp", f"{libs}/*", "-d", str(work), str(source)], check=True)


def _check_floor(client: Any, plan: ClusterPlan, acls: int, deadline: float = 600.0) -> float:
    """Seconds until the broker shows every topic, user and ACL the floor created (its
    metadata image applies the controller's records some time after they are acknowledged);
    exits if that takes longer than ``deadline``."""
    from confluent_kafka import admin as kafka_admin

    anything: list[Any] = [None, None, None]
    everything = kafka_admin.AclBindingFilter(
        kafka_admin.ResourceType.ANY, anything[0], kafka_admin.ResourcePatternType.ANY,
        anything[1], anything[2], kafka_admin.AclOperation.ANY, kafka_admin.AclPermissionType.ANY,
    )  # fmt: skip
    users = {p.username for p in plan.principals}
    start = time.perf_counter()
    while True:
        held = (
            len(set(client.list_topics(timeout=TIMEOUT).topics) & {t.name for t in plan.topics}),
            len(set(client.describe_user_scram_credentials().result()) & users),
            len(client.describe_acls(everything).result(timeout=TIMEOUT)),
        )
        if held == (len(plan.topics), len(plan.principals), acls):
            return time.perf_counter() - start
        if time.perf_counter() - start > deadline:
            sys.exit(f"the floor did not create everything: held (topics, users, acls) {held}")
        time.sleep(1)


def _upper_snake(operation: str) -> str:
    """``DescribeConfigs`` -> ``DESCRIBE_CONFIGS`` (confluent-kafka's enum names)."""
    return "".join(f"_{c}" if c.isupper() and i else c for i, c in enumerate(operation)).upper()


def bulkheads_up(env: dict[str, str]) -> tuple[float, dict[str, Any], dict[str, float]]:
    """``bulkheads up local --yes --json``: wall seconds, its document, CPU per process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "bulkheads"), "up", "local", "--yes", "--json"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    sampler = CpuSampler(proc.pid)
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - start
    cpu = sampler.totals()
    if proc.returncode != 0:
        sys.exit(f"bulkheads up exited {proc.returncode}\n{stdout[-4000:]}\n{stderr[-4000:]}")
    return wall, json.loads(stdout), cpu


def _variant(text: str) -> tuple[str, dict[str, str]]:
    """``LABEL:KEY=VALUE,KEY=VALUE`` (``LABEL:`` for none) -> its label and environment."""
    label, _, settings = text.partition(":")
    return label, dict(item.split("=", 1) for item in settings.split(",") if item)


def up_twice(work: Path, pipelines: int, floors: dict[str, float], extra: dict[str, str]) -> None:
    """On its own fresh Kafka, the first and the no-op ``up`` of the estate with ``extra``
    engine environment: each one's wall time, ratio to each floor and CPU, then the state."""
    spec_file, port = generated_estate(work, pipelines)
    env = estate_env(work, spec_file, extra)
    platform = LocalPlatform(state_dir=work / "up" / "local")
    try:
        platform.start_kafka(port=port, controller_port=port + 1, cluster="local", timeout=300)
        for run in ("first up", "no-op up"):
            wall, document, cpu = bulkheads_up(env)
            changes = ", ".join(f"{n} {op}" for op, n in document["changes"].items())
            ratios = ", ".join(
                f"{wall / seconds:.1f}x the {name}" for name, seconds in floors.items()
            )
            print(
                f"  {run}: {wall:.1f} s (apply {document['seconds']} s), {ratios}; "
                f"changes: {changes or 'none'}"
            )
            print("    cpu s: " + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items()))
        states = list((work / "up" / "pulumi" / "backend").rglob("local.json"))
        if states:
            state = json.loads(states[0].read_text())
            resources = len(state["checkpoint"]["latest"]["resources"])
            print(f"  state: {resources} resources, {states[0].stat().st_size / 1e6:.1f} MB")
        print(f"  after: {machine()}")
    finally:
        platform.down()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipelines", type=int, default=30)
    parser.add_argument(
        "--connect-parallel", type=int, default=64,
        help="connectors the Connect floor creates at a time (default 64, the local stack's "
        "engine steps)",
    )  # fmt: skip
    parser.add_argument(
        "--variant", action="append", type=_variant, default=[], metavar="LABEL:KEY=VALUE,…",
        help="engine environment of one series of up runs (repeatable; default: defaults:)",
    )  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="up-floor-") as tmp:
        work = Path(tmp)
        spec_file, _ = generated_estate(work / "floor", args.pipelines)
        (work / "floor" / "data").mkdir()  # the FileStream sinks' files go there
        plan = plan_platform(load_platform(spec_file), ROOT)
        cluster = plan.clusters["local"]
        acls = sum(len(g.bindings) for g in cluster.grants)
        print(
            f"estate: {args.pipelines} pipelines, {len(cluster.topics)} topics, "
            f"{len(cluster.principals)} SCRAM users, {acls} ACLs, {len(cluster.quotas)} quotas"
            f", {len(plan.pools)} workers, {len(plan.connectors)} connectors; {machine()}"
        )
        passwords = {p.username: secrets.token_urlsafe(24) for p in cluster.principals}
        floor_platform = LocalPlatform(state_dir=work / "floor" / "kafka")
        try:
            connection = floor_platform.start_kafka(
                port=free_port(), controller_port=free_port(), cluster="local", timeout=300
            )
            libs = floor_platform.ensure_jars()
            compile_quota_floor(libs, work)
            parts = floor(cluster, {**connection.client_config()}, passwords, libs, work)
            stack = AppliedStack(floor_platform, connection, plan, passwords)
            connect_parts = connect_floor(stack, args.connect_parallel)
        finally:
            floor_platform.down()
        floors = {
            "floor (AdminClient)": sum(parts.values()),
            "floor with Connect": sum(parts.values()) + sum(connect_parts.values()),
        }
        print(f"floor (AdminClient): {floors['floor (AdminClient)']:.1f} s  " + _parts(parts))
        print(
            f"floor with Connect (and the workers and connectors through REST, "
            f"{args.connect_parallel} at a time): {floors['floor with Connect']:.1f} s  "
            + _parts(connect_parts)
        )
        for index, (label, extra) in enumerate(args.variant or [("defaults", {})]):
            print(f"{label} ({', '.join(f'{k}={v}' for k, v in extra.items()) or 'as shipped'}):")
            up_twice(work / f"variant-{index}", args.pipelines, floors, extra)


def _parts(parts: dict[str, float]) -> str:
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in parts.items())


if __name__ == "__main__":
    main()
