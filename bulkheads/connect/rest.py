"""Kafka Connect REST API calls over ``requests``, rebalances retried with ``tenacity``.

Every function takes the worker's base URL (``http://127.0.0.1:8083``) and raises
:class:`ConnectRestError` with the method, path, HTTP status and the worker's own
message when a call fails. Waits poll every 0.25 s and give up after ``timeout``
seconds (default 60).
"""

from __future__ import annotations

import json
import time
import urllib.parse
from typing import Any

import requests
from tenacity import retry, retry_if_exception, stop_after_delay, wait_fixed

DEFAULT_TIMEOUT = 60.0
TASKLESS_GRACE = 10.0
_POLL_INTERVAL = 0.25
_REQUEST_TIMEOUT = 30.0
PROBE_TIMEOUT = 2.0
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


def _rebalancing(error: BaseException) -> bool:
    """A worker whose group rebalances answers 409 (or 500 when the request timed out on
    it) naming the rebalance: membership is settling, not failing. Other 409s (a name
    already taken) are answers."""
    return (
        isinstance(error, ConnectRestError)
        and error.status in (409, 500)
        and "rebalance" in str(error).lower()
    )


@retry(
    retry=retry_if_exception(_rebalancing),
    stop=stop_after_delay(REBALANCE_PATIENCE),
    wait=wait_fixed(_POLL_INTERVAL * 4),
    reraise=True,
)
def call(base_url: str, method: str, path: str, body: Any = None) -> Any:
    """Send one request; return the decoded JSON answer (``None`` when empty).

    A worker that is rebalancing is asked again for up to ``REBALANCE_PATIENCE`` seconds.
    """
    return _send(base_url, method, path, body, _REQUEST_TIMEOUT)


def probe(base_url: str, path: str, timeout: float = PROBE_TIMEOUT) -> Any:
    """``GET path`` once, giving up after ``timeout`` seconds (default 2): for a worker
    that may not be there; no rebalance retries."""
    return _send(base_url, "GET", path, None, timeout)


def _send(base_url: str, method: str, path: str, body: Any, timeout: float) -> Any:
    url = base_url.rstrip("/") + path
    try:
        response = requests.request(
            method, url, json=body, headers={"Accept": "application/json"}, timeout=timeout
        )
    except requests.RequestException as error:
        raise ConnectRestError(method, url, 0, f"worker unreachable ({error})") from None
    if not response.ok:
        raise ConnectRestError(method, url, response.status_code, _error_message(response))
    return response.json() if response.content.strip() else None


def _error_message(response: requests.Response) -> str:
    try:
        return str(response.json().get("message", response.text))
    except (ValueError, AttributeError):
        return response.text


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


def restart_failed(base_url: str, name: str) -> bool:
    """Restart the failed parts of ``name`` (connector and/or tasks) and return True, or
    return False when nothing of it has failed (or it does not exist)."""
    status = get_status(base_url, name)
    if status is None or failure_of(status) is None:
        return False
    call(base_url, "POST", _path(name, "restart") + "?includeTasks=true&onlyFailed=true")
    return True


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


def restart(base_url: str, name: str, task: int | None = None, only_failed: bool = True) -> None:
    """Restart task ``task`` of ``name``, or the connector and its failed tasks (``None``;
    every task with ``only_failed`` False)."""
    if task is None:
        query = "?includeTasks=true" + ("&onlyFailed=true" if only_failed else "")
        call(base_url, "POST", _path(name, "restart") + query)
    else:
        call(base_url, "POST", _path(name, "tasks", str(task), "restart"))
