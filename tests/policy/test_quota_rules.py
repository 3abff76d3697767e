"""Quota rules: named entities and throttled replay principals."""

from components import tokens
from policies.rules.model import Config
from tests.policy.builders import Pack, Res, connector, kafka_quota, principal

ENTITY_NAMED = "bulkheads-quota-entity-named"
REPLAY = "bulkheads-quota-replay-byte-rate"
RATES = {"producer_byte_rate": 10_485_760, "consumer_byte_rate": 10_485_760}


def run_quota(pack: Pack, quota: Res, config: Config | None = None) -> list[str]:
    return pack.resource(ENTITY_NAMED, tokens.KAFKA_QUOTA, quota.name, quota.props, config)


def test_named_quota_passes(pack: Pack) -> None:
    assert run_quota(pack, kafka_quota("q", "pipeline.backfill", **RATES)) == []


def test_quota_without_entity_name(pack: Pack) -> None:
    assert run_quota(pack, kafka_quota("everyone", None, **RATES)) == [
        "quota 'everyone' has no entity name, so it is the default for every user; name the "
        "user, or list 'everyone' in declared_defaults if a default is intended"
    ]


def test_quota_with_empty_entity_name(pack: Pack) -> None:
    assert len(run_quota(pack, kafka_quota("blank", "", **RATES))) == 1


def test_declared_default_quota_passes(pack: Pack) -> None:
    quota = kafka_quota("everyone", None, **RATES)
    assert run_quota(pack, quota, {"declared_defaults": ["everyone"]}) == []


def replay_stack(*quotas: Res) -> list[Res]:
    return [
        connector("backfill", kind="replay", pool="replays", workload_class="replay"),
        principal("pipeline.backfill", pool="replays", workload_class="replay"),
        *quotas,
    ]


def test_replay_principal_with_byte_rates_passes(pack: Pack) -> None:
    assert pack.stack(REPLAY, replay_stack(kafka_quota("q", "pipeline.backfill", **RATES))) == []


def test_quota_component_counts_too(pack: Pack) -> None:
    component = Res(
        tokens.QUOTA,
        "q",
        {"entity_type": "user", "entity_name": "pipeline.backfill", "config": RATES},
    )
    assert pack.stack(REPLAY, replay_stack(component)) == []


def test_replay_principal_without_quota(pack: Pack) -> None:
    resources = replay_stack()
    assert pack.stack(REPLAY, resources) == [
        (
            "replay principal 'pipeline.backfill' has no quota; give it a user quota with "
            "producer_byte_rate and consumer_byte_rate (the replay class quota)",
            resources[1].urn,
        )
    ]


def test_replay_principal_without_consumer_rate(pack: Pack) -> None:
    resources = replay_stack(kafka_quota("q", "pipeline.backfill", producer_byte_rate=1))
    assert pack.stack(REPLAY, resources) == [
        (
            "replay principal 'pipeline.backfill' has a quota without consumer_byte_rate; set "
            "consumer_byte_rate (the replay class quota)",
            resources[1].urn,
        )
    ]


def test_replay_pipeline_found_by_naming_convention(pack: Pack) -> None:
    replay = connector("rebuild", kind="replay", pool="replays", workload_class="derived")
    assert pack.stack(REPLAY, [replay]) == [
        (
            "replay principal 'pipeline.rebuild' has no quota; give it a user quota with "
            "producer_byte_rate and consumer_byte_rate (the replay class quota)",
            replay.urn,
        )
    ]


def test_live_principals_need_no_quota_here(pack: Pack) -> None:
    assert pack.stack(REPLAY, [connector("orders-cdc"), principal("pipeline.orders-cdc")]) == []
