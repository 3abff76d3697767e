"""Fixtures for the plan tests: the representative specs of ``tests.plan.specs``."""

from __future__ import annotations

import pytest

from bulkheads.spec.model import PlatformSpec
from tests.plan.specs import LOCAL_SPEC, TWO_CLUSTER_SPEC


@pytest.fixture
def local_spec() -> PlatformSpec:
    return PlatformSpec.model_validate(LOCAL_SPEC)


@pytest.fixture
def two_cluster_spec() -> PlatformSpec:
    return PlatformSpec.model_validate(TWO_CLUSTER_SPEC)
