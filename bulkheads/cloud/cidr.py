"""Split a VPC CIDR block into one private subnet per availability zone."""

from __future__ import annotations

import ipaddress
import math

MIN_ZONES = 3


def private_subnet_cidrs(vpc_cidr: str, zones: int) -> list[str]:
    """Return ``zones`` equal, non-overlapping subnets of ``vpc_cidr``, in order.

    The block is split into the smallest power of two >= ``zones`` parts, so the
    unused parts stay free for later zones. Raises ``ValueError`` naming the bad value
    when the CIDR is invalid, fewer than ``MIN_ZONES`` zones are asked for, or a
    subnet would be smaller than a /28 (the smallest AWS allows).
    """
    try:
        network = ipaddress.IPv4Network(vpc_cidr, strict=True)
    except ValueError as error:
        raise ValueError(
            f"network cidr {vpc_cidr!r} is not an IPv4 network ({error}); use e.g. 10.40.0.0/16"
        ) from None
    if zones < MIN_ZONES:
        raise ValueError(
            f"network zones {zones} is below {MIN_ZONES}; brokers need three failure domains"
        )
    extra_bits = math.ceil(math.log2(zones))
    new_prefix = network.prefixlen + extra_bits
    if new_prefix > 28:
        raise ValueError(
            f"network cidr {vpc_cidr!r} is too small for {zones} zones "
            f"(subnets would be /{new_prefix}, AWS needs /28 or larger); use a /24 or larger"
        )
    subnets = network.subnets(prefixlen_diff=extra_bits)
    return [str(subnet) for _, subnet in zip(range(zones), subnets, strict=False)]
