"""Moving sinks hand over to ``to`` one after the other: the live step ``bulkheads up``
runs before it applies ``consumers``.

The engine stops a moving sink on ``from`` and starts it on ``to`` in one update, in no
set order; a sink started on ``to`` while the old one still reads re-reads all the old
one read meanwhile (MirrorMaker syncs a group's offsets only while it is inactive on
``to``). :func:`hand_over_sinks` stops each moving sink on ``from`` first (the phase stops
it anyway), then waits until its group's offsets on ``to`` reached the translation of its
final ones (``rollback.translate_forward``, at most ``wait`` seconds, default three
checkpoint intervals), so the new sink starts at most one offset sync behind. Safe to
re-run: a stopped sink stays stopped, and waiting again finds the offsets there.
"""

from __future__ import annotations

import time

from bulkheads.connect import rest
from bulkheads.cutover.carry import Moved
from bulkheads.cutover.rollback import read_syncs, translate_forward
from bulkheads.ops.endpoints import Endpoints
from bulkheads.ops.lag import KafkaProbe
from bulkheads.plan import names
from bulkheads.plan.cutover import cutover_plans
from bulkheads.spec.model import PlatformSpec, SinkPipeline


def hand_over_sinks(
    spec: PlatformSpec, cutover: str, endpoints: Endpoints, wait: float | None = None
) -> Moved:
    """Stop ``cutover``'s moving sinks on ``from`` and wait for their offsets on ``to``."""
    (plan,) = (p for p in cutover_plans(spec, {cutover: "consumers"}) if p.cutover == cutover)
    declared = spec.cutovers[cutover]
    sinks = [p for p in declared.pipelines if isinstance(spec.pipelines[p], SinkPipeline)]
    if not sinks or not plan.topics:
        return Moved((), ())
    patience = 3 * plan.checkpoint_interval_ms / 1000 if wait is None else wait
    done: list[str] = []
    refused: list[str] = []
    source = KafkaProbe(endpoints.admin_config(plan.from_cluster))
    target = KafkaProbe(endpoints.admin_config(plan.to_cluster))
    try:
        for pipeline in sinks:
            url = endpoints.rest_url(spec.pipelines[pipeline].pool)
            name, group = names.connector_name(pipeline), names.sink_group(pipeline)
            try:
                status = rest.get_status(url, name)
                if status is not None and rest.observed_state(status) != "STOPPED":
                    rest.request_state(url, name, "stopped")
                    rest.wait_for_state(url, name, "stopped")
            except rest.ConnectRestError as error:
                refused.append(f"sink {pipeline!r}: cannot stop it on the old cluster: {error}")
                continue
            final = source.group_positions(group, plan.topics)
            deadline = time.monotonic() + patience
            while True:
                syncs = read_syncs(target, plan.offset_syncs_topic)
                wanted = {
                    tp: translate_forward(syncs.get(tp, []), offset)
                    for tp, offset in final.items()
                    if offset is not None
                }
                synced = target.group_positions(group, plan.topics)
                behind = {
                    tp: (synced.get(tp), at)
                    for tp, at in wanted.items()
                    if at is not None and (synced.get(tp) or 0) < at
                }
                if not behind or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            shown = ", ".join(f"{t}[{p}] {s} < {a}" for (t, p), (s, a) in sorted(behind.items()))
            done.append(
                f"sink {pipeline!r}: stopped on the old cluster; its offsets on the target "
                + (f"still behind after {patience:.0f}s ({shown})" if behind else "synced")
            )
    finally:
        source.close()
        target.close()
    return Moved(tuple(done), tuple(refused))
