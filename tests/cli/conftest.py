"""Shared helpers of the CLI tests: the repository root, and JSON outputs checked against
the schemas pinned in ``tests/schemas``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "tests" / "schemas"
INVALID = "tests/spec/fixtures/invalid"


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def conforming(text: str, schema: str) -> Any:
    """``text`` parsed as JSON, after checking it against ``tests/schemas/<schema>.json``."""
    document = json.loads(text)
    jsonschema.validate(document, json.loads((SCHEMAS / f"{schema}.json").read_text()))
    return document
