"""The pack under test, with an empty suppressions file location per test."""

from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import policy

from tests.policy.builders import Pack


@pytest.fixture
def pack(tmp_path: Path) -> Pack:
    return Pack(tmp_path / "suppressions.yaml")


@pytest.fixture
def analyzer_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever ``policies.rules.per_call.install()`` replaces during the test is put back
    afterwards, so the analyzer of the other tests is the library's own."""
    servicer: Any = policy._PolicyAnalyzerServicer
    for name in ("Analyze", "AnalyzeStack"):
        monkeypatch.setattr(servicer, name, getattr(servicer, name))
    monkeypatch.setattr(servicer, "_bulkheads_per_call", False, raising=False)
    module: Any = policy
    monkeypatch.setattr(module, "json_format", module.json_format)
    monkeypatch.setattr(module, "deserialize_properties", module.deserialize_properties)
    monkeypatch.setattr(module, "unknown_checking_proxy", module.unknown_checking_proxy)
