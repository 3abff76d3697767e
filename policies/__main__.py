"""Entry point of the pack: ``python -m pulumi.policy <engine> policies`` runs this file.

The language host runs it with ``runpy.run_path`` on the pack directory, which puts only
``policies/`` itself on ``sys.path``; the repository root goes first so that the rules import
as ``policies.rules`` (as in the tests) beside ``components`` and ``bulkheads``. Building
``PolicyPack`` starts the analyzer's gRPC server and blocks, so nothing else lives here
but the watch that ends the pack with its engine (``policies.lifetime``).
"""

import sys
from pathlib import Path

REPO_ROOT = str(Path(__file__).resolve().parent.parent)
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

from policies.lifetime import exit_with_parent  # noqa: E402
from policies.rules import per_call  # noqa: E402
from policies.rules.registry import PACK_NAME, build_policies  # noqa: E402

exit_with_parent()
per_call.install()

PolicyPack(
    name=PACK_NAME,
    policies=build_policies(),
    enforcement_level=EnforcementLevel.MANDATORY,
    description="bulkheads isolation doctrine for Kafka platforms (rules: policies/RULES.md)",
)
