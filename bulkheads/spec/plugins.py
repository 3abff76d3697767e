"""Connector plugins: every connector class a pool's pipelines use must come from a plugin
the pool declares (``pools.<pool>.plugins``) or with the workers themselves.

With the workers come MirrorMaker 2's connectors (every Connect image), and on local
runtimes also FileStream source/sink (on the harness's classpath) and Debezium PostgreSQL
(the harness bundles it: ``bulkheads/local/debezium-postgres.xml``). A class two plugins of
one pool both claim is refused too: which jar would load it is left to chance.
"""

from __future__ import annotations

from bulkheads.spec.errors import Problem
from bulkheads.spec.model import PlatformSpec, WorkerPool

BUILT_IN_CLASSES = frozenset(
    {
        "org.apache.kafka.connect.mirror.MirrorSourceConnector",
        "org.apache.kafka.connect.mirror.MirrorCheckpointConnector",
        "org.apache.kafka.connect.mirror.MirrorHeartbeatConnector",
    }
)
LOCAL_CLASSES = frozenset(
    {
        "org.apache.kafka.connect.file.FileStreamSourceConnector",
        "org.apache.kafka.connect.file.FileStreamSinkConnector",
        "io.debezium.connector.postgresql.PostgresConnector",
    }
)


def available_classes(pool: WorkerPool) -> frozenset[str]:
    """The connector classes a pool's workers can load without any declared plugin."""
    return BUILT_IN_CLASSES | (LOCAL_CLASSES if pool.runtime.kind == "local" else frozenset())


def plugin_problems(spec: PlatformSpec) -> list[Problem]:
    """Classes no plugin provides, and classes two plugins of a pool both provide."""
    problems: list[Problem] = []
    provided: dict[str, dict[str, str]] = {}
    for pool_name, pool in spec.pools.items():
        mine = provided.setdefault(pool_name, {})
        for plugin_name, plugin in pool.plugins.items():
            for index, cls in enumerate(plugin.classes):
                if cls in mine:
                    problems.append(
                        Problem(
                            ("pools", pool_name, "plugins", plugin_name, "classes", index),
                            f"also provided by plugin {mine[cls]!r}",
                            "let one plugin of the pool provide each class",
                            cls,
                        )
                    )
                mine.setdefault(cls, plugin_name)
    for name, pipeline in spec.pipelines.items():
        runs_on = spec.pools.get(pipeline.pool)
        cls = pipeline.connector.connector_class
        if runs_on is None or cls in provided[pipeline.pool] or cls in available_classes(runs_on):
            continue
        problems.append(
            Problem(
                ("pipelines", name, "connector", "class"),
                f"no plugin of pool {pipeline.pool!r} provides this class",
                f"declare the plugin under pools.{pipeline.pool}.plugins "
                f"({{artifacts: [<group>:<artifact>:<version>], classes: [{cls}]}})",
                cls,
            )
        )
    return problems
