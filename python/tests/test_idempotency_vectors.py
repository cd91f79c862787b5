"""Run every scenario of tests/vectors/idempotency.json against every store the Python face has.

The Rust, C and Go suites run the same scenarios, so the faces cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest
from conftest import DictBackend, load_idempotency_vectors

import cognition_core
from cognition_core import CognitionError, ErrorCode, IdempotencyStore, LeaseToken

VECTORS = load_idempotency_vectors()
SCENARIOS: list[dict[str, Any]] = VECTORS["scenarios"]


def policy_of(spec: dict[str, Any]) -> cognition_core.RetryPolicy:
    return cognition_core.RetryPolicy(
        initial_delay_ms=spec["initial_delay_millis"],
        max_attempts=spec["max_attempts"],
        factor=spec["factor"],
        max_delay_ms=spec["max_delay_millis"],
        jitter=False,
    )


STORE_FACTORIES: dict[str, Callable[[cognition_core.RetryPolicy, Path], IdempotencyStore]] = {
    "memory": lambda policy, _: cognition_core.MemoryStore(retry_policy=policy),
    "sqlite": lambda policy, tmp: cognition_core.SqliteStore(tmp / "v.db", retry_policy=policy),
    "backend": lambda policy, _: cognition_core.BackendStore(DictBackend(), retry_policy=policy),
}


def key_of(step: dict[str, Any]) -> str:
    if "key_repeat" in step:
        text, times = step["key_repeat"]
        return str(text) * int(times)
    key: str = step["key"]
    return key


def run_step(
    store: IdempotencyStore, step: dict[str, Any], tokens: dict[str, list[LeaseToken]]
) -> Any:
    op = step["op"]
    if op == "claim":
        claim = store.claim(
            key_of(step),
            step["body"].encode("utf-8"),
            event_type=step["event_type"],
            now=step["now"],
            lease_ms=step["lease_millis"],
        )
        if claim.token is not None:
            tokens.setdefault(claim.token.key, []).append(claim.token)
        return claim
    if op in ("complete", "fail", "ignore"):
        token = tokens[key_of(step)][step["token"]]
        if op == "complete":
            return store.complete(token, step["result"], now=step["now"])
        if op == "ignore":
            return store.ignore(token, now=step["now"])
        return store.fail(token, step["error"], retryable=step["retryable"], now=step["now"])
    if op == "get":
        return store.get(key_of(step))
    if op == "due":
        return store.due_for_retry(step["now"], step["limit"])
    if op == "requeue":
        return store.requeue(key_of(step), now=step["now"])
    if op == "purge":
        return store.purge(before=step["before"])
    raise AssertionError(f"unknown op {op}")


def check(step: dict[str, Any], outcome: Any) -> None:
    expect: dict[str, Any] = step["expect"]
    op = step["op"]
    if "ok" in expect:
        assert outcome is None
    if op == "claim":
        assert outcome.kind == expect["claim"]
        for name in ("attempt", "status", "lease_expires_at", "stored", "last_error"):
            if name in expect:
                assert getattr(outcome, name) == expect[name], name
        if "result" in expect:
            assert outcome.result == expect["result"]
    elif op == "fail" and "decision" in expect:
        assert outcome.kind == expect["decision"]
        if "at" in expect:
            assert outcome.at == expect["at"]
    elif op == "get":
        if expect.get("missing"):
            assert outcome is None
            return
        assert outcome is not None
        for name in ("status", "attempts", "processed_at", "last_error"):
            if name in expect:
                assert getattr(outcome, name) == expect[name], name
    elif op == "due":
        assert [record.key for record in outcome] == expect["keys"]
    elif op == "purge":
        assert outcome == expect["purged"]


@pytest.mark.parametrize("kind", sorted(STORE_FACTORIES))
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_idempotency_scenario(scenario: dict[str, Any], kind: str, tmp_path: Path) -> None:
    store = STORE_FACTORIES[kind](policy_of(scenario["retry_policy"]), tmp_path)
    tokens: dict[str, list[LeaseToken]] = {}
    for index, step in enumerate(scenario["steps"]):
        where = f"step {index} ({step['op']})"
        if "error" in step["expect"]:
            with pytest.raises(CognitionError) as info:
                run_step(store, step, tokens)
            assert info.value.code is ErrorCode[step["expect"]["error"]], where
            continue
        check(step, run_step(store, step, tokens))


def test_every_op_is_covered() -> None:
    ops = {step["op"] for scenario in SCENARIOS for step in scenario["steps"]}
    assert ops == {"claim", "complete", "fail", "ignore", "get", "due", "requeue", "purge"}
