"""Kafka Connect REST API calls over ``urllib`` (no third-party HTTP client).

Every function takes the worker's base URL (``http://127.0.0.1:8083``) and raises
:class:`ConnectRestError` with the method, path, HTTP status and the worker's own
message when a call fails. Waits poll every 0.25 s and give up after ``timeout``
seconds (default 60).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

DEFAULT_TIMEOUT = 60.0
TASKLESS_GRACE = 10.0
_POLL_INTERVAL = 0.25
_REQUEST_TIMEOUT = 30.0
REBALANCE_PATIENCE = 60.0

# Desired connector state (lower case, as declared) -> the worker's state name.
STATE_NAMES = {"running": "RUNNING", "paused": "PAUSED", "stopped": "STOPPED"}
# The REST verb that moves a connector to each desired state.
_STATE_VERBS = {"running": "resume", "paused": "pause", "stopped": "stop"}


class ConnectRestError(Exception):
    """A Connect REST call failed; ``status`` is the HTTP status (0: no answer)."""

    def __init__(self, method: str, url: str, status: int, message: str) -> None:
        self.status = status
        super().__init__(f"{method} {url} -> {status or 'no answer'}: {message}")


def _path(name: str, *rest: str) -> str:
    quoted = urllib.parse.quote(name, safe="")
    return "/".join(["/connectors", quoted, *rest])


def call(base_url: str, method: str, path: str, body: Any = None) -> Any:
    """Send one request; return the decoded JSON answer (``None`` when empty).

    A worker that answers "rebalance in progress/expected" (409 or 500) is asked again
    for up to ``REBALANCE_PATIENCE`` seconds: group membership is settling, not failing.
    """
    deadline = time.monotonic() + REBALANCE_PATIENCE
    while True:
        try:
            return _call_once(base_url, method, path, body)
        except ConnectRestError as error:
            if "rebalance" not in str(error).lower() or time.monotonic() > deadline:
                raise
        time.sleep(_POLL_INTERVAL * 4)


def _call_once(base_url: str, method: str, path: str, body: Any) -> Any:
    url = base_url.rstrip("/") + path
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=_REQUEST_TIMEOUT) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        raise ConnectRestError(method, url, error.code, _error_message(error)) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ConnectRestError(method, url, 0, f"worker unreachable ({reason})") from None
    return json.loads(raw) if raw.strip() else None


def _error_message(error: urllib.error.HTTPError) -> str:
    raw = error.read().decode(errors="replace")
    try:
        return str(json.loads(raw).get("message", raw))
    except (ValueError, AttributeError):
        return raw or str(error.reason)


def create_connector(base_url: str, name: str, config: dict[str, str], state: str) -> None:
    """Create ``name`` already in ``state`` (``POST /connectors`` with ``initial_state``).

    A paused or stopped connector never runs a task. Fails with status 409 if the
    name is taken on this worker group.
    """
    body = {"name": name, "config": config, "initial_state": STATE_NAMES[state]}
    call(base_url, "POST", "/connectors", body)


def put_config(base_url: str, name: str, config: dict[str, str]) -> None:
    """Replace the config of ``name`` in place (offsets and name are kept)."""
    call(base_url, "PUT", _path(name, "config"), config)


def get_config(base_url: str, name: str) -> dict[str, str] | None:
    """The stored config of ``name``, or ``None`` when it does not exist."""
    config: dict[str, str] | None = _get_unless_missing(base_url, _path(name, "config"))
    return config


def get_status(base_url: str, name: str) -> dict[str, Any] | None:
    """``GET /connectors/{name}/status``, or ``None`` when it does not exist."""
    status: dict[str, Any] | None = _get_unless_missing(base_url, _path(name, "status"))
    return status


def _get_unless_missing(base_url: str, path: str) -> Any:
    """``GET path``, or ``None`` when Connect answers 404."""
    try:
        return call(base_url, "GET", path)
    except ConnectRestError as error:
        if error.status == 404:
            return None
        raise


def get_offsets(base_url: str, name: str) -> list[dict[str, Any]]:
    """The committed offsets of ``name`` (``GET /connectors/{name}/offsets``)."""
    answer: dict[str, Any] = call(base_url, "GET", _path(name, "offsets"))
    offsets: list[dict[str, Any]] = answer.get("offsets", [])
    return offsets


def patch_offsets(base_url: str, name: str, offsets: list[dict[str, Any]]) -> None:
    """Alter the offsets of a STOPPED connector (``PATCH /connectors/{name}/offsets``)."""
    call(base_url, "PATCH", _path(name, "offsets"), {"offsets": offsets})


def list_connectors(base_url: str) -> list[str]:
    """Names of the connectors on this worker group."""
    names: list[str] = call(base_url, "GET", "/connectors")
    return names


def request_state(base_url: str, name: str, state: str) -> None:
    """Ask the worker to move ``name`` to ``state`` (running, paused or stopped)."""
    call(base_url, "PUT", _path(name, _STATE_VERBS[state]))


def observed_state(status: dict[str, Any]) -> str:
    """The worker's connector state from a status answer (``RUNNING``, ``FAILED``, ...)."""
    return str(status["connector"]["state"])


def is_settled(status: dict[str, Any], state: str) -> bool:
    """True when the connector and every task it has reached ``state``.

    A stopped connector has no tasks; a connector created paused has none yet either.
    """
    wanted = STATE_NAMES[state]
    tasks = status.get("tasks", [])
    if observed_state(status) != wanted:
        return False
    if state == "stopped":
        return not tasks
    return all(task["state"] == wanted for task in tasks)


def failure_of(status: dict[str, Any]) -> str | None:
    """The first failure trace in a status answer, or ``None``."""
    parts = [status["connector"], *status.get("tasks", [])]
    for part in parts:
        if part.get("state") == "FAILED":
            trace = str(part.get("trace", "no trace"))
            return trace.splitlines()[0] if trace else "no trace"
    return None


def wait_for_state(
    base_url: str, name: str, state: str, timeout: float = DEFAULT_TIMEOUT
) -> dict[str, Any]:
    """Poll the status until ``name`` settles in ``state``; return the last status.

    A running connector is given ``TASKLESS_GRACE`` seconds to get its tasks assigned
    (one may legitimately have none, e.g. a mirror with no matching topic yet).
    Raises :class:`ConnectRestError` at once if the connector or a task FAILED,
    and on timeout with the last state seen.
    """
    start = time.monotonic()
    deadline = start + timeout
    last: dict[str, Any] | None = None
    while True:
        last = get_status(base_url, name)
        if last is not None:
            waiting_for_tasks = (
                state == "running"
                and not last.get("tasks")
                and time.monotonic() - start < TASKLESS_GRACE
            )
            if is_settled(last, state) and not waiting_for_tasks:
                return last
            failure = failure_of(last)
            if failure and state == "running":
                raise ConnectRestError("GET", _path(name, "status"), 200, f"FAILED: {failure}")
        if time.monotonic() > deadline:
            seen = json.dumps(last) if last else "not found"
            message = f"not {STATE_NAMES[state]} after {timeout}s: {seen}"
            raise ConnectRestError("GET", _path(name, "status"), 0, message)
        time.sleep(_POLL_INTERVAL)


def delete_connector(base_url: str, name: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Delete ``name`` and wait until the worker no longer lists it (idempotent)."""
    try:
        call(base_url, "DELETE", _path(name))
    except ConnectRestError as error:
        if error.status != 404:
            raise
    deadline = time.monotonic() + timeout
    while name in list_connectors(base_url) or get_config(base_url, name) is not None:
        if time.monotonic() > deadline:
            raise ConnectRestError("DELETE", _path(name), 0, f"still present after {timeout}s")
        time.sleep(_POLL_INTERVAL)
