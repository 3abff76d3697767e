"""The pack under test, with an empty suppressions file location per test."""

from pathlib import Path

import pytest

from tests.policy.builders import Pack


@pytest.fixture
def pack(tmp_path: Path) -> Pack:
    return Pack(tmp_path / "suppressions.yaml")
