"""Resolve the Kafka and Kafka Connect jars from Maven Central into a versioned cache.

The version lives in ``pom.xml`` beside this module. ``ensure_jars`` copies the runtime
dependencies into ``<cache>/kafka-<version>/libs`` with Maven (its local repository stays
the default ``~/.m2``) and writes a marker file last, so a complete cache is never fetched
twice and an interrupted fetch is redone.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from bulkheads.local.errors import LocalPlatformError
from bulkheads.plan.manifests.strimzi import PluginBuild
from bulkheads.plan.plugins import plugins_digest

POM = Path(__file__).with_name("pom.xml")
METRICS_AGENT_POM = Path(__file__).with_name("jmx-exporter.xml")  # the brokers' /metrics
# Connect plugins for the workers' plugin.path: name -> pom.
PLUGINS = {"debezium-postgres": Path(__file__).with_name("debezium-postgres.xml")}
# What a plugin must not bring along: the worker's own Kafka, Connect API and logging.
PLUGIN_EXCLUDES = ("org.apache.kafka", "org.slf4j", "at.yawk.lz4", "org.lz4", "org.xerial.snappy",
                   "com.github.luben")  # fmt: skip
COMPLETE_MARKER = ".complete"
_POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


def kafka_version(pom: Path = POM) -> str:
    """The Kafka version the pom pins (its ``kafka.version`` property)."""
    return _pom_property(pom, "kafka.version", "a 4.x release")


def _pom_property(pom: Path, name: str, hint: str) -> str:
    element = ElementTree.parse(pom).getroot().find(f"m:properties/m:{name}", _POM_NS)
    if element is None or not (element.text or "").strip():
        raise LocalPlatformError(f"{pom}: property {name} is missing; set it to {hint}")
    return (element.text or "").strip()


def kafka_home(cache_dir: Path) -> Path:
    """``<cache>/kafka-<version>``: libs/ (the classpath) and plugins/ (Connect plugin.path)."""
    return cache_dir / f"kafka-{kafka_version()}"


def ensure_jars(cache_dir: Path, progress: Callable[[str], None] = lambda _: None) -> Path:
    """Return the libs dir of the pinned Kafka, fetching it (and the Connect plugins in
    ``PLUGINS``) with Maven on first use."""
    home = kafka_home(cache_dir)
    libs = home / "libs"
    (home / "plugins").mkdir(parents=True, exist_ok=True)
    targets = [(POM, libs, ()), *((pom, home / "plugins" / name, PLUGIN_EXCLUDES)
                                  for name, pom in PLUGINS.items())]  # fmt: skip
    for pom, target, excludes in targets:
        ensure_dependencies(pom, target, excludes, progress)
    return libs


def ensure_metrics_agent(cache_dir: Path, progress: Callable[[str], None] = lambda _: None) -> Path:
    """The JMX exporter agent jar of ``jmx-exporter.xml``, fetched once into
    ``<cache>/jmx-exporter-<version>/`` (beside the Kafka jars, never inside them)."""
    version = _pom_property(METRICS_AGENT_POM, "jmx.exporter.version", "a 1.x release")
    target = ensure_dependencies(METRICS_AGENT_POM, cache_dir / f"jmx-exporter-{version}",
                                 progress=progress)  # fmt: skip
    return target / f"jmx_prometheus_javaagent-{version}.jar"


def plugin_pom(plugin: PluginBuild) -> str:
    """A pom whose runtime dependencies are ``plugin``'s artifacts (and their own), with
    each artifact's repository besides Maven Central."""
    dependencies = "".join(
        f"<dependency><groupId>{escape(a.group)}</groupId><artifactId>{escape(a.artifact)}"
        f"</artifactId><version>{escape(a.version)}</version></dependency>"
        for a in plugin.artifacts
    )
    urls = sorted({a.repository for a in plugin.artifacts if a.repository})
    repositories = "".join(
        f"<repository><id>plugin-{index}</id><url>{escape(url)}</url></repository>"
        for index, url in enumerate(urls)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        f"<groupId>dev.bulkheads</groupId><artifactId>plugin-{escape(plugin.name)}</artifactId>"
        f"<version>1</version><packaging>pom</packaging>"
        f"<repositories>{repositories}</repositories><dependencies>{dependencies}</dependencies>"
        "</project>\n"
    )


def ensure_plugin(
    cache_dir: Path, plugin: PluginBuild, progress: Callable[[str], None] = lambda _: None
) -> Path:
    """Resolve a declared plugin (the same declaration Strimzi builds from) into
    ``<kafka home>/plugins/<name>-<digest>``, on the workers' ``plugin.path``."""
    name = f"{plugin.name}-{plugins_digest((plugin,))}"
    poms = kafka_home(cache_dir) / "poms"
    poms.mkdir(parents=True, exist_ok=True)
    pom = poms / f"{name}.xml"
    pom.write_text(plugin_pom(plugin))
    return ensure_dependencies(
        pom, kafka_home(cache_dir) / "plugins" / name, PLUGIN_EXCLUDES, progress
    )


def ensure_dependencies(
    pom: Path,
    target: Path,
    excludes: tuple[str, ...] = (),
    progress: Callable[[str], None] = lambda _: None,
) -> Path:
    """Copy the runtime dependencies of ``pom`` (less ``excludes`` group ids) into
    ``target`` with Maven, once: a complete ``target`` is reused."""
    if _complete(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with (target.parent / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be fetching the same target
        if not _complete(target):
            _fetch(pom, target, excludes, progress)
    return target


def _complete(target: Path) -> bool:
    return (target / COMPLETE_MARKER).is_file()


def _fetch(
    pom: Path, target: Path, excludes: tuple[str, ...], progress: Callable[[str], None]
) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalPlatformError(
            "Maven (mvn) is not on PATH; install it (apt-get install maven) to fetch the Kafka jars"
        )
    progress(f"resolving {target.name} jars ({pom.name}) from Maven Central (first run only)")
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    command = [
        mvn, "-B", "-q", "-f", str(pom), "dependency:copy-dependencies",
        f"-DoutputDirectory={staging}", "-DincludeScope=runtime",
        *([f"-DexcludeGroupIds={','.join(excludes)}"] if excludes else []),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise LocalPlatformError(
            f"{pom}: Maven could not resolve the jars (exit {result.returncode}); "
            f"check that Maven Central is reachable and the pinned versions exist there.\n{tail}"
        )
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    jar_count = sum(1 for _ in target.glob("*.jar"))
    (target / COMPLETE_MARKER).write_text(f"{pom.name} {jar_count} jars\n")
    progress(f"cached {jar_count} jars in {target}")
