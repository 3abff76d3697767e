"""Check EKS ``SecurityGroupPolicy`` manifests against ``security-group-policy.json``, a
strict JSON Schema of ``vpcresources.k8s.aws/v1beta1`` written from the controller's
published CRD (neither Strimzi's model nor the Kubernetes OpenAPI covers the kind)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA = json.loads((Path(__file__).parent / "security-group-policy.json").read_text())
_VALIDATOR = Draft202012Validator(SCHEMA)


def problems(manifest: dict[str, Any]) -> list[str]:
    """Every place the schema refuses ``manifest``, as ``path: message`` (empty: valid)."""
    found = (
        (".".join(str(part) for part in error.path), error.message)
        for error in _VALIDATOR.iter_errors(manifest)
    )
    return [f"{path}: {message}" for path, message in sorted(found)]
