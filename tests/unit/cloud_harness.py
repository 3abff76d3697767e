"""Pulumi mocks that record every registered resource (type, name, inputs, parent, options).

``CloudHarness.run(build)`` runs ``build`` under the mocks and returns once every
registration has finished; ``capture`` stores an output's resolved value and ``resolve``
reads one (with its secretness) after a run. Every unit and policy test that runs
components under mocks uses this one harness.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks

from components import tokens

ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1d"]
# A Strimzi cluster's CA as stack config carries it (shape only: nothing parses it here).
CA_CERT = "-----BEGIN CERTIFICATE-----\nMIIBbulkheadsTestClusterCA\n-----END CERTIFICATE-----\n"
CA_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEbulkheadsTestKey\n-----END PRIVATE KEY-----\n"


@dataclass
class Registered:
    """One registered resource: what the engine would be asked to register."""

    typ: str
    name: str
    inputs: dict[str, Any]
    parent_urn: str
    urn: str = ""
    provider: str = ""
    protect: bool = False
    retain_on_delete: bool = False
    additional_secret_outputs: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    ignore_changes: list[str] = field(default_factory=list)
    import_id: str = ""
    aliases: list[str] = field(default_factory=list)
    """The names (or URNs) its aliases give; the engine carries a parent's aliases to the
    children whose names start with the parent's."""

    @property
    def parent_type(self) -> str:
        """The type of the parent (the last segment of its URN's type chain)."""
        if not self.parent_urn:
            return ""
        return self.parent_urn.split("::")[2].split("$")[-1]

    @property
    def parent_name(self) -> str:
        return self.parent_urn.split("::")[-1] if self.parent_urn else ""


def _computed_outputs(args: MockResourceArgs) -> dict[str, Any]:
    """Outputs the real providers would compute: AWS-shaped, a password, a worker's REST URL."""
    name, inputs = args.name, args.inputs
    outputs: dict[str, Any] = {"arn": f"arn:aws:mock:::{args.typ}/{name}"}
    if args.typ == tokens.AWS_S3_BUCKET:
        outputs["arn"] = f"arn:aws:s3:::{inputs['bucket']}"
    elif args.typ == tokens.AWS_VPC_ENDPOINT:
        outputs["prefix_list_id"] = f"pl-{name}"
    elif args.typ == tokens.AWS_MSK_CLUSTER:
        outputs["arn"] = f"arn:aws:kafka:eu-west-1:111111111111:cluster/{name}/uuid-1"
        outputs["bootstrap_brokers_sasl_scram"] = f"b-1.{name}:9096,b-2.{name}:9096"
        outputs["bootstrap_brokers_sasl_iam"] = f"b-1.{name}:9098,b-2.{name}:9098"
    elif args.typ == tokens.AWS_MSK_CONFIGURATION:
        outputs["latest_revision"] = 1
    elif args.typ.endswith(":GeneratedPassword"):
        outputs["result"] = f"generated-{name}"
    elif args.typ == tokens.LOCAL_WORKER:
        outputs["rest_url"] = f"http://127.0.0.1:{int(inputs['rest_port'])}"
        outputs["secrets_dir"] = f"/state/workers/{inputs['pool']}/secrets"
    elif args.typ == tokens.AWS_LOG_GROUP:
        outputs["name"] = inputs.get("name", name)
        outputs["arn"] = f"arn:aws:logs:eu-west-1:111111111111:log-group:{name}"
    return outputs


STACK_REFERENCE = "pulumi:pulumi:StackReference"


class _RecordingMocks(Mocks):
    def __init__(self, stacks: dict[str, tuple[dict[str, Any], list[str]]]) -> None:
        self.inputs: dict[tuple[str, str], dict[str, Any]] = {}
        self.stacks = stacks

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.typ == STACK_REFERENCE:  # another stack's outputs, and the secret ones
            outputs, secret = self.stacks[args.name]
            return args.name, {"name": args.name, "outputs": outputs, "secretOutputNames": secret}
        self.inputs[(args.typ, args.name)] = dict(args.inputs)
        return f"{args.name}-id", {**args.inputs, **_computed_outputs(args)}

    def call(self, args: MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            return {"names": ZONES, "zoneIds": [f"euw1-az{i}" for i in range(len(ZONES))]}
        return {}


class _RecordingMonitor(MockMonitor):
    def __init__(self, mocks: _RecordingMocks) -> None:
        super().__init__(mocks)
        self.recording_mocks = mocks
        self.registered: list[Registered] = []

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != "pulumi:pulumi:Stack":
            self.registered.append(
                Registered(
                    typ=request.type,
                    name=request.name,
                    inputs=self.recording_mocks.inputs.get((request.type, request.name), {}),
                    parent_urn=request.parent,
                    urn=response.urn,
                    provider=request.provider,
                    protect=request.protect,
                    retain_on_delete=request.retainOnDelete,
                    additional_secret_outputs=list(request.additionalSecretOutputs),
                    dependencies=list(request.dependencies),
                    ignore_changes=list(request.ignoreChanges),
                    import_id=request.importId,
                    aliases=[a.spec.name or a.urn for a in request.aliases],
                )
            )
        return response


class CloudHarness:
    """Runs programs under recording mocks (create one per test, inside a fixture); with
    ``preview`` the program sees a dry run; ``stacks`` are, by stack name, the outputs a
    ``StackReference`` reads and the names of the secret ones."""

    def __init__(
        self,
        preview: bool = False,
        stacks: dict[str, tuple[dict[str, Any], list[str]]] | None = None,
    ) -> None:
        self._mocks = _RecordingMocks(stacks or {})
        self._monitor = _RecordingMonitor(self._mocks)
        self.captured: dict[str, Any] = {}
        pulumi.runtime.set_mocks(
            self._mocks, project="bulkheads", stack="test", preview=preview, monitor=self._monitor
        )

    def run(self, build: Callable[[], object]) -> None:
        """Run ``build`` and wait until every resource and captured output has resolved."""
        pulumi.runtime.test(build)()  # type: ignore[no-untyped-call]

    def capture(self, key: str, value: pulumi.Input[Any]) -> pulumi.Output[Any]:
        """Store ``value`` under ``key`` once resolved; return it to keep ``run`` waiting."""
        return pulumi.Output.from_input(value).apply(lambda v: self.captured.__setitem__(key, v))

    def resolve(self, output: pulumi.Output[Any]) -> tuple[Any, bool]:
        """The value of ``output`` (of a program already run) and whether it is secret."""
        box: dict[str, Any] = {}

        async def grab() -> None:
            box["value"] = await output.future()
            box["secret"] = await output.is_secret()

        self.run(lambda: asyncio.ensure_future(grab()))
        return box["value"], box["secret"]

    @property
    def resources(self) -> list[Registered]:
        return list(self._monitor.registered)

    def of_type(self, typ: str) -> list[Registered]:
        return [r for r in self._monitor.registered if r.typ == typ]

    def one(self, typ: str, name: str | None = None, *, parent_type: str = "") -> Registered:
        """The single ``typ`` resource named ``name`` (any name if None) under ``parent_type``."""
        matches = [
            r
            for r in self.of_type(typ)
            if (name is None or r.name == name)
            and (not parent_type or r.parent_type == parent_type)
        ]
        where = (f" named {name}" if name is not None else "") + (
            f" under {parent_type}" if parent_type else ""
        )
        assert len(matches) == 1, f"{len(matches)} {typ}{where}: {self.names(typ)}"
        return matches[0]

    def names(self, typ: str) -> list[str]:
        return sorted(r.name for r in self.of_type(typ))

    def counts(self) -> dict[str, int]:
        return dict(Counter(r.typ for r in self._monitor.registered))

    def by_urn(self, urn: str) -> Registered:
        """The resource registered as ``urn``."""
        matches = [r for r in self._monitor.registered if r.urn == urn]
        assert len(matches) == 1, f"no single resource for urn {urn}"
        return matches[0]

    def by_id(self, resource_id: str) -> Registered:
        """The resource whose mock id (``<name>-id``) is ``resource_id``."""
        name = resource_id.removesuffix("-id")
        matches = [r for r in self._monitor.registered if r.name == name]
        assert len(matches) == 1, f"no single resource for id {resource_id}"
        return matches[0]


def cluster_ca_config(*clusters: str) -> dict[str, str]:
    """Stack config carrying the CA certificate and secret key of each Strimzi cluster."""
    return {
        "bulkheads:clusterCaCerts": json.dumps(dict.fromkeys(clusters, CA_CERT)),
        "bulkheads:clusterCaKeys": json.dumps(dict.fromkeys(clusters, CA_KEY)),
    }


def run_stack_program(
    harness: CloudHarness, spec: Any, config: dict[str, str], run: Any = None
) -> Any:
    """Run the Pulumi program of ``spec`` (a PlatformSpec; of ``run``'s partition, a
    ``PartitionRun``) under the harness, rendering Kubernetes manifests, with every
    connector secret set, every Strimzi cluster's CA and ``config`` on top; returns the
    Platform built."""
    from bulkheads.program import build_platform

    secrets = {
        name: f"secret-{name}"
        for pipeline in spec.pipelines.values()
        for name in pipeline.connector.secrets.values()
    }
    strimzi = [name for name, c in spec.clusters.items() if c.deploy.kind == "strimzi"]
    full = {
        "bulkheads:renderYamlToDirectory": "rendered",
        "bulkheads:secrets": json.dumps(secrets),
        **cluster_ca_config(*strimzi),
        **config,
    }
    pulumi.runtime.set_all_config(full, ["bulkheads:secrets", "bulkheads:clusterCaKeys"])
    built: list[Any] = []
    harness.run(lambda: built.append(build_platform(spec, pulumi.Config("bulkheads"), run)))
    return built[0]
