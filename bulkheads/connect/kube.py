"""Kubernetes value rules the worker-pool manifests must satisfy.

Pure checks (no client): resource quantities (``500m``, ``2``, ``4Gi``), label
values (at most 63 characters, alphanumerics plus ``-_.`` inside) and DNS-1123
names for namespaces and objects.
"""

from __future__ import annotations

import re
from decimal import Decimal

_QUANTITY = re.compile(r"^(?P<number>[0-9]+(\.[0-9]+)?)(?P<suffix>m|k|M|G|T|Ki|Mi|Gi|Ti)?$")
_SUFFIX = {
    None: Decimal(1),
    "m": Decimal("0.001"),
    "k": Decimal(10**3),
    "M": Decimal(10**6),
    "G": Decimal(10**9),
    "T": Decimal(10**12),
    "Ki": Decimal(2**10),
    "Mi": Decimal(2**20),
    "Gi": Decimal(2**30),
    "Ti": Decimal(2**40),
}
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def parse_quantity(value: str) -> Decimal:
    """The numeric value of a Kubernetes quantity; ``ValueError`` names the bad value."""
    match = _QUANTITY.match(value)
    if not match:
        raise ValueError(
            f"{value!r} is not a Kubernetes quantity: use e.g. '500m' or '2' (cpu), '4Gi' (memory)"
        )
    return Decimal(match["number"]) * _SUFFIX[match["suffix"]]


def is_label_value(value: str) -> bool:
    """True when ``value`` is a valid Kubernetes label value."""
    return bool(_LABEL_VALUE.match(value))


def is_dns_label(value: str) -> bool:
    """True when ``value`` is a valid DNS-1123 label (namespace or object name)."""
    return bool(_DNS_LABEL.match(value))
