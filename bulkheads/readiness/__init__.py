"""The migration readiness scorecard (``bulkheads readiness``).

Six areas from the platform doctrine — Compatibility, Offsets, Data contracts, Cost
model, Rollback, Observability — each green (ready), yellow (controlled gap) or red
(unresolved blocker). An area's verdict is its worst signal; a signal is a small pure
function over the spec, the plan and the stack's config returning the checks it made,
each naming where it looked and, when not green, the fix. ``scorecard`` holds the types
and the catalogue; one module per area holds its signals.
"""
