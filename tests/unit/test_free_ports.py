"""``free_port`` hands out ports whose next port (a local cluster's controller) is kept."""

from __future__ import annotations

from bulkheads.local.ports import free_port


def test_no_port_handed_out_is_the_controller_port_of_another() -> None:
    ports = [free_port() for _ in range(200)]
    assert len(set(ports)) == len(ports)
    taken = set(ports)
    assert not {port + 1 for port in ports} & taken  # bootstrap + 1 stays the controller's
