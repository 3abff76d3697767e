"""Address rules: what a boundary's declared CIDRs cover, not how each is written.

A boundary is the set of networks one security group admits: a cluster's brokers admit its
``clients``' ``cidr``s, a pool's workers reach their ``egress`` ``cidr``s. No single range
is broader than a ``/MIN_PREFIX`` (``/8``; a ``/0`` opens every address), and the ranges
of one boundary together cover at most a ``/MIN_PREFIX``'s worth of addresses — two
``/1``s, or 256 ``/8``s, open the world as surely as ``0.0.0.0/0``.
"""

from __future__ import annotations

from ipaddress import IPv4Network, collapse_addresses

from bulkheads.spec.errors import Path, Problem, format_path
from bulkheads.spec.model import KubernetesRuntime, PlatformSpec

MIN_PREFIX = 8
MAX_ADDRESSES = 2 ** (32 - MIN_PREFIX)


def address_problems(spec: PlatformSpec) -> list[Problem]:
    """Too-broad ranges, and boundaries whose ranges together are too broad."""
    problems: list[Problem] = []
    for section, networks, what in _boundaries(spec):
        wide = False
        for path, cidr in networks:
            if cidr.prefixlen == 0:
                problems.append(
                    Problem(path, "opens the boundary to every address", f"name {what}", str(cidr))
                )
            elif cidr.prefixlen < MIN_PREFIX:
                problems.append(
                    Problem(
                        path,
                        f"opens {cidr.num_addresses} addresses, broader than a /{MIN_PREFIX}",
                        f"name {what}, at most a /{MIN_PREFIX}",
                        str(cidr),
                    )
                )
            wide = wide or cidr.prefixlen < MIN_PREFIX
        covered = sum(n.num_addresses for n in collapse_addresses(c for _, c in networks))
        if not wide and covered > MAX_ADDRESSES:
            extent = "every address" if covered == 2**32 else f"{covered} addresses"
            listed = ", ".join(format_path(path[len(section) :]) for path, _ in networks)
            problems.append(
                Problem(
                    section,
                    f"together its ranges ({listed}) open {extent}, more than a /{MIN_PREFIX}",
                    f"name {what} of each entry; together at most a /{MIN_PREFIX}",
                )
            )
    return problems


def _boundaries(
    spec: PlatformSpec,
) -> list[tuple[Path, list[tuple[Path, IPv4Network]], str]]:
    """(section, [(path, cidr)], what a cidr should name) per security group."""
    found: list[tuple[Path, list[tuple[Path, IPv4Network]], str]] = []
    for name, cluster in spec.clusters.items():
        section: Path = ("clusters", name, "clients")
        networks = [
            ((*section, client_name, "cidr"), client.cidr)
            for client_name, client in cluster.clients.items()
            if client.cidr is not None
        ]
        found.append((section, networks, "the client's own network"))
    for name, pool in spec.pools.items():
        if isinstance(pool.runtime, KubernetesRuntime):
            section = ("pools", name, "runtime", "egress")
            networks = [
                ((*section, index, "cidr"), endpoint.cidr)
                for index, endpoint in enumerate(pool.runtime.egress)
            ]
            found.append((section, networks, "the endpoint's own network"))
    return found
