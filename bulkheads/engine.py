"""The Pulumi engine of this project, driven through ``pulumi.automation``.

The toolchain (CLI, Python language host, kafka provider) comes from ``toolchain/build.sh``
(cached per version), which ends with one JSON line naming what it built. The engine's own
state lives under ``$BULKHEADS_PULUMI_DIR`` (default ``<project>/.state/pulumi``): ``home``
(``PULUMI_HOME``, plugins) and, for the ``local`` stack only, ``backend`` (a ``file://``
backend) with the passphrase ``$PULUMI_CONFIG_PASSPHRASE`` (default ``bulkheads-local``,
matching the salt committed in ``stacks/Pulumi.local.yaml``). Every other stack lives on
the backend the user configured with ``PULUMI_BACKEND_URL`` (``s3://…``, ``azblob://…``,
``gs://…``, ``https://api.pulumi.com``, ``file://…``) and is never created here: a missing
backend or stack is refused. The user's ``~/.pulumi`` is never touched.

Checkpoints: on a file (DIY) backend the engine rewrites the whole state after every step,
which makes a first ``up`` quadratic in the number of resources (830 resources: 234 s with
per-step checkpoints, 138 s without; ``bench/up_floor.py``, README "Performance"). The
``local`` stack therefore runs with ``PULUMI_SKIP_CHECKPOINTS=true`` unless the
environment sets it: the state is written once, at the end of the update, also when it
fails or is cancelled. Only a killed engine loses the record of what that update created:
the next ``up`` adopts the retained (live) topics but fails on the other topics it finds
until they are deleted (or ``.state/`` is removed to start this machine's platform
afresh). Every other stack keeps the engine's per-step checkpoints unless the user sets
the variable.

Parallelism: the engine runs 4 steps per core at a time (8 on 2 cores), and the kafka
provider sends ACL creates in batches 500 ms after the last one queued, so a first ``up``
of many ACLs waits on those windows, not on a CPU. The ``local`` stack runs with
``PULUMI_PARALLEL=256`` (``LOCAL_PARALLEL``) unless the environment sets it (30 pipelines,
827 resources: 87.7 s at 8, 54.5 s at 64; 173 pipelines, 4,356 resources: 134.8 s at 64,
118.4 s at 256; ``bench/up_floor.py --variant``). Other stacks
keep the engine's default: their providers' API limits are the user's to weigh.

A partitioned estate's stacks (``<estate>-<partition>``) live where their estate does:
those of the ``local`` estate on the project's file backend (created on first use, their
config read from the estate's stack file), any other on the user's backend, where they
must exist. The engine keeps a passphrase stack's salt in ``stacks/Pulumi.<stack>.yaml``
whatever config file it is given, so a local partition stack's command runs with that
file holding the estate's salt, removed afterwards (:func:`partition_salt`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from pulumi import automation as auto

from bulkheads import console
from bulkheads.local.paths import PROJECT_ROOT

KAFKA_PROVIDER_VERSION = "3.13.0"
LOCAL_PASSPHRASE = "bulkheads-local"
LOCAL_STACK = "local"
LOCAL_PARALLEL = 256
BUILD_SCRIPT = PROJECT_ROOT / "toolchain" / "build.sh"
BUILD_LOG_TAIL = 40


def pulumi_dir() -> Path:
    """The engine's state: ``$BULKHEADS_PULUMI_DIR`` or ``<project>/.state/pulumi``."""
    return Path(os.environ.get("BULKHEADS_PULUMI_DIR", PROJECT_ROOT / ".state" / "pulumi"))


class EngineError(RuntimeError):
    """A Pulumi command or the toolchain build failed; the message says what and why."""


class BackendError(EngineError):
    """A stack's backend is not configured, or the stack does not exist on it."""


def backend_url(stack: str) -> str:
    """Where ``stack``'s state lives: the project's file backend for ``local``, else the
    user's ``PULUMI_BACKEND_URL``; raises ``BackendError`` when that is not set."""
    if stack == LOCAL_STACK:
        return f"file://{pulumi_dir().resolve() / 'backend'}"
    configured = os.environ.get("PULUMI_BACKEND_URL")
    if not configured:
        raise BackendError(
            f"stack {stack!r} is not the local stack, and no backend is configured for it: "
            "set PULUMI_BACKEND_URL to the backend that holds it (for example "
            "s3://<bucket>/<prefix>, or https://api.pulumi.com with PULUMI_ACCESS_TOKEN); "
            "bulkheads never creates it on the project's local file backend"
        )
    return configured


@contextmanager
def partition_salt(stack: str, estate_file: Path) -> Iterator[None]:
    """While the engine runs on local partition ``stack``: its stack file holding the
    estate file's ``encryptionsalt`` (so its secrets are the estate's), unless the file
    exists; removed afterwards, leaving ``stacks/`` as it was. A file holding only that
    salt is a killed run's leftover (SIGKILL skips the removal): it is taken over, and
    removed afterwards too."""
    path = PROJECT_ROOT / "stacks" / f"Pulumi.{stack}.yaml"
    salt = (yaml.safe_load(estate_file.read_text(encoding="utf-8")) or {}).get("encryptionsalt")
    ours = yaml.safe_dump({"encryptionsalt": salt})
    leftover = path.is_file() and path.read_text(encoding="utf-8") == ours
    made = salt is not None and (leftover or not path.exists())
    if made and not leftover:
        path.write_text(ours, encoding="utf-8")
    try:
        yield
    finally:
        if made:
            path.unlink(missing_ok=True)


@dataclass(frozen=True)
class Toolchain:
    """What ``toolchain/build.sh`` built: the CLI's bin directory and the kafka provider."""

    bin_dir: Path
    kafka_provider: Path

    @classmethod
    def from_report(cls, line: str) -> Toolchain:
        """Read the build's final JSON line (``{"bin_dir": …, "kafka_provider": …}``)."""
        report = json.loads(line)
        return cls(bin_dir=Path(report["bin_dir"]), kafka_provider=Path(report["kafka_provider"]))


def build_toolchain(verbose: bool = False) -> Toolchain:
    """Run ``toolchain/build.sh``: its log streams with ``verbose``, else a spinner shows
    its steps and only a failure prints the log's last ``BUILD_LOG_TAIL`` lines."""
    command = ["bash", str(BUILD_SCRIPT)]
    log = None if verbose else subprocess.PIPE
    with (
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True) as build,
        console.progress("preparing the Pulumi toolchain") as status,
    ):
        tail: deque[str] = deque(maxlen=BUILD_LOG_TAIL)
        for line in build.stderr or ():
            tail.append(line.rstrip())
            if status is not None and line.startswith("[toolchain]"):
                status.update(line.removeprefix("[toolchain] ").rstrip())
        stdout = build.stdout.read() if build.stdout else ""
    if build.returncode != 0:
        print("\n".join(tail), file=sys.stderr)
        raise EngineError(f"the toolchain build failed (exit {build.returncode}); see above")
    return Toolchain.from_report(stdout.strip().splitlines()[-1])


@dataclass(frozen=True)
class Engine:
    """A configured Pulumi CLI: ``Engine.ensure()`` builds/installs what is missing."""

    bin_dir: Path
    home: Path
    backend: Path

    @classmethod
    def ensure(cls, verbose: bool = False) -> Engine:
        """Build the toolchain if needed, install the kafka plugin, prepare the backend."""
        toolchain = build_toolchain(verbose)
        pulumi_state = pulumi_dir().resolve()
        engine = cls(
            bin_dir=toolchain.bin_dir,
            home=pulumi_state / "home",
            backend=pulumi_state / "backend",
        )
        engine.backend.mkdir(parents=True, exist_ok=True)
        engine._install_kafka_plugin(toolchain.kafka_provider)
        return engine

    def env(self, stack: str = LOCAL_STACK) -> dict[str, str]:
        """The environment pulumi runs with for ``stack`` (or for a partition stack, its
        estate's; see the module docstring)."""
        env = dict(os.environ)
        env.update(
            PATH=f"{self.bin_dir}{os.pathsep}{env.get('PATH', '')}",
            PULUMI_HOME=str(self.home),
            PULUMI_BACKEND_URL=backend_url(stack),
            PULUMI_SKIP_UPDATE_CHECK="true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
            PULUMI_DIY_BACKEND_NO_LEGACY_WARNING="true",
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK="true",
        )
        if stack == LOCAL_STACK:
            env.setdefault("PULUMI_CONFIG_PASSPHRASE", LOCAL_PASSPHRASE)
            env.setdefault("PULUMI_SKIP_CHECKPOINTS", "true")
            env.setdefault("PULUMI_PARALLEL", str(LOCAL_PARALLEL))
        return env

    def workspace(self, stack: str, extra_env: dict[str, str] | None = None) -> auto.Workspace:
        """An Automation API workspace on the project directory and the built CLI."""
        command = auto.PulumiCommand(root=str(self.bin_dir.parent), skip_version_check=True)
        return auto.LocalWorkspace(
            work_dir=str(PROJECT_ROOT),
            pulumi_home=str(self.home),
            pulumi_command=command,
            env_vars={**self.env(stack), **(extra_env or {})},
        )

    def stack(
        self, name: str, extra_env: dict[str, str] | None = None, estate: str | None = None
    ) -> auto.Stack:
        """``name`` as an Automation API stack (of ``estate``, for a partition stack): the
        local stack and its partitions are created on first use, any other must already
        exist on its backend (``BackendError`` otherwise)."""
        workspace = self.workspace(estate or name, extra_env)
        if name == LOCAL_STACK:
            return auto.Stack.create_or_select(name, workspace)
        try:
            if estate == LOCAL_STACK:
                self._create_partition_stack(name, workspace.env_vars)
            return auto.Stack.select(name, workspace)
        except auto.errors.StackNotFoundError:
            raise BackendError(
                f"stack {name!r} does not exist on {backend_url(name)}; create it there once "
                f"with `pulumi stack init {name}` (bulkheads never creates a cloud stack)"
            ) from None

    def run(
        self, *args: str, capture: bool = False, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run ``pulumi ARGS`` for the local stack in the project root (plugin install,
        tests that need a raw CLI); stream output unless ``capture``."""
        proc = subprocess.run(
            [str(self.bin_dir / "pulumi"), *args, "--non-interactive"],
            cwd=PROJECT_ROOT,
            env=self.env(),
            text=True,
            stdout=subprocess.PIPE if capture else None,
            stderr=subprocess.STDOUT if capture else None,
            check=False,
        )
        if check and proc.returncode != 0:
            tail = "\n".join((proc.stdout or "").splitlines()[-BUILD_LOG_TAIL:])
            raise EngineError(f"pulumi {' '.join(args)} exited {proc.returncode}\n{tail}")
        return proc

    def _create_partition_stack(self, name: str, env: Mapping[str, str]) -> None:
        """Create a local partition stack unless it exists. ``stack init`` writes its
        stack file, so it runs in a scratch copy of the project, leaving ``stacks/`` alone
        (each run takes its config from the estate's stack file)."""
        listed = subprocess.run(
            [str(self.bin_dir / "pulumi"), "stack", "ls", "--json", "--non-interactive"],
            cwd=PROJECT_ROOT, env=dict(env), capture_output=True, text=True, check=False,
        )  # fmt: skip
        if listed.returncode == 0 and any(s["name"] == name for s in json.loads(listed.stdout)):
            return
        with tempfile.TemporaryDirectory() as scratch:
            (Path(scratch) / "Pulumi.yaml").write_text(
                "name: bulkheads\nruntime: python\n", encoding="utf-8"
            )
            made = subprocess.run(
                [str(self.bin_dir / "pulumi"), "stack", "init", name, "--non-interactive"],
                cwd=scratch, env=dict(env), capture_output=True, text=True, check=False,
            )  # fmt: skip
        if made.returncode != 0:
            raise EngineError(f"creating stack {name!r} failed: {made.stderr.strip()}")

    def select_stack(self, stack: str) -> None:
        """Select the local ``stack``, creating it in the local backend on first use."""
        self.run("stack", "select", "--create", stack, capture=True)

    def _install_kafka_plugin(self, binary: Path) -> None:
        """Install ``binary`` as the kafka plugin unless that very build is installed."""
        plugin_dir = self.home / "plugins" / f"resource-kafka-v{KAFKA_PROVIDER_VERSION}"
        marker = plugin_dir / ".bulkheads-build"
        if marker.is_file() and marker.read_text() == str(binary):
            return
        message = f"[toolchain] installing the kafka plugin into {self.home}"
        console.err().print(message, markup=False)
        self.run(
            "plugin", "install", "resource", "kafka", KAFKA_PROVIDER_VERSION,
            "--file", str(binary), "--reinstall", capture=True,
        )  # fmt: skip
        marker.write_text(str(binary))
