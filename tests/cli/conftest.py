"""Shared helpers of the CLI tests: the repository root, and JSON outputs checked against
the schemas pinned in ``tests/schemas``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "tests" / "schemas"
INVALID = "tests/spec/fixtures/invalid"


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def conforming(text: str, schema: str) -> Any:
    """``text`` parsed as JSON, after checking it against ``tests/schemas/<schema>.json``
    (which may refer to its siblings by file name, e.g. ``preview.json#/…``)."""
    document = json.loads(text)
    registry: Registry = Registry().with_resources(
        (path.name, Resource.from_contents(json.loads(path.read_text())))
        for path in SCHEMAS.glob("*.json")
    )
    contents = json.loads((SCHEMAS / f"{schema}.json").read_text())
    validator = jsonschema.validators.validator_for(contents)(contents, registry=registry)
    validator.validate(document)
    return document
