"""The ``local`` stack, for real: the Pulumi engine built from the Go module proxy, our Python
language host, the bridged kafka provider, a KRaft Kafka and Connect workers on 127.0.0.1.

One module-scoped ``pulumi up`` (state dirs, free ports and connector files of its own, so
it runs beside a ``make up``), then the
tests in order: what Kafka and Connect hold equals the plan, data flows through every
connector, a second ``up`` changes nothing, real clients meet the ACL boundaries, drift is
found and repaired, stack changes pause/resume and reconfigure connectors in place, and
``destroy`` removes everything but the live topics, which are retained by design.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from bulkheads.cli import main
from bulkheads.engine import Engine
from bulkheads.local import KafkaConnection, LocalPlatform
from bulkheads.local.jars import kafka_home
from bulkheads.local.postgres import LocalPostgres
from bulkheads.plan.platform import PlatformPlan, plan_platform
from bulkheads.spec.loader import load_platform
from bulkheads.verify.credentials import passwords_in_state
from bulkheads.verify.findings import Finding
from bulkheads.verify.run import verify_stack
from bulkheads.verify.throttle import produce_throttle_ms
from tests.integration.local_stack import isolated_spec

pytestmark = pytest.mark.integration
admin_api = pytest.importorskip("confluent_kafka.admin")
kafka = pytest.importorskip("confluent_kafka")

STACK = "local"
ROOT = Path(__file__).resolve().parents[2]
SPEC_FILE = ROOT / "stacks" / f"Pulumi.{STACK}.yaml"
DEADLINE = 90.0


@dataclass
class Stack:
    engine: Engine
    harness: LocalPlatform
    connection: KafkaConnection
    plan: PlatformPlan
    admin: Any
    spec_file: Path
    up_output: str = ""
    destroyed: bool = False

    def pulumi(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.engine.run(*args, "--stack", STACK, capture=True, check=check)

    def up(self, spec: Path | None = None) -> str:
        os.environ["BULKHEADS_SPEC_FILE"] = str(spec or self.spec_file)
        try:
            return self.pulumi("up", "--yes", "--skip-preview").stdout
        finally:
            os.environ["BULKHEADS_SPEC_FILE"] = str(self.spec_file)

    def rest(self, pool: str) -> str:
        runtime = next(p.runtime for p in self.plan.pools if p.worker.pool == pool)
        return f"http://127.0.0.1:{runtime.rest_port}"  # type: ignore[union-attr]

    def client(self, username: str, **extra: Any) -> dict[str, Any]:
        return {
            "bootstrap.servers": self.connection.bootstrap,
            "security.protocol": "SASL_PLAINTEXT",
            "sasl.mechanism": "SCRAM-SHA-512",
            "sasl.username": username,
            "sasl.password": self.passwords()[username],
            **extra,
        }

    def passwords(self) -> dict[str, str]:
        """Every SCRAM user's password, from the stack's state (``--show-secrets``)."""
        return passwords_in_state(
            json.loads(self.pulumi("stack", "export", "--show-secrets").stdout)
        )


def _restore(key: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(key, None)
    else:
        os.environ[key] = value


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int]
) -> Iterator[Stack]:
    state = tmp_path_factory.mktemp("stack-local")
    keys = ("BULKHEADS_STATE_DIR", "BULKHEADS_PULUMI_DIR", "BULKHEADS_SPEC_FILE")
    saved = {key: os.environ.get(key) for key in keys}
    spec_file, port = isolated_spec(state, free_port)
    os.environ["BULKHEADS_STATE_DIR"] = str(state / "local")
    os.environ["BULKHEADS_PULUMI_DIR"] = str(state / "pulumi")
    os.environ["BULKHEADS_SPEC_FILE"] = str(spec_file)
    harness = LocalPlatform(state_dir=state / "local")
    engine: Engine | None = None
    stack: Stack | None = None
    try:
        connection = harness.start_kafka(port=port, controller_port=free_port(), cluster="local")
        engine = Engine.ensure()
        engine.select_stack(STACK)
        admin = admin_api.AdminClient(connection.client_config())
        plan = plan_platform(load_platform(spec_file), ROOT)
        stack = Stack(engine, harness, connection, plan, admin, spec_file)
        stack.up_output = stack.up()
        yield stack
    finally:
        if engine is not None and not (stack and stack.destroyed):
            engine.run("destroy", "--yes", "--skip-preview", "--stack", STACK, check=False)
        harness.down()
        for key, value in saved.items():
            _restore(key, value)


def eventually(check: Callable[[], Any], what: str, timeout: float = DEADLINE) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(1)


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def acl_set(admin: Any) -> set[tuple[str, str, str, str]]:
    bindings = admin.describe_acls(
        admin_api.AclBindingFilter(
            admin_api.ResourceType.ANY, None, admin_api.ResourcePatternType.ANY,
            None, None, admin_api.AclOperation.ANY, admin_api.AclPermissionType.ANY,
        )
    ).result(timeout=30)  # fmt: skip
    return {
        (b.principal, b.restype.name.lower(), b.name, b.operation.name.lower()) for b in bindings
    }


def planned_acls(plan: PlatformPlan) -> set[tuple[str, str, str, str]]:
    planned = set()
    for cluster in plan.clusters.values():
        for grant in cluster.grants:
            for b in grant.bindings:
                operation = re.sub(r"(?<!^)([A-Z])", r"_\1", b.operation).lower()
                resource = {"TransactionalID": "transactional_id"}.get(
                    b.resource_type, b.resource_type.lower()
                )
                planned.add((grant.principal.kafka_principal, resource, b.resource_name, operation))
    return planned


def described_quotas(stack: Stack) -> str:
    """ConfigCommand's description of the user and the client-id quotas."""
    return _describe_quotas(stack, "users") + _describe_quotas(stack, "clients")


def _describe_quotas(stack: Stack, entity_type: str) -> str:
    return config_command(stack, "--describe", "--entity-type", entity_type)


def config_command(stack: Stack, *args: str) -> str:
    """Kafka's ConfigCommand against the stack's cluster, as its admin."""
    config = stack.harness.kafka_dir("local") / "test-admin.properties"
    config.write_text(
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n"
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
        f'username="{stack.connection.username}" password="{stack.connection.password}";\n'
    )
    classpath = str(kafka_home(stack.harness.cache_dir) / "libs" / "*")
    return subprocess.run(
        ["java", "-Xmx256m", "-cp", classpath, "kafka.admin.ConfigCommand",
         "--bootstrap-server", stack.connection.bootstrap, "--command-config", str(config),
         *args],
        check=True, capture_output=True, text=True, timeout=120,
    ).stdout  # fmt: skip


def test_up_provisions_the_planned_topics_users_acls_and_quotas(stack: Stack) -> None:
    plan = stack.plan.clusters["local"]
    topics = stack.admin.list_topics(timeout=30).topics
    assert {t.name for t in plan.topics} <= set(topics)
    for topic in plan.topics:
        assert len(topics[topic.name].partitions) == topic.partitions, topic.name
    resource = admin_api.ConfigResource(admin_api.ResourceType.TOPIC, "raw.orders.events")
    live = stack.admin.describe_configs([resource])[resource].result(timeout=30)
    planned = next(t for t in plan.topics if t.name == "raw.orders.events")
    for key, value in planned.config.items():
        assert live[key].value == value, key

    users = stack.admin.describe_user_scram_credentials().result(timeout=30)
    assert {p.username for p in plan.principals} <= set(users)

    assert planned_acls(stack.plan) == acl_set(stack.admin)

    described = described_quotas(stack)
    assert any(quota.entity_type == "client-id" for quota in plan.quotas)
    for quota in plan.quotas:
        entity = {"user": "user-principal", "client-id": "client-id"}[quota.entity_type]
        line = next(ln for ln in described.splitlines() if f"{entity} '{quota.entity_name}'" in ln)
        live_quota = dict(pair.split("=") for pair in line.split(" are ", 1)[1].split(", "))
        assert {k: float(v) for k, v in live_quota.items()} == {
            k: float(v) for k, v in quota.config.items()
        }, line


def test_connectors_run_only_in_their_own_pools(stack: Stack) -> None:
    for pool in stack.plan.pools:
        listed = set(get_json(f"{stack.rest(pool.worker.pool)}/connectors"))
        declared = {c.connector for c in stack.plan.connectors if c.pool == pool.worker.pool}
        assert listed == declared, pool.worker.pool
        scheduled = {c.connector for c in stack.plan.connectors if c.scheduled}
        for connector in declared:
            status = get_json(f"{stack.rest(pool.worker.pool)}/connectors/{connector}/status")
            if connector in scheduled:  # replays wait, stopped, for the scheduler
                assert (status["connector"]["state"], status["tasks"]) == ("STOPPED", []), status
                continue
            assert status["connector"]["state"] == "RUNNING", status
            assert [t["state"] for t in status["tasks"]] == ["RUNNING"], status


def test_records_flow_from_source_through_sink_and_replay(stack: Stack) -> None:
    files = {
        c.pipeline: Path(c.config["file"]) for c in stack.plan.connectors if "file" in c.config
    }
    marker = f"order-{time.time_ns()}"
    with files["orders-events"].open("a") as source:
        source.write(json.dumps({"id": marker, "amount": 42}) + "\n")

    def arrived(path: Path) -> bool:
        return path.exists() and marker in path.read_text()

    eventually(lambda: arrived(files["orders-archive"]), "the sink file to get the record")
    assert replay_tick(stack) == 0  # inside the local window: the replay starts
    eventually(lambda: arrived(files["orders-rebuilt-export"]), "the replayed record")


def replay_tick(stack: Stack, *extra: str) -> int:
    """One scheduler tick of the stack's replays, at noon UTC (inside 00:00-23:59)."""
    noon = time.strftime("%Y-%m-%dT12:00:00Z", time.gmtime())
    return main(["replay", "tick", str(stack.spec_file), "--now", noon, *extra])


def replay_state(stack: Stack) -> str:
    status = get_json(f"{stack.rest('replay')}/connectors/orders-rebuild/status")
    return str(status["connector"]["state"])


def test_second_up_changes_nothing(stack: Stack) -> None:
    preview = stack.pulumi("preview", "--expect-no-changes", check=False)
    assert preview.returncode == 0, preview.stdout[-3000:]


def test_up_after_the_scheduler_started_or_stopped_a_replay_changes_nothing(
    stack: Stack,
) -> None:
    assert replay_state(stack) == "RUNNING"  # started by the tick above
    preview = stack.pulumi("preview", "--refresh", "--expect-no-changes", check=False)
    assert preview.returncode == 0, preview.stdout[-3000:]
    assert main(["replay", "stop", "orders-rebuild", "--stack", str(stack.spec_file)]) == 0
    assert replay_state(stack) == "STOPPED"
    output = stack.pulumi("up", "--yes", "--refresh", "--skip-preview").stdout
    assert "orders-rebuild-rest updated" not in output, output[-2000:]
    assert replay_state(stack) == "STOPPED"
    assert main(["replay", "rerun", "orders-rebuild", "--stack", str(stack.spec_file)]) == 0
    assert replay_tick(stack) == 0 and replay_state(stack) == "RUNNING"


def verified(stack: Stack) -> list[Finding]:
    return verify_stack(stack.spec_file, stack.passwords, platform=stack.harness)


def failing(findings: list[Finding]) -> set[tuple[str, str, str]]:
    return {(f.boundary, f.check, f.subject) for f in findings if f.outcome == "fail"}


def test_verify_passes_on_the_freshly_provisioned_platform(stack: Stack) -> None:
    findings = verified(stack)
    assert failing(findings) == set(), [f for f in findings if f.outcome != "pass"]
    probed = {f.subject for f in findings if f.boundary == "access"}
    assert probed == {p.username for p in stack.plan.clusters["local"].principals}
    assert {f.boundary for f in findings} == {"access", "drift", "quota", "runtime"}

    cli = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "bulkheads"), "verify", STACK, "--json"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr[-2000:]
    report = json.loads(cli.stdout)
    assert report["verdict"]["ok"] and report["verdict"]["fail"] == 0
    assert all(password not in cli.stdout for password in stack.passwords().values())


def _alter_quota(stack: Stack, user: str, change: list[str]) -> None:
    config_command(stack, "--alter", "--entity-type", "users", "--entity-name", user, *change)


def test_verify_names_the_boundary_after_each_out_of_band_break(stack: Stack) -> None:
    # an ACL granted by hand: the sink's principal may now read the live pool's group
    by_hand = admin_api.AclBinding(
        admin_api.ResourceType.GROUP, "connect.live-ingest", admin_api.ResourcePatternType.LITERAL,
        "User:pipeline.orders-archive", "127.0.0.1", admin_api.AclOperation.READ,
        admin_api.AclPermissionType.ALLOW,
    )  # fmt: skip
    undo = admin_api.AclBindingFilter(
        admin_api.ResourceType.GROUP, "connect.live-ingest", admin_api.ResourcePatternType.LITERAL,
        "User:pipeline.orders-archive", "127.0.0.1", admin_api.AclOperation.READ,
        admin_api.AclPermissionType.ALLOW,
    )  # fmt: skip
    stack.admin.create_acls([by_hand])[by_hand].result(timeout=30)
    try:
        broken = failing(verified(stack))
    finally:
        stack.admin.delete_acls([undo])[undo].result(timeout=30)
    assert ("access", "foreign-group", "pipeline.orders-archive") in broken
    assert {b for b, _, _ in broken} == {"access", "drift"}, broken

    # a quota removed
    quota = next(q for q in stack.plan.clusters["local"].quotas
                 if q.entity_name == "pipeline.orders-rebuild")  # fmt: skip
    _alter_quota(stack, quota.entity_name, ["--delete-config", ",".join(quota.config)])
    try:
        broken = failing(verified(stack))
    finally:
        values = ",".join(f"{key}={value}" for key, value in quota.config.items())
        _alter_quota(stack, quota.entity_name, ["--add-config", values])
    assert broken == {("quota", "entity", "user pipeline.orders-rebuild")}

    # a connector created in the wrong pool
    rest = stack.rest("replay")
    stray = {"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
             "topics": "raw.orders.events", "file": "/dev/null"}  # fmt: skip
    request = urllib.request.Request(
        f"{rest}/connectors/stray/config", data=json.dumps(stray).encode(), method="PUT",
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    urllib.request.urlopen(request, timeout=30).close()
    try:
        broken = failing(verified(stack))
    finally:
        delete = urllib.request.Request(f"{rest}/connectors/stray", method="DELETE")
        urllib.request.urlopen(delete, timeout=30).close()
    assert broken == {("runtime", "connector-pool", "stray")}
    assert failing(verified(stack)) == set()


def test_sink_credentials_meet_the_acl_boundaries(stack: Stack) -> None:
    producer = kafka.Producer(stack.client("pipeline.orders-archive"))
    errors: list[Any] = []
    producer.produce("raw.orders.events", b"x", on_delivery=lambda err, _msg: errors.append(err))
    producer.flush(30)
    assert errors and errors[0].code() == kafka.KafkaError.TOPIC_AUTHORIZATION_FAILED

    consumer = kafka.Consumer(
        stack.client("pipeline.orders-archive", **{"group.id": "connect-orders-archive"})
    )
    try:
        metadata = consumer.list_topics("derived.orders.rebuilt", timeout=30)
        error = metadata.topics["derived.orders.rebuilt"].error
        assert error is not None and error.code() == kafka.KafkaError.TOPIC_AUTHORIZATION_FAILED
    finally:
        consumer.close()

    source_admin = admin_api.AdminClient(stack.client("pipeline.orders-events"))
    visible = source_admin.list_topics(timeout=30).topics
    assert not any(name.startswith("_connect.") for name in visible), sorted(visible)


def test_refresh_finds_a_deleted_acl_and_up_restores_it(stack: Stack) -> None:
    victim = admin_api.AclBindingFilter(
        admin_api.ResourceType.TOPIC, "raw.orders.events", admin_api.ResourcePatternType.LITERAL,
        "User:pipeline.orders-archive", None, admin_api.AclOperation.READ,
        admin_api.AclPermissionType.ALLOW,
    )  # fmt: skip
    key = ("User:pipeline.orders-archive", "topic", "raw.orders.events", "read")
    stack.admin.delete_acls([victim])[victim].result(timeout=30)
    assert key not in acl_set(stack.admin)

    drift = stack.pulumi("preview", "--refresh", "--expect-no-changes", check=False)
    assert drift.returncode != 0, "a deleted ACL must show up as drift"
    stack.pulumi("up", "--yes", "--refresh", "--skip-preview")
    assert key in acl_set(stack.admin)

    # the sink's task may have failed on the missing grant meanwhile; Connect leaves a
    # failed task failed, so the operator restarts it once the boundary is back
    rest = stack.rest("derived-sinks")
    request = urllib.request.Request(
        f"{rest}/connectors/orders-archive/restart?includeTasks=true&onlyFailed=true",
        method="POST",
    )
    urllib.request.urlopen(request, timeout=30).close()

    def running() -> bool:
        status = get_json(f"{rest}/connectors/orders-archive/status")
        return [t["state"] for t in status["tasks"]] == ["RUNNING"]

    eventually(running, "the sink's task to run again")


def _changed_spec(stack: Stack, tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    document = yaml.safe_load(stack.spec_file.read_text())
    change(document["config"]["bulkheads:platform"])
    path = tmp_path / "Pulumi.local.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def test_stack_changes_pause_resume_and_reconfigure_in_place(stack: Stack, tmp_path: Path) -> None:
    rest = stack.rest("derived-sinks")
    offsets_before = get_json(f"{rest}/connectors/orders-archive/offsets")

    def pause(spec: dict[str, Any]) -> None:
        spec["pipelines"]["orders-archive"]["connector"]["state"] = "paused"

    output = stack.up(_changed_spec(stack, tmp_path, pause))
    assert "local-connector-orders-archive-rest updated" in output, output[-2000:]
    assert "[diff: ~state]" in output and "replace" not in output
    status = get_json(f"{rest}/connectors/orders-archive/status")
    assert status["connector"]["state"] == "PAUSED"

    def reconfigure(spec: dict[str, Any]) -> None:
        config = spec["pipelines"]["orders-archive"]["connector"]["config"]
        config["file"] = str(Path(config["file"]).with_name("orders-archive-v2.jsonl"))

    output = stack.up(_changed_spec(stack, tmp_path, reconfigure))
    assert "local-connector-orders-archive-rest updated" in output, output[-2000:]
    assert "[diff: ~config,state]" in output and "replace" not in output
    status = get_json(f"{rest}/connectors/orders-archive/status")
    assert status["connector"]["state"] == "RUNNING"
    assert get_json(f"{rest}/connectors/orders-archive/config")["file"].endswith("-v2.jsonl")
    assert get_json(f"{rest}/connectors/orders-archive/offsets") == offsets_before

    stack.up()
    assert get_json(f"{rest}/connectors/orders-archive/config")["file"].endswith(
        "orders-archive.jsonl"
    )


def test_debezium_cdc_source_streams_postgres_changes(
    stack: Stack, tmp_path: Path, free_port: Callable[[], int]
) -> None:
    """A Debezium PostgreSQL source on the live pool, its password a stack secret."""
    pg_dir = Path(tempfile.mkdtemp(prefix="bulkheads-pg-"))
    pg_dir.chmod(0o755)  # the server runs as the postgres user
    postgres = LocalPostgres(pg_dir / "server")
    database = postgres.start(free_port(), f"cdc-{secrets.token_hex(8)}")
    config_file = tmp_path / "stack-config.yaml"
    shutil.copy(SPEC_FILE, config_file)
    try:
        postgres.sql(
            database,
            "create schema orders; create table orders.payments"
            "(id serial primary key, amount int not null); "
            "insert into orders.payments(amount) values (42)",
        )
        stack.pulumi("config", "set", "--secret", "--path", "bulkheads:secrets.orders-db-password",
                     database.password, "--config-file", str(config_file))  # fmt: skip

        def add_cdc(spec: dict[str, Any]) -> None:
            spec["pipelines"]["orders-cdc"] = {
                "kind": "source",
                "owner": "orders",
                "pool": "live-ingest",
                "connector": {
                    "class": "io.debezium.connector.postgresql.PostgresConnector",
                    "config": {
                        "database.hostname": "127.0.0.1",
                        "database.port": database.port,
                        "database.user": database.user,
                        "database.dbname": "postgres",
                        "plugin.name": "pgoutput",
                        "slot.name": "orders_cdc",
                        "publication.autocreate.mode": "filtered",
                        "table.include.list": "orders.payments",
                        "topic.prefix": "raw",
                    },
                    "secrets": {"database.password": "orders-db-password"},
                },
                "writes": [{"topic": "raw.orders.payments", "partitions": 1}],
            }

        os.environ["BULKHEADS_SPEC_FILE"] = str(_changed_spec(stack, tmp_path, add_cdc))
        try:
            # with its preview: a new principal's password is unknown until applied
            output = stack.pulumi("up", "--yes", "--config-file", str(config_file)).stdout
        finally:
            os.environ["BULKHEADS_SPEC_FILE"] = str(stack.spec_file)
        assert database.password not in output
        postgres.sql(database, "insert into orders.payments(amount) values (4242)")

        consumer = kafka.Consumer(
            {**stack.connection.client_config(), "group.id": "cdc-check",
             "auto.offset.reset": "earliest"}
        )  # fmt: skip
        consumer.subscribe(["raw.orders.payments"])
        amounts: list[int] = []

        def both_changes() -> bool:
            message = consumer.poll(1.0)
            if message is not None and message.error() is None and message.value():
                amounts.append(json.loads(message.value())["payload"]["after"]["amount"])
            return sorted(amounts) == [42, 4242]

        try:
            eventually(both_changes, "the snapshot row and the new row on raw.orders.payments")
        finally:
            consumer.close()
    finally:
        stack.up()  # back to the declared stack: the CDC connector goes away again
        postgres.stop()
        shutil.rmtree(pg_dir, ignore_errors=True)


def test_the_stacks_quotas_throttle_replay_but_not_live(stack: Stack) -> None:
    """The quotas ``pulumi up`` made bind real clients: the replay pipeline's principal
    (replay class, 1 MiB/s) is throttled, the live source's (50 MiB/s) is not."""
    assert (
        produce_throttle_ms(stack.client("pipeline.orders-rebuild"), "derived.orders.rebuilt") > 0
    )
    assert produce_throttle_ms(stack.client("pipeline.orders-events"), "raw.orders.events") == 0


def test_policy_pack_passes_the_stack_and_fails_a_violating_variant(
    stack: Stack, tmp_path: Path
) -> None:
    pack = str(ROOT / "policies")
    clean = stack.pulumi("preview", "--policy-pack", pack, check=False)
    assert clean.returncode == 0, clean.stdout[-3000:]
    assert "bulkheads@v" in clean.stdout

    def loosen(spec: dict[str, Any]) -> None:
        spec["pools"]["replay"]["override_policy"] = "All"

    # an exception whose review lapsed: the pack must refuse it, not quietly apply it
    suppressions = tmp_path / "suppressions.yaml"
    suppressions.write_text(
        yaml.safe_dump(
            {
                "suppressions": [
                    {
                        "rule": "bulkheads-topic-retention-bounds",
                        "match": {"type": "bulkheads:topic:TopicContract", "name": "*"},
                        "reason": "backfill keeps a week longer while the lake migrates",
                        "owner": "analytics",
                        "expires": "2026-01-31",
                    }
                ]
            }
        )
    )
    os.environ["BULKHEADS_SPEC_FILE"] = str(_changed_spec(stack, tmp_path, loosen))
    os.environ["BULKHEADS_POLICY_SUPPRESSIONS"] = str(suppressions)
    try:
        violating = stack.pulumi("preview", "--policy-pack", pack, check=False)
    finally:
        os.environ["BULKHEADS_SPEC_FILE"] = str(stack.spec_file)
        os.environ.pop("BULKHEADS_POLICY_SUPPRESSIONS")
    assert violating.returncode != 0
    text = " ".join(violating.stdout.split())
    assert "bulkheads-runtime-override-policy" in text
    assert (
        "worker pool 'replay' sets connector.client.config.override.policy to 'All', so a "
        "connector can override any client setting, including who it logs in as; set it to "
        "'Principal'"
    ) in text
    assert "bulkheads-meta-suppressions" in text
    assert (
        f"{suppressions}: suppressions[0].expires: expired on 2026-01-31; fix the finding, or "
        "renew the entry with a new date and reason"
    ) in text


def test_destroy_removes_all_but_the_retained_live_topics(stack: Stack) -> None:
    stack.pulumi("destroy", "--yes", "--skip-preview")
    stack.destroyed = True
    plan = stack.plan.clusters["local"]
    topics = set(stack.admin.list_topics(timeout=30).topics)
    live = {t.name for t in plan.topics if t.protected}
    assert live and live <= topics
    assert not ({t.name for t in plan.topics} - live) & topics
    users = stack.admin.describe_user_scram_credentials().result(timeout=30)
    assert not {p.username for p in plan.principals} & set(users)
    assert acl_set(stack.admin) == set()
    for pool in stack.plan.pools:
        assert stack.harness.worker_pid(pool.worker.pool) is None


def test_up_after_destroy_adopts_the_retained_topics(stack: Stack) -> None:
    assert stack.destroyed
    output = stack.up()
    stack.destroyed = False
    retained = [t.name for t in stack.plan.clusters["local"].topics if t.protected]
    for topic in retained:
        assert re.search(
            rf"=\s+kafka:index:Topic \S*-topic-{re.escape(topic)}-topic imported", output
        )
    assert get_json(f"{stack.rest('live-ingest')}/connectors") == ["orders-events"]
