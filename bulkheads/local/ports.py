"""Free loopback ports for listeners the harness starts (tests, benches)."""

from __future__ import annotations

import random
import socket
from pathlib import Path


def _ephemeral_range() -> range:
    """The kernel's range for clients' source ports (Linux default 32768-60999)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return range(int(low), int(high) + 1)
    except (OSError, ValueError):
        return range(32768, 61000)


_EPHEMERAL = _ephemeral_range()
_CANDIDATES = [p for p in range(20000, 32767) if p not in _EPHEMERAL and p + 1 not in _EPHEMERAL]
_handed_out: set[int] = set()


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """A loopback port that binds now, outside the ephemeral range and never handed out
    before by this process, whose next port binds too and is reserved with it: a local
    cluster's KRaft controller listens on its bootstrap port + 1, and the doctrine refuses
    any other listener there.

    A port from ``bind(0)`` is an ephemeral one: between the probe and a broker's bind,
    any client socket may take it as its source port ("Address already in use"). Ports
    below that range are only ever taken by listeners.
    """
    for port in random.sample(_CANDIDATES, len(_CANDIDATES)):
        pair = {port, port + 1}
        if not pair & _handed_out and _bindable(port) and _bindable(port + 1):
            _handed_out.update(pair)
            return port
    raise RuntimeError("no free loopback port below the ephemeral range")
