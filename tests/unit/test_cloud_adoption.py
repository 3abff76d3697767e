"""The adoption decision: exists & retained -> import; exists & not ours -> a clear error;
never a silent takeover."""

from __future__ import annotations

from dataclasses import replace

from bulkheads.plan.adoption import decide_adoption
from bulkheads.plan.types import TopicPlan

LIVE = TopicPlan(
    name="raw.payments.transactions",
    cluster="ingest",
    partitions=12,
    replication_factor=3,
    config={},
    contract="raw",
    workload_class="live",
    owner="payments",
    writer="payments-cdc",
    protected=True,
)
DERIVED = replace(
    LIVE,
    name="derived.payments.daily",
    contract="derived",
    workload_class="derived",
    protected=False,
)
NEW = replace(LIVE, name="raw.payments.refunds")


def test_an_existing_retained_topic_is_imported_and_a_missing_one_created() -> None:
    adoption = decide_adoption("ingest", [LIVE, NEW], existing={LIVE.name}, managed=set())
    assert adoption.imports == {LIVE.name}
    assert adoption.conflicts == ()


def test_an_existing_topic_that_is_not_ours_is_refused_not_taken_over() -> None:
    adoption = decide_adoption("ingest", [LIVE, DERIVED], existing={DERIVED.name}, managed=set())
    assert adoption.imports == frozenset()
    assert adoption.conflicts == (
        "topic 'derived.payments.daily' already exists on cluster 'ingest' but is not a "
        "retained (derived) topic of this stack, so it is not adopted. Fix: delete or rename "
        "the existing topic, or import it on purpose with `pulumi import`",
    )


def test_topics_already_in_the_stack_need_nothing() -> None:
    existing = {LIVE.name, DERIVED.name}
    adoption = decide_adoption("ingest", [LIVE, DERIVED], existing, managed=existing)
    assert adoption == decide_adoption("ingest", [], existing, managed=existing)
    assert adoption.imports == frozenset() and adoption.conflicts == ()


def test_without_the_stacks_topics_only_retained_topics_are_decided() -> None:
    adoption = decide_adoption("ingest", [LIVE, DERIVED], existing={LIVE.name, DERIVED.name})
    assert adoption.imports == {LIVE.name}
    assert adoption.conflicts == ()
