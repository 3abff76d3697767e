"""Check Kubernetes core manifests against the Kubernetes OpenAPI schemas that the
``kubernetes-validate`` package ships, strictly (no property the schema does not know)."""

from __future__ import annotations

from typing import Any

import kubernetes_validate

# The Kubernetes release whose schemas the manifests must satisfy (EKS's current line).
KUBERNETES_VERSION = "1.33.0"


def problems(manifest: dict[str, Any]) -> list[str]:
    """What the schema refuses in ``manifest`` (empty: valid)."""
    try:
        kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = ".".join(str(part) for part in error.path)
        return [f"{path}: {error.message}"]
    return []
