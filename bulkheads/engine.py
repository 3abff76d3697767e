"""Runs the Pulumi engine for this project, offline and self-contained.

Everything lives under ``$BULKHEADS_PULUMI_DIR`` (default ``<project>/.state/pulumi``):
``home`` (``PULUMI_HOME``, plugins) and ``backend`` (a ``file://`` backend). The user's
``~/.pulumi`` is never touched.
The toolchain comes from ``toolchain/build.sh`` (cached per version). Secrets of the
``local`` stack use the passphrase ``$PULUMI_CONFIG_PASSPHRASE`` (default
``bulkheads-local``, matching the salt committed in ``stacks/Pulumi.local.yaml``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bulkheads.local.paths import PROJECT_ROOT

KAFKA_PROVIDER_VERSION = "3.13.0"
LOCAL_PASSPHRASE = "bulkheads-local"


def pulumi_dir() -> Path:
    """The engine's state: ``$BULKHEADS_PULUMI_DIR`` or ``<project>/.state/pulumi``."""
    return Path(os.environ.get("BULKHEADS_PULUMI_DIR", PROJECT_ROOT / ".state" / "pulumi"))


class EngineError(RuntimeError):
    """A Pulumi command failed; the message carries its output tail."""


@dataclass(frozen=True)
class Engine:
    """A configured Pulumi CLI: ``Engine.ensure()`` builds/installs what is missing."""

    bin_dir: Path
    home: Path
    backend: Path

    @classmethod
    def ensure(cls) -> Engine:
        """Build the toolchain if needed, install the kafka plugin, prepare the backend."""
        build = subprocess.run(
            ["bash", str(PROJECT_ROOT / "toolchain" / "build.sh")],
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        if build.returncode != 0:
            raise EngineError("toolchain build failed (see the lines above)")
        bin_dir, kafka_provider = build.stdout.strip().splitlines()[-2:]
        pulumi_state = pulumi_dir().resolve()
        engine = cls(
            bin_dir=Path(bin_dir), home=pulumi_state / "home", backend=pulumi_state / "backend"
        )
        engine.backend.mkdir(parents=True, exist_ok=True)
        engine._install_kafka_plugin(Path(kafka_provider))
        return engine

    def env(self) -> dict[str, str]:
        """The environment every pulumi command of this project runs with."""
        env = dict(os.environ)
        env.update(
            PATH=f"{self.bin_dir}{os.pathsep}{env.get('PATH', '')}",
            PULUMI_HOME=str(self.home),
            PULUMI_BACKEND_URL=f"file://{self.backend}",
            PULUMI_SKIP_UPDATE_CHECK="true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
            PULUMI_DIY_BACKEND_NO_LEGACY_WARNING="true",
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK="true",
        )
        env.setdefault("PULUMI_CONFIG_PASSPHRASE", LOCAL_PASSPHRASE)
        return env

    def run(
        self, *args: str, capture: bool = False, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run ``pulumi ARGS`` in the project root; stream output unless ``capture``."""
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
            detail = diagnostics(proc.stdout or "")
            raise EngineError(f"pulumi {' '.join(args)} exited {proc.returncode}\n{detail}")
        return proc

    def select_stack(self, stack: str) -> None:
        """Select ``stack``, creating it in the local backend on first use."""
        self.run("stack", "select", "--create", stack, capture=True)

    def _install_kafka_plugin(self, binary: Path) -> None:
        """Install ``binary`` as the kafka plugin unless that very build is installed."""
        plugin_dir = self.home / "plugins" / f"resource-kafka-v{KAFKA_PROVIDER_VERSION}"
        marker = plugin_dir / ".bulkheads-build"
        if marker.is_file() and marker.read_text() == str(binary):
            return
        print(f"[toolchain] installing kafka provider plugin into {self.home}", file=sys.stderr)
        self.run(
            "plugin", "install", "resource", "kafka", KAFKA_PROVIDER_VERSION,
            "--file", str(binary), "--reinstall", capture=True,
        )  # fmt: skip
        marker.write_text(str(binary))


def diagnostics(output: str, limit: int = 60) -> str:
    """The ``Diagnostics:`` section of a pulumi command's output (else its last lines)."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Diagnostics:")), None)
    if start is None:
        return "\n".join(lines[-limit:])
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i][:1].strip() and ":" in lines[i]),
        len(lines),
    )
    return "\n".join(lines[start:end][:limit])
