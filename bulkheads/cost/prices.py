"""The price table: a few USD list prices, overridable per stack, never fetched.

Defaults (USD, on-demand list prices of one AWS region; GiB = 2^30 bytes):

=============================  =======  ==============================================
key                            default  prices
=============================  =======  ==============================================
``broker_disk_gib_month``      0.10     classic Kafka broker disk, per replica stored
``object_storage_gib_month``   0.023    AutoMQ data in object storage (one copy)
``object_storage_put_1000``    0.005    1,000 object PUTs (AutoMQ's S3 WAL uploads)
``wal_volume_gib_month``       0.08     AutoMQ EBS WAL volumes
``transfer_gib``               0.02     bytes moved across zones or clusters (mirrors,
                                        replay reads)
``worker_vcpu_hour``           0.035    a Connect worker's vCPU
``worker_memory_gib_hour``     0.0045   a Connect worker's memory
=============================  =======  ==============================================

A stack overrides any of them beside its spec::

    config:
      bulkheads:prices: {broker_disk_gib_month: 0.08, transfer_gib: 0.01}

Every price is a number of 0 or more; an unknown key, a missing value or a negative
price is reported with file, line and fix (``SpecError``), all at once.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationError
from pydantic_core import PydanticCustomError

from bulkheads.spec.errors import Problem, SpecError
from bulkheads.spec.loader import StackFile
from bulkheads.spec.model import SpecModel
from bulkheads.spec.shape_errors import problems_from_validation

PRICES_KEY = "bulkheads:prices"


def _price(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError(
            "price", "no price given", {"fix": "write a price in USD, e.g. 0.10, or remove the key"}
        )
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PydanticCustomError(
            "price", "not a price", {"fix": "write a plain number of USD, e.g. 0.10"}
        )
    if value < 0:
        raise PydanticCustomError(
            "price", "a price cannot be negative", {"fix": "write 0 or more, e.g. 0.10"}
        )
    return float(value)


Price = Annotated[float, BeforeValidator(_price)]


class PriceTable(SpecModel):
    """USD prices the cost view multiplies by (see the module docstring)."""

    broker_disk_gib_month: Price = 0.10
    object_storage_gib_month: Price = 0.023
    object_storage_put_1000: Price = 0.005
    wal_volume_gib_month: Price = 0.08
    transfer_gib: Price = 0.02
    worker_vcpu_hour: Price = 0.035
    worker_memory_gib_hour: Price = 0.0045


def stack_prices(stack: StackFile) -> PriceTable:
    """The defaults with the stack's ``bulkheads:prices`` overrides; SpecError if wrong."""
    data = stack.config.get(PRICES_KEY, {})
    if not isinstance(data, dict):
        raise SpecError(
            [
                Problem(
                    (PRICES_KEY,),
                    "not a mapping",
                    "write key: price pairs, e.g. {transfer_gib: 0.01}",
                    data,
                    stack.source,
                    stack.line_of(PRICES_KEY),
                )
            ]
        )
    try:
        return PriceTable.model_validate(data)
    except ValidationError as error:
        problems = problems_from_validation(error, data, PriceTable)
        located = [
            Problem((PRICES_KEY, *p.path), p.message, p.fix, p.value).located(
                stack.source, stack.line_of(PRICES_KEY, *p.path)
            )
            for p in problems
        ]
        raise SpecError(sorted(located, key=lambda p: p.line or 0)) from None
