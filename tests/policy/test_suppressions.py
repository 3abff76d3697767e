"""Suppressions: applied when valid, reported as advisory, failing the pack when defective."""

import os
from pathlib import Path

import pytest

from policies.rules.suppressions import DEFAULT_PATH, ENV_VAR, SuppressionSource
from tests.policy.builders import TODAY, Pack, acl, connector, topic_contract, worker_pool

RETENTION = "bulkheads-topic-retention-bounds"
META = "bulkheads-meta-suppressions"
SUPPRESSED = "bulkheads-meta-suppressed"
LONG_TOPIC = topic_contract("raw.orders.created", config={"retention.ms": str(30 * 86_400_000)})
REASON = "orders replays need 30 days while the lake backfill runs"
TOO_LONG = (
    "live topic 'raw.orders.created' keeps data for 30d, above the live maximum 14d; "
    "set retention.ms between 1d and 14d"
)


def write(pack: Pack, text: str) -> None:
    pack.suppressions_path.write_text(text, encoding="utf-8")


def entry(
    rule: str = RETENTION,
    match: str = '{type: "bulkheads:topic:TopicContract", name: "raw.orders.*"}',
    reason: str = REASON,
    owner: str = "payments",
    expires: str = "2026-12-31",
) -> str:
    return (
        f"suppressions:\n  - rule: {rule}\n    match: {match}\n    reason: {reason!r}\n"
        f"    owner: {owner}\n    expires: {expires}\n"
    )


def retention(pack: Pack) -> list[str]:
    return pack.resource(RETENTION, LONG_TOPIC.type, LONG_TOPIC.name, LONG_TOPIC.props)


def test_without_file_findings_are_reported(pack: Pack) -> None:
    assert retention(pack) == [TOO_LONG]
    assert pack.stack(META, []) == []


def test_valid_suppression_moves_the_finding_to_the_advisory_rule(pack: Pack) -> None:
    write(pack, entry())
    assert retention(pack) == []
    assert pack.stack(META, []) == []
    assert pack.stack(SUPPRESSED, []) == [
        (
            f"{RETENTION} suppressed until 2026-12-31 (owner payments: {REASON}): {TOO_LONG}",
            LONG_TOPIC.urn,
        )
    ]
    assert pack.stack(SUPPRESSED, []) == []


def test_urn_glob_matches_stack_findings(pack: Pack) -> None:
    pool = worker_pool("live-cdc")
    resources = [pool, connector("orders-cdc"), connector("backfill", kind="replay")]
    rule = "bulkheads-runtime-live-replay-separation"
    write(pack, entry(rule=rule, match='{urn: "*WorkerPool::live-cdc"}'))
    assert pack.stack(rule, resources) == []
    [(message, at)] = pack.stack(SUPPRESSED, [])
    assert at == pool.urn
    assert message.startswith(f"{rule} suppressed until 2026-12-31 (owner payments: ")


def test_suppression_of_another_resource_does_not_apply(pack: Pack) -> None:
    write(pack, entry(match='{urn: "*::raw.payments.*"}'))
    assert retention(pack) == [TOO_LONG]


def test_expired_suppression_fails_and_is_not_applied(pack: Pack) -> None:
    write(pack, entry(expires="2026-05-31"))
    assert retention(pack) == [TOO_LONG]
    assert pack.stack(META, []) == [
        (
            f"{pack.suppressions_path}: suppressions[0].expires: expired on 2026-05-31; fix the "
            "finding, or renew the entry with a new date and reason",
            None,
        )
    ]


def test_suppression_expiring_today_still_applies(pack: Pack) -> None:
    write(pack, entry(expires=TODAY.isoformat()))
    assert retention(pack) == []


def test_short_reason_fails(pack: Pack) -> None:
    write(pack, entry(reason="too long on purpose"))
    assert retention(pack) == [TOO_LONG]
    assert pack.stack(META, []) == [
        (
            f"{pack.suppressions_path}: suppressions[0].reason: 'too long on purpose' has 19 "
            "characters; explain in at least 20 why the finding is acceptable",
            None,
        )
    ]


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        (
            {"rule": "bulkheads-no-such-rule"},
            "rule: 'bulkheads-no-such-rule' is not a rule of this pack; use an id from "
            "policies/RULES.md",
        ),
        (
            {"rule": "bulkheads-access-no-wildcards"},
            "rule: 'bulkheads-access-no-wildcards' cannot be suppressed; fix the resource instead",
        ),
        (
            {"match": '{name: "raw.*"}'},
            "match: needs `urn` (a glob), or `type` and `name` (a glob)",
        ),
        ({"owner": '""'}, "owner: is missing; name the team that answers for the exception"),
        ({"expires": "someday"}, "expires: 'someday' is not a date; write YYYY-MM-DD"),
    ],
)
def test_defective_entries_fail(pack: Pack, kwargs: dict[str, str], problem: str) -> None:
    write(pack, entry(**kwargs))
    assert pack.stack(META, []) == [(f"{pack.suppressions_path}: suppressions[0].{problem}", None)]


def test_unsuppressible_rule_still_reports(pack: Pack) -> None:
    write(pack, entry(rule="bulkheads-access-no-wildcards", match='{urn: "*"}'))
    grant = acl("grant", "pipeline.orders-cdc", "*")
    found = pack.resource("bulkheads-access-no-wildcards", grant.type, grant.name, grant.props)
    assert len(found) == 1


def test_invalid_yaml_fails(pack: Pack) -> None:
    write(pack, "suppressions:\n  - rule: [unclosed\n")
    assert pack.stack(META, []) == [
        (f"{pack.suppressions_path}: line 3 is not valid YAML; fix the syntax there", None)
    ]


def test_wrong_shape_fails(pack: Pack) -> None:
    write(pack, "- rule: x\n")
    assert pack.stack(META, []) == [
        (f"{pack.suppressions_path}: expected a mapping with a `suppressions:` list", None)
    ]


def test_env_var_names_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    monkeypatch.setenv(ENV_VAR, str(missing))
    source = SuppressionSource({RETENTION: True}, today=lambda: TODAY)
    assert source.load().problems == (
        f"{missing}: no such file; point {ENV_VAR} at the suppressions file or unset it",
    )
    monkeypatch.delenv(ENV_VAR)
    assert source.load().problems == ()


def test_committed_suppressions_file_is_valid() -> None:
    from policies.rules.registry import all_rules
    from policies.rules.suppressions import suppressible_map

    source = SuppressionSource(suppressible_map(all_rules()), DEFAULT_PATH)
    assert source.load().problems == ()


def test_file_changes_are_picked_up(pack: Pack) -> None:
    write(pack, entry(expires="2026-05-31"))
    assert len(pack.stack(META, [])) == 1
    write(pack, entry())
    os.utime(pack.suppressions_path, (1, 1))
    assert pack.stack(META, []) == []
