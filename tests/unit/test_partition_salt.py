"""The salt file a local partition stack's command runs with: written for the run and
removed after it, a killed run's leftover taken over and removed, a user's file kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bulkheads import engine
from bulkheads.engine import partition_salt

SALT = "v1:c2FsdA==:v1:unit:test"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "stacks").mkdir()
    monkeypatch.setattr(engine, "PROJECT_ROOT", tmp_path)
    estate = tmp_path / "Pulumi.local.yaml"
    estate.write_text(yaml.safe_dump({"encryptionsalt": SALT, "config": {}}))
    yield estate


def test_the_salt_file_exists_for_the_run_only(project: Path) -> None:
    path = project.parent / "stacks" / "Pulumi.local-east.yaml"
    with partition_salt("local-east", project):
        assert yaml.safe_load(path.read_text()) == {"encryptionsalt": SALT}
    assert not path.exists()


def test_a_killed_runs_leftover_is_taken_over_and_removed(project: Path) -> None:
    path = project.parent / "stacks" / "Pulumi.local-east.yaml"
    path.write_text(yaml.safe_dump({"encryptionsalt": SALT}))  # what a SIGKILL leaves
    with partition_salt("local-east", project):
        assert path.is_file()
    assert not path.exists()


def test_a_file_with_more_than_the_salt_is_the_users_and_stays(project: Path) -> None:
    path = project.parent / "stacks" / "Pulumi.local-east.yaml"
    mine = yaml.safe_dump({"encryptionsalt": SALT, "config": {"a:b": "c"}})
    path.write_text(mine)
    with partition_salt("local-east", project):
        pass
    assert path.read_text() == mine
