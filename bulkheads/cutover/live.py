"""What a cutover's gates read from the live platform (``gates.Observed``).

The mirror's connector states and copied positions come from its pool's Connect REST API;
end offsets and consumer-group offsets from both clusters, as their admins (see
``ops.endpoints``). A connector that does not answer is ``UNREACHABLE`` or ``MISSING``; one
with a failed task is ``FAILED (<first line of its trace>)``.
"""

from __future__ import annotations

from bulkheads.connect import rest
from bulkheads.cutover.gates import GroupFacts, Observed, PartitionFacts
from bulkheads.ops.endpoints import Endpoints
from bulkheads.ops.lag import KafkaProbe, mirror_positions
from bulkheads.plan.cutover import CutoverPlan


def observe(plan: CutoverPlan, endpoints: Endpoints) -> Observed:
    """The live facts of ``plan``'s mirror, topics and groups."""
    url = endpoints.rest_url(plan.mirror_pool)
    source = KafkaProbe(endpoints.admin_config(plan.from_cluster))
    target = KafkaProbe(endpoints.admin_config(plan.to_cluster))
    try:
        try:
            mirrored = mirror_positions(rest.get_offsets(url, plan.mirror))
        except rest.ConnectRestError:
            mirrored = {}
        source_ends = source.end_offsets(plan.topics)
        target_ends = target.end_offsets(plan.topics)
        partitions = tuple(
            PartitionFacts(
                topic, partition, end, target_ends.get((topic, partition), 0),
                mirrored.get((topic, partition)),
            )
            for (topic, partition), end in sorted(source_ends.items())
        )  # fmt: skip
        groups = tuple(
            GroupFacts(
                group, topic, partition, committed,
                target.group_positions(group, plan.topics).get((topic, partition)),
                target_ends.get((topic, partition), 0),
            )
            for group in plan.groups
            for (topic, partition), committed in sorted(
                source.group_positions(group, plan.topics).items()
            )
        )  # fmt: skip
    finally:
        source.close()
        target.close()
    return Observed(
        _state(url, plan.mirror), _state(url, plan.checkpoint_connector), partitions, groups
    )


def _state(url: str, connector: str) -> str:
    try:
        status = rest.get_status(url, connector)
    except rest.ConnectRestError:
        return "UNREACHABLE"
    if status is None:
        return "MISSING"
    failure = rest.failure_of(status)
    return str(status["connector"]["state"]) if failure is None else f"FAILED ({failure})"
