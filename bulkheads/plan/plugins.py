"""A pool's connector plugins as build inputs, and the image Strimzi builds them into.

The image is ``<registry>/connect-<pool>:<digest>``: the tag is a digest of the plugins'
coordinates, so a changed plugin list is a new image (Strimzi rebuilds, the workers roll)
and an unchanged one is reused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from bulkheads.plan.manifests.strimzi import MavenArtifact, PluginBuild
from bulkheads.spec.model import WorkerPool

TAG_LENGTH = 12


def pool_plugins(pool: WorkerPool) -> tuple[PluginBuild, ...]:
    """The pool's declared plugins, by name, each with its Maven artifacts."""
    return tuple(
        PluginBuild(
            name=name,
            artifacts=tuple(
                MavenArtifact(group, artifact, version, plugin.repository)
                for group, artifact, version in (c.split(":") for c in plugin.artifacts)
            ),
        )
        for name, plugin in sorted(pool.plugins.items())
    )


def plugins_digest(plugins: tuple[PluginBuild, ...]) -> str:
    """A short digest of the plugins' names and coordinates."""
    text = json.dumps([asdict(plugin) for plugin in plugins], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:TAG_LENGTH]


def build_image(registry: str, pool: str, plugins: tuple[PluginBuild, ...]) -> str:
    """Where Strimzi pushes the pool's built image (``registry`` without a trailing ``/``)."""
    return f"{registry.rstrip('/')}/connect-{pool}:{plugins_digest(plugins)}"
