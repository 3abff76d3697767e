"""Check Strimzi manifests against Strimzi's own model (``io.strimzi:api`` from Maven Central).

The jar carries no CRD files but the Jackson classes the operator reads resources with;
``StrimziModelCheck.java`` deserialises each manifest into the class of its kind, strictly
(no coercion, no unknown property). The jars and the compiled checker are cached under
``<cache>/strimzi-api-<version>/`` (``$BULKHEADS_CACHE``, default ``~/.cache/bulkheads``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bulkheads.local.jars import ensure_dependencies
from bulkheads.local.paths import default_cache_dir

HERE = Path(__file__).parent
POM = HERE / "strimzi-api.xml"
CHECKER = HERE / "StrimziModelCheck.java"
_POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


def strimzi_version() -> str:
    element = ElementTree.parse(POM).getroot().find("m:properties/m:strimzi.version", _POM_NS)
    assert element is not None and element.text, f"{POM}: no strimzi.version"
    return element.text.strip()


def _checker_classes() -> tuple[Path, Path]:
    """The jars dir and the compiled checker (recompiled when its source changes)."""
    home = default_cache_dir() / f"strimzi-api-{strimzi_version()}"
    libs = ensure_dependencies(POM, home / "libs")
    digest = hashlib.sha256(CHECKER.read_bytes()).hexdigest()[:12]
    classes = home / f"checker-{digest}"
    if not (classes / "StrimziModelCheck.class").is_file():
        staging = Path(tempfile.mkdtemp(dir=home))
        subprocess.run(
            ["javac", "-d", str(staging), "-cp", f"{libs}/*", str(CHECKER)],
            check=True,
            capture_output=True,
        )
        shutil.rmtree(classes, ignore_errors=True)
        staging.rename(classes)
    return libs, classes


def check(manifests: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """``("<kind>/<name>", "OK" | problem)`` per manifest, in order, read by Strimzi's model."""
    libs, classes = _checker_classes()
    with tempfile.NamedTemporaryFile("w", suffix=".json") as docs:
        json.dump(list(manifests), docs)
        docs.flush()
        result = subprocess.run(
            ["java", "-cp", f"{classes}:{libs}/*", "StrimziModelCheck", docs.name],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
    verdicts = []
    for line in result.stdout.splitlines():
        status, _, rest = line.partition(" ")
        label, _, problem = rest.partition(": ")
        verdicts.append((label, "OK" if status == "OK" else problem))
    return verdicts
