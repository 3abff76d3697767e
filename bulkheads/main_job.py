"""``bulkheads up``: the default main job, for real on this machine.

Validates the stack file (every problem at once, before anything is provisioned), starts
the local Kafka of each ``local`` cluster, builds or reuses the Pulumi toolchain, runs
``pulumi up`` of the stack with the policy pack, and prints a report of what is provisioned,
checked live against Kafka Connect. ``bulkheads preview`` stops short of changing anything.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from typing import Any

from bulkheads.engine import Engine, EngineError
from bulkheads.local.errors import LocalPlatformError
from bulkheads.local.paths import PROJECT_ROOT
from bulkheads.local.platform import LocalPlatform
from bulkheads.spec.errors import SpecError
from bulkheads.spec.loader import load_platform
from bulkheads.spec.model import LocalDeploy, PlatformSpec
from bulkheads.stacks import stack_file

POLICY_PACK = PROJECT_ROOT / "policies"


def register(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``up`` and ``preview``."""
    for verb, summary in (
        ("up", "start the local platform and `pulumi up` a stack (default: local)"),
        ("preview", "start the local platform and `pulumi preview` a stack with the policy pack"),
    ):
        parser = verbs.add_parser(verb, help=summary, description=summary)
        parser.add_argument("--stack", default="local", help="stack name (default: local)")
        parser.set_defaults(handler=_run, verb=verb)


def _say(message: str) -> None:
    print(f"[bulkheads] {message}", flush=True)


def _run(args: argparse.Namespace) -> int:
    try:
        spec = load_platform(stack_file(args.stack))
    except SpecError as error:
        print(error, file=sys.stderr)
        return 2
    try:
        _start_local_clusters(spec)
        _say("preparing the Pulumi engine (built once, then cached)")
        engine = Engine.ensure()
        engine.select_stack(args.stack)
        policy = (
            ["--policy-pack", str(POLICY_PACK)]
            if (POLICY_PACK / "PulumiPolicy.yaml").exists()
            else []
        )
        started = time.monotonic()
        if args.verb == "preview":
            engine.run("preview", "--stack", args.stack, "--diff", *policy)
            return 0
        engine.run(
            "up",
            "--yes",
            "--refresh",
            "--suppress-outputs",
            "--stack",
            args.stack,
            "--skip-preview",
            *policy,
        )
        _say(f"pulumi up of stack {args.stack!r} finished in {time.monotonic() - started:.0f}s")
        outputs = json.loads(
            engine.run("stack", "output", "--json", "--stack", args.stack, capture=True).stdout
        )
    except (EngineError, LocalPlatformError) as error:
        print(f"bulkheads {args.verb}: {error}", file=sys.stderr)
        return 1
    print(render_report(args.stack, outputs.get("platform", {})))
    return 0


def _start_local_clusters(spec: PlatformSpec) -> None:
    platform = LocalPlatform(progress=_say)
    for name, cluster in spec.clusters.items():
        if isinstance(cluster.deploy, LocalDeploy):
            port = int(cluster.deploy.bootstrap.rsplit(":", 1)[1])
            platform.start_kafka(port=port, controller_port=port + 1, cluster=name)


def _connector_state(rest_url: str, connector: str) -> str:
    try:
        with urllib.request.urlopen(f"{rest_url}/connectors/{connector}/status", timeout=5) as r:
            status: dict[str, Any] = json.load(r)
    except (urllib.error.URLError, OSError):
        return "UNREACHABLE"
    tasks = status.get("tasks", [])
    running = sum(1 for task in tasks if task.get("state") == "RUNNING")
    return f"{status['connector']['state']} ({running}/{len(tasks)} tasks running)"


def render_report(stack: str, platform: dict[str, Any]) -> str:
    """A short, readable report of the provisioned platform, with live connector states."""
    lines = [f"\nbulkheads: stack {stack!r} is up\n"]
    for name, cluster in platform.get("clusters", {}).items():
        lines.append(
            f"cluster {name} ({cluster.get('bootstrap', '?')}): {len(cluster['topics'])} topics,"
            f" {len(cluster['principals'])} principals, {cluster['acls']} ACLs,"
            f" {cluster['quotas']} quotas"
        )
        lines.extend(f"  topic     {topic}" for topic in cluster["topics"])
        lines.extend(f"  principal {principal}" for principal in cluster["principals"])
    pools = platform.get("pools", {})
    for name, pool in pools.items():
        lines.append(f"pool {name} [{pool['class']}] on {pool['cluster']}: {pool['endpoint']}")
    for name, connector in platform.get("connectors", {}).items():
        pool = pools.get(connector["pool"], {})
        endpoint = pool.get("endpoint", "")
        state = _connector_state(endpoint, name) if endpoint.startswith("http") else "declared"
        lines.append(f"  connector {name} ({connector['kind']}) in {connector['pool']}: {state}")
    return "\n".join(lines)
