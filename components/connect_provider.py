"""Pulumi dynamic provider for a connector on a Kafka Connect worker group (REST API).

Inputs (all strings unless noted):

- ``name``: connector name; ``rest_url``: the worker group's REST endpoint.
  A change of either replaces the connector; nothing else does.
- ``config`` (map): plain config, including ``connector.class`` and ``tasks.max``.
- ``secret_config`` (map, a Pulumi secret): config values that must not be shown,
  e.g. the ``*.override.sasl.jaas.config`` login of the pipeline principal.
- ``secrets_dir``: the pool worker's secrets directory (``bulkheads.connect.secret_files``).
  Secret values are written there and Connect gets only ``${dir:...}`` references to them;
  empty: they are sent as values.
- ``state``: ``running`` | ``paused`` | ``stopped``.
- ``scheduled`` (bool, default false): the state is applied at create only; afterwards the
  replay scheduler owns it, so ``diff`` ignores it, ``update`` never moves it and ``read``
  reports no drift in it (a second ``up`` after a tick changes nothing).

Outputs: the inputs plus ``connector_state`` (the worker's view: RUNNING, FAILED...)
and ``task_count``. ``create`` posts the connector already in its state and waits
until it settles (a connector of that name already in the pool's group is adopted and
updated in place: the group belongs to this stack); ``update`` PUTs the config in
place (the connector keeps its name and offsets) and then moves the state; ``delete``
waits until the worker no longer lists it; ``read`` reports drift in config and state,
and a vanished connector (an unreachable worker is not drift).

The provider is serialized with dill into the state: it holds no attributes and
imports its helpers inside each method.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

INPUT_KEYS = ("name", "rest_url", "config", "secret_config", "secrets_dir", "state", "scheduled")


class ConnectorProvider(ResourceProvider):
    """CRUD of one connector through the Connect REST API."""

    serialize_as_secret_always = False

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        from pulumi.runtime.rpc import UNKNOWN

        from bulkheads.connect.rest import STATE_NAMES

        failures: list[CheckFailure] = []

        def known(value: Any) -> TypeGuard[str]:
            return isinstance(value, str) and value != UNKNOWN

        name, rest_url, state = news.get("name"), news.get("rest_url"), news.get("state")
        if known(name) and (not name or "/" in name):
            failures.append(CheckFailure("name", f"{name!r}: must be non-empty, without '/'"))
        if known(rest_url) and not rest_url.startswith(("http://", "https://")):
            failures.append(CheckFailure("rest_url", f"{rest_url!r}: must be an http(s) URL"))
        if known(state) and state not in STATE_NAMES:
            failures.append(
                CheckFailure("state", f"{state!r}: must be one of {sorted(STATE_NAMES)}")
            )
        config = news.get("config")
        if isinstance(config, dict):
            for key in ("connector.class", "tasks.max"):
                if key not in config:
                    failures.append(CheckFailure("config", f"missing {key!r}"))
            secret = news.get("secret_config")
            if isinstance(secret, dict):
                for key in sorted(set(config) & set(secret)):
                    failures.append(
                        CheckFailure("secret_config", f"{key!r} is set both plain and secret")
                    )
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        from bulkheads.connect.diff import changed_keys, replaced_keys

        changed = changed_keys(olds, news)
        if news.get("scheduled"):
            changed = [key for key in changed if key != "state"]
        if bool(olds.get("scheduled")) != bool(news.get("scheduled")):
            changed.append("scheduled")
        return DiffResult(
            changes=bool(changed),
            replaces=replaced_keys(changed),
            delete_before_replace=False,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        from bulkheads.connect import rest

        url, name, state = props["rest_url"], props["name"], props["state"]
        _write_secrets(props)
        try:
            rest.create_connector(url, name, rest_config(props), state)
        except rest.ConnectRestError as error:
            if error.status != 409:
                raise
            # The pool's worker group is this stack's alone, so a connector of this name in
            # it is an earlier incarnation of this one (kept in the pool's config topic
            # when the stack lost track of it): adopt it, updating it in place.
            rest.put_config(url, name, rest_config(props))
            rest.request_state(url, name, state)
        try:
            status = rest.wait_for_state(url, name, state)
        except Exception as error:
            # Create is all or nothing: a connector that never settles is removed again, so
            # the stack does not lose track of it and the next `up` can create it afresh.
            rest.delete_connector(url, name)
            raise RuntimeError(f"{error} (connector {name!r} was removed again)") from error
        return CreateResult(f"{url}/connectors/{name}", _outputs(props, status))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        from bulkheads.connect import rest

        url, name, state = news["rest_url"], news["name"], news["state"]
        new_config = rest_config(news)
        secrets_changed = _secrets(news) != _secrets(olds)
        if secrets_changed or news.get("secrets_dir") != olds.get("secrets_dir"):
            _write_secrets(news)  # before Connect gets references to the files (an upgrade
            # from values sent as they are moves them to files here, the connector kept)
        if new_config != rest_config(olds):
            rest.put_config(url, name, new_config)
        elif secrets_changed:  # the same references: the tasks read the new files on restart
            rest.restart(url, name, only_failed=False)
        if news.get("scheduled"):
            status = rest.get_status(url, name) or {"connector": {"state": "UNKNOWN"}}
            return UpdateResult(_outputs({**news, "state": olds.get("state", state)}, status))
        if olds.get("state") != state:
            rest.request_state(url, name, state)
        status = rest.wait_for_state(url, name, state)
        return UpdateResult(_outputs(news, status))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        from bulkheads.connect import rest, secret_files

        rest.delete_connector(props["rest_url"], props["name"])
        if props.get("secrets_dir"):
            secret_files.remove(props["secrets_dir"], props["name"])

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        from bulkheads.connect import rest

        url, name = props["rest_url"], props["name"]
        try:
            live = rest.get_config(url, name)
            status = rest.get_status(url, name)
        except rest.ConnectRestError as error:
            if error.status != 0:
                raise
            # The worker is down, not the connector: its config lives on in the pool's
            # config topic and comes back with the worker, so nothing is known to drift.
            return ReadResult(id_, props)
        if live is None or status is None:
            return ReadResult(None, {})
        live.pop("name", None)
        secrets = _secrets(props)
        sent = _sent_secrets(props)
        observed = {
            **props,
            "config": {k: v for k, v in live.items() if k not in secrets},
            # a key still holding the reference sent holds the declared value
            "secret_config": {
                k: secrets[k] if v == sent[k] else v for k, v in live.items() if k in secrets
            },
            "state": props.get("state")
            if props.get("scheduled")
            else _declared_state(rest.observed_state(status)),
        }
        return ReadResult(id_, _outputs(observed, status))


def _secrets(props: dict[str, Any]) -> dict[str, str]:
    return dict(props.get("secret_config") or {})


def _sent_secrets(props: dict[str, Any]) -> dict[str, str]:
    """What Connect gets for the secret keys: references to their files, or the values."""
    from bulkheads.connect import secret_files

    secrets = _secrets(props)
    if not props.get("secrets_dir"):
        return secrets
    return secret_files.references(props["secrets_dir"], props["name"], secrets)


def _write_secrets(props: dict[str, Any]) -> None:
    from bulkheads.connect import secret_files

    if props.get("secrets_dir"):
        secret_files.write(props["secrets_dir"], props["name"], _secrets(props))


def rest_config(props: dict[str, Any]) -> dict[str, str]:
    """The config a connector's inputs send to Connect: the plain config and, for each
    secret key, its reference (or, without ``secrets_dir``, its value)."""
    return {**props["config"], **_sent_secrets(props)}


def _declared_state(observed: str) -> str:
    """The declared state a worker state corresponds to (FAILED is a running target)."""
    return {"PAUSED": "paused", "STOPPED": "stopped"}.get(observed, "running")


def _outputs(props: dict[str, Any], status: dict[str, Any]) -> dict[str, Any]:
    outs = {key: props[key] for key in INPUT_KEYS if key in props}
    outs["connector_state"] = status["connector"]["state"]
    outs["task_count"] = len(status.get("tasks", []))
    return outs
