"""``toolchain/build.sh`` on a warm cache: logs on stderr, one JSON line on stdout naming
what the engine runs on, and ``Engine`` reads that line."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from bulkheads.engine import Toolchain
from tests.cli.conftest import REPO

BUILD = REPO / "toolchain" / "build.sh"


def _setting(name: str) -> str:
    found = re.search(rf"^{name}=(\S+)$", BUILD.read_text(), re.MULTILINE)
    assert found, name
    return found.group(1)


def test_a_warm_build_reports_its_results_as_one_json_line(tmp_path: Path) -> None:
    pulumi, kafka = _setting("PULUMI_VERSION"), _setting("KAFKA_PROVIDER_VERSION")
    bin_dir = tmp_path / f"pulumi-{pulumi}" / "bin"
    kafka_dir = tmp_path / f"pulumi-kafka-{kafka}-b{_setting('KAFKA_PROVIDER_BUILD')}"
    for binary in (
        bin_dir / "pulumi",
        bin_dir / "pulumi-language-python",
        bin_dir / "pulumi-language-python-exec",
        kafka_dir / "pulumi-resource-kafka",
    ):
        binary.parent.mkdir(parents=True, exist_ok=True)
        binary.write_text("#!/bin/sh\n")
        binary.chmod(0o755)
    (bin_dir / "pulumi-language-python.build").write_text(_setting("LANGUAGE_HOST_BUILD"))
    result = subprocess.run(
        ["bash", str(BUILD)],
        env={**os.environ, "BULKHEADS_CACHE": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert f"[toolchain] pulumi CLI v{pulumi} cached" in result.stderr
    (line,) = result.stdout.splitlines()
    assert Toolchain.from_report(line) == Toolchain(bin_dir, kafka_dir / "pulumi-resource-kafka")
    for script in ("pulumi-resource-pulumi-python", "dynamic_host.py"):  # ours, installed
        assert (bin_dir / script).read_bytes() == (
            BUILD.parent / "dynamic-provider" / script
        ).read_bytes()
