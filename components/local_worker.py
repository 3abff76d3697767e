"""LocalWorker: a pool's Connect worker process on the local platform (dynamic resource).

Arguments: :class:`LocalWorkerArgs` — ``pool``, ``worker_config`` (the pool's
isolation keys: group id, the three internal topics, their replication,
override policy; see :func:`bulkheads.connect.config.worker_isolation_config`),
``bootstrap_servers``, ``username`` + ``password`` (the worker principal; the
password stays a Pulumi secret), ``rest_port`` and ``state_dir`` (the local
platform's state dir; empty: its default, ``$BULKHEADS_STATE_DIR`` or
``.state/local``).

``create`` starts the worker through :class:`bulkheads.local.platform.LocalPlatform`
(which reuses a worker already running with the same config) and returns
``rest_url``, ``pid`` and ``secrets_dir`` (where its connectors' secret files go, see
:mod:`bulkheads.connect.secret_files`); ``delete`` stops it; ``read`` reports the worker gone when
its process has died, so ``pulumi refresh`` shows the drift and the next ``up``
starts it again. Any input change replaces the worker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider

# Worker keys that WorkerSpec carries as fields; the rest go in as extra properties.
_SPEC_FIELDS = {
    "group.id": "group_id",
    "config.storage.topic": "config_topic",
    "offset.storage.topic": "offset_topic",
    "status.storage.topic": "status_topic",
    "connector.client.config.override.policy": "override_policy",
}
INPUT_KEYS = (
    "pool",
    "worker_config",
    "bootstrap_servers",
    "username",
    "password",
    "rest_port",
    "state_dir",
)


@dataclass(frozen=True)
class LocalWorkerArgs:
    """The worker of one pool; ``password`` is its principal's SCRAM password."""

    pool: str
    worker_config: Mapping[str, str]
    bootstrap_servers: pulumi.Input[str]
    username: str
    password: pulumi.Input[str]
    rest_port: int
    state_dir: str = ""


class LocalWorkerProvider(ResourceProvider):
    """Starts and stops one pool's worker through the local harness."""

    serialize_as_secret_always = False

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in INPUT_KEYS if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=True)

    def create(self, props: dict[str, Any]) -> CreateResult:
        platform = _platform(props)
        rest_url = platform.start_worker(_worker_spec(props))
        return CreateResult(props["pool"], _outputs(props, rest_url, _pid(platform, props)))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        _platform(props).stop_worker(props["pool"])

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        platform = _platform(props)
        pid = _pid(platform, props)
        if pid is None:
            return ReadResult(None, {})
        return ReadResult(id_, _outputs(props, props["rest_url"], pid))


def _platform(props: dict[str, Any]) -> Any:
    from pathlib import Path

    from bulkheads.local.platform import LocalPlatform

    return LocalPlatform(Path(props["state_dir"]) if props.get("state_dir") else None)


def _worker_spec(props: dict[str, Any]) -> Any:
    from bulkheads.local.worker import WorkerSpec

    config = dict(props["worker_config"])
    fields = {field: config.pop(key) for key, field in _SPEC_FIELDS.items() if key in config}
    return WorkerSpec(
        pool=props["pool"],
        rest_port=int(props["rest_port"]),
        username=props["username"],
        password=props["password"],
        bootstrap=props["bootstrap_servers"],
        extra_properties=config,
        **fields,
    )


def _pid(platform: Any, props: dict[str, Any]) -> int | None:
    from bulkheads.local import processes

    pid: int | None = processes.tracked_pid(platform.worker_dir(props["pool"]))
    return pid


def _outputs(props: dict[str, Any], rest_url: str, pid: int | None) -> dict[str, Any]:
    return {
        **{key: props[key] for key in INPUT_KEYS},
        "rest_url": rest_url,
        "pid": pid,
        "secrets_dir": str(_platform(props).secrets_dir(props["pool"])),
    }


class LocalWorker(Resource, module="bulkheads", name="LocalWorker"):
    """A pool's Connect worker process; outputs ``rest_url``, ``pid`` and ``secrets_dir``."""

    rest_url: pulumi.Output[str]
    pid: pulumi.Output[int]
    secrets_dir: pulumi.Output[str]

    def __init__(
        self, name: str, args: LocalWorkerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        props = {
            "pool": args.pool,
            "worker_config": dict(args.worker_config),
            "bootstrap_servers": args.bootstrap_servers,
            "username": args.username,
            "password": pulumi.Output.secret(args.password),
            "rest_port": args.rest_port,
            "state_dir": args.state_dir,
            "rest_url": None,
            "pid": None,
            "secrets_dir": None,
        }
        super().__init__(
            LocalWorkerProvider(),
            name,
            props,
            pulumi.ResourceOptions.merge(
                opts, pulumi.ResourceOptions(additional_secret_outputs=["password"])
            ),
        )
