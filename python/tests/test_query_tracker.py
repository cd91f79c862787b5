"""cognition_core.QueryTracker: statistics, the efficiency score, slow detection and its
callback, bounded memory, snapshots, advice, threads and hostile input."""

from __future__ import annotations

import json
import math
import sys
import threading
import time
from typing import Any

import pytest

import cognition_core
from cognition_core import ErrorCode, InvalidArgumentError, QueryStats, QueryTracker

ORDERS = "SELECT id, total FROM orders WHERE customer_id = {}"


def only(tracker: QueryTracker) -> QueryStats:
    stats = tracker.stats()
    assert len(stats) == 1
    return stats[0]


# ------------------------------------------------------------------------------ statistics


def test_executions_of_one_shape_are_counted_together() -> None:
    tracker = QueryTracker()
    for i in range(3):
        tracker.record(ORDERS.format(i), 10.0 * (i + 1), 100, 1, now_ms=1_000 + i)
    stats = only(tracker)
    assert stats.normalized == "select id, total from orders where customer_id = ?"
    assert stats.fingerprint == cognition_core.fingerprint(ORDERS.format(9)).id
    assert stats.kind == "SELECT"
    assert (stats.calls, stats.total_ms, stats.mean_ms) == (3, 60.0, 20.0)
    assert (stats.min_ms, stats.max_ms) == (10.0, 30.0)
    assert stats.stddev_ms == pytest.approx(math.sqrt(200 / 3))
    assert (stats.rows_examined, stats.rows_returned) == (300, 3)
    assert (stats.first_seen_ms, stats.last_seen_ms) == (1_000, 1_002)


def test_percentiles_are_within_one_percent() -> None:
    tracker = QueryTracker()
    for ms in range(1, 101):
        tracker.record("SELECT 1", float(ms))
    stats = only(tracker)
    assert stats.p50_ms == pytest.approx(50, rel=0.01)
    assert stats.p95_ms == pytest.approx(95, rel=0.01)
    assert stats.p99_ms == pytest.approx(99, rel=0.01)
    assert stats.percentile_ms(1.0) == 100.0


def test_the_example_is_the_slowest_statement() -> None:
    tracker = QueryTracker()
    tracker.record(ORDERS.format(1), 5.0)
    tracker.record(ORDERS.format(2), 50.0)
    tracker.record(ORDERS.format(3), 20.0)
    stats = only(tracker)
    assert (stats.example, stats.example_ms) == (ORDERS.format(2), 50.0)


def test_masked_examples_hold_no_literal() -> None:
    tracker = QueryTracker(mask_examples=True)
    tracker.record("SELECT * FROM users WHERE email = 'ann@example.com'", 5.0)
    assert only(tracker).example == "select * from users where email = ?"


def test_cache_hits_and_misses_are_counted_apart() -> None:
    tracker = QueryTracker()
    for hit in [True, True, False, None]:
        tracker.record("SELECT 1", 1.0, cache_hit=hit)
    stats = only(tracker)
    assert (stats.cache_hits, stats.cache_misses, stats.calls) == (2, 1, 4)


def test_stats_are_ordered_by_total_time() -> None:
    tracker = QueryTracker()
    tracker.record("SELECT a FROM t", 1.0)
    tracker.record("SELECT b FROM t", 30.0)
    tracker.record("SELECT c FROM t", 2.0)
    tracker.record("SELECT c FROM t", 2.0)
    assert [s.normalized for s in tracker.stats()] == [
        "select b from t",
        "select c from t",
        "select a from t",
    ]


def test_now_defaults_to_the_system_clock() -> None:
    tracker = QueryTracker()
    before = int(time.time() * 1000)
    tracker.record("SELECT 1", 1.0)
    after = int(time.time() * 1000)
    assert before <= only(tracker).first_seen_ms <= after


def test_get_finds_a_fingerprint_by_id_or_object() -> None:
    tracker = QueryTracker()
    tracker.record(ORDERS.format(1), 1.0)
    fp = cognition_core.fingerprint(ORDERS.format(2))
    by_id, by_object = tracker.get(fp.id), tracker.get(fp)
    assert by_id is not None
    assert by_object is not None
    assert by_id.calls == by_object.calls == 1
    assert tracker.get(cognition_core.fingerprint("SELECT 2").id) is None


def test_get_refuses_a_malformed_id() -> None:
    with pytest.raises(InvalidArgumentError, match="16 hex digits"):
        QueryTracker().get("not-an-id")


def test_to_dict_has_every_figure() -> None:
    tracker = QueryTracker()
    tracker.record("SELECT 1", 4.0, 10, 5)
    d = only(tracker).to_dict()
    assert d["calls"] == 1
    assert d["mean_ms"] == 4.0
    assert d["rows_examined"] == 10
    assert set(d) >= {"fingerprint", "normalized", "kind", "p95_ms", "efficiency", "is_slow"}


# ------------------------------------------------------------------------------ efficiency


def test_efficiency_of_a_wasteful_query_is_0_067() -> None:
    tracker = QueryTracker()
    tracker.record("SELECT * FROM t WHERE a = 1", 50.0, rows_examined=1000, rows_returned=100)
    assert round(only(tracker).efficiency, 3) == 0.067


def test_efficiency_of_an_index_lookup_is_0_91() -> None:
    tracker = QueryTracker()
    tracker.record("SELECT * FROM t WHERE a = 1", 10.0, rows_examined=100, rows_returned=100)
    assert round(only(tracker).efficiency, 2) == 0.91


def test_efficiency_with_no_rows_examined_is_decided_by_time() -> None:
    tracker = QueryTracker()
    tracker.record("SELECT 1", 100.0)
    assert only(tracker).efficiency == 0.5


# ------------------------------------------------------------------------------ slow queries


def test_a_shape_is_slow_only_after_enough_calls() -> None:
    tracker = QueryTracker(slow_ms=100, slow_min_calls=3)
    tracker.record(ORDERS.format(1), 500.0)
    tracker.record(ORDERS.format(2), 500.0)
    assert tracker.slow_queries() == []
    tracker.record(ORDERS.format(3), 500.0)
    tracker.record("SELECT 1", 1.0)
    slow = tracker.slow_queries()
    assert [s.normalized for s in slow] == [only_normalized(ORDERS)]
    assert slow[0].is_slow


def only_normalized(template: str) -> str:
    return cognition_core.fingerprint(template.format(0)).normalized


def test_a_p95_threshold_also_makes_a_shape_slow() -> None:
    tracker = QueryTracker(slow_ms=1000, slow_min_calls=10, slow_p95_ms=200)
    for i in range(20):
        tracker.record("SELECT 1", 500.0 if i % 10 == 0 else 10.0)
    stats = only(tracker)
    assert stats.mean_ms < 1000
    assert stats.p95_ms > 200
    assert stats.is_slow


def test_the_slow_callback_fires_once_per_shape() -> None:
    fired: list[QueryStats] = []
    tracker = QueryTracker(slow_ms=100, slow_min_calls=3, on_slow=fired.append)
    for i in range(10):
        tracker.record(ORDERS.format(i), 250.0)
    assert len(fired) == 1
    assert (fired[0].calls, fired[0].is_slow) == (3, True)


def test_an_exception_in_the_slow_callback_goes_to_the_unraisable_hook(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reported: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)

    def broken(stats: QueryStats) -> None:
        raise RuntimeError("alerting is down")

    tracker = QueryTracker(slow_ms=1, slow_min_calls=1, on_slow=broken)
    tracker.record("SELECT 1", 5.0)
    tracker.record("SELECT 1", 5.0)
    assert only(tracker).calls == 2
    assert len(reported) == 1
    assert isinstance(reported[0].exc_value, RuntimeError)
    assert reported[0].object is broken


def test_the_slow_callback_may_use_the_tracker() -> None:
    seen: list[int] = []

    def inspect(stats: QueryStats) -> None:
        seen.append(len(tracker.slow_queries()))

    tracker = QueryTracker(slow_ms=1, slow_min_calls=1, on_slow=inspect)
    tracker.record("SELECT 1", 5.0)
    assert seen == [1]


def test_a_non_callable_on_slow_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="on_slow must be a callable"):
        QueryTracker(on_slow="alert")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ bounded memory


def test_the_tracker_keeps_at_most_max_fingerprints_and_counts_evictions() -> None:
    tracker = QueryTracker(max_fingerprints=50)
    tracker.record("SELECT * FROM heavy WHERE a = 1", 60_000.0)
    for i in range(500):
        tracker.record(f"SELECT c{i} FROM t", 1.0)
    assert len(tracker) <= 50
    assert tracker.evictions == 501 - len(tracker)
    assert tracker.stats()[0].normalized == "select * from heavy where a = ?"


def test_reset_forgets_everything() -> None:
    tracker = QueryTracker(max_fingerprints=1)
    tracker.record("SELECT 1", 1.0)
    tracker.record("SELECT 2 FROM t", 1.0)
    tracker.reset()
    assert (len(tracker), tracker.evictions, tracker.stats()) == (0, 0, [])


# ------------------------------------------------------------------------------ snapshots


def busy(calls: int, ms: float) -> QueryTracker:
    tracker = QueryTracker()
    for i in range(calls):
        tracker.record(ORDERS.format(i), ms, 1000, 10, now_ms=1_000 + i)
    return tracker


def test_a_snapshot_round_trips_through_json() -> None:
    tracker = busy(5, 12.5)
    copy = QueryTracker.from_json(tracker.to_json())
    assert [s.to_dict() for s in copy.stats()] == [s.to_dict() for s in tracker.stats()]
    assert json.loads(tracker.to_json())["version"] == 1


def test_merging_snapshots_adds_counts_and_sums_exactly() -> None:
    merged = busy(3, 10.0)
    merged.merge(busy(7, 30.0).to_json())
    stats = only(merged)
    assert (stats.calls, stats.total_ms, stats.mean_ms) == (10, 240.0, 24.0)
    assert (stats.min_ms, stats.max_ms) == (10.0, 30.0)
    assert (stats.rows_examined, stats.rows_returned) == (10_000, 100)


def test_a_snapshot_that_makes_a_shape_slow_fires_the_callback() -> None:
    fired: list[QueryStats] = []
    QueryTracker.from_json(
        busy(3, 50.0).to_json(), slow_ms=10, slow_min_calls=3, on_slow=fired.append
    )
    assert [s.calls for s in fired] == [3]


def test_stats_are_copies_that_later_records_do_not_change() -> None:
    tracker = busy(1, 5.0)
    before = only(tracker)
    tracker.record(ORDERS.format(2), 5.0)
    assert (before.calls, only(tracker).calls) == (1, 2)


def test_another_tracker_can_be_merged_directly() -> None:
    merged = busy(2, 10.0)
    merged.merge(busy(2, 10.0))
    assert only(merged).calls == 4


@pytest.mark.parametrize("text", ["", "{", "[]", '{"version": 99}', '{"version": 1}'])
def test_a_malformed_snapshot_is_an_invalid_argument(text: str) -> None:
    tracker = busy(1, 1.0)
    with pytest.raises(InvalidArgumentError, match="snapshot"):
        tracker.merge(text)
    assert only(tracker).calls == 1


def test_a_snapshot_of_the_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="snapshot must be"):
        QueryTracker().merge(b"{}")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ advice


def test_an_inefficient_filtered_read_gets_an_index_hint() -> None:
    tracker = QueryTracker()
    for i in range(20):
        tracker.record(ORDERS.format(i), 120.0, rows_examined=100_000, rows_returned=2)
    advice = tracker.suggestions()
    hint = advice[0]
    assert hint.strategy == "INDEX_HINT"
    assert hint.statement == "CREATE INDEX idx_orders_customer_id ON orders (customer_id)"
    assert (hint.table, hint.columns) == ("orders", ["customer_id"])
    assert hint.fingerprint == only(tracker).fingerprint
    assert hint.evidence.calls == 20
    assert 0.5 <= hint.confidence <= 0.9
    assert "20 calls" in hint.reason


def test_select_star_is_flagged_as_a_rewrite() -> None:
    tracker = QueryTracker()
    tracker.record("SELECT * FROM users WHERE id = 1", 1.0, 1, 1)
    assert [(s.strategy, s.table) for s in tracker.suggestions()] == [("QUERY_REWRITE", "users")]


def test_an_empty_tracker_gives_no_advice() -> None:
    assert QueryTracker().suggestions() == []


def test_suggestion_to_dict_carries_the_evidence() -> None:
    advice = cognition_core.suggest(
        "SELECT * FROM users",
        cognition_core.Evidence(calls=1, mean_ms=1.0, rows_examined=1, rows_returned=1),
    )
    d = advice[0].to_dict()
    assert d["strategy"] == "QUERY_REWRITE"
    assert d["evidence"]["calls"] == 1


def test_evidence_computes_the_efficiency_when_not_given() -> None:
    e = cognition_core.Evidence(calls=1, mean_ms=50.0, rows_examined=1000, rows_returned=100)
    assert round(e.efficiency, 3) == 0.067
    assert e.p95_ms == 50.0


# ------------------------------------------------------------------------------ threads


def test_threads_recording_at_once_lose_no_call() -> None:
    tracker = QueryTracker()
    fired: list[str] = []
    slow = QueryTracker(slow_ms=1, slow_min_calls=100, on_slow=lambda s: fired.append(s.normalized))
    start = threading.Barrier(4)

    def work(n: int) -> None:
        start.wait()
        for i in range(2_000):
            sql = f"SELECT * FROM t{i % 4} WHERE id = {n * i}"
            tracker.record(sql, 1.0, 2, 1)
            slow.record(sql, 5.0)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(s.calls for s in tracker.stats()) == [2_000] * 4
    assert sum(s.rows_examined for s in tracker.stats()) == 16_000
    assert sorted(fired) == [f"select * from t{i} where id = ?" for i in range(4)]


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize("duration", [math.nan, math.inf, -math.inf, -1.0])
def test_a_bad_duration_is_refused_and_nothing_recorded(duration: float) -> None:
    tracker = QueryTracker()
    with pytest.raises(InvalidArgumentError, match="duration_ms"):
        tracker.record("SELECT 1", duration)
    assert len(tracker) == 0


@pytest.mark.parametrize(
    ("examined", "returned", "field"), [(-1, 0, "rows_examined"), (0, -1, "rows_returned")]
)
def test_a_negative_row_count_is_refused(examined: int, returned: int, field: str) -> None:
    tracker = QueryTracker()
    with pytest.raises(InvalidArgumentError, match=f"{field} must be >= 0"):
        tracker.record("SELECT 1", 1.0, examined, returned)
    assert len(tracker) == 0


def test_a_row_count_past_64_bits_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="at most 2\\*\\*64 - 1"):
        QueryTracker().record("SELECT 1", 1.0, 2**64)


def test_a_float_row_count_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="rows_returned must be an int"):
        QueryTracker().record("SELECT 1", 1.0, 1, 2.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("sql", [b"SELECT 1", None, 7])
def test_non_str_sql_is_a_type_error(sql: object) -> None:
    with pytest.raises(TypeError, match="sql must be a str"):
        QueryTracker().record(sql, 1.0)  # type: ignore[arg-type]


def test_a_str_duration_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        QueryTracker().record("SELECT 1", "5ms")  # type: ignore[arg-type]


def test_a_lone_surrogate_is_an_invalid_utf8_error() -> None:
    tracker = QueryTracker()
    with pytest.raises(InvalidArgumentError) as info:
        tracker.record("SELECT '\ud800'", 1.0)
    assert info.value.code is ErrorCode.INVALID_UTF8
    assert len(tracker) == 0


def test_a_one_megabyte_statement_is_recorded_with_a_bounded_example() -> None:
    tracker = QueryTracker()
    sql = "SELECT * FROM t WHERE note = '" + "x" * 1_000_000 + "'"
    tracker.record(sql, 1.0)
    stats = only(tracker)
    assert stats.normalized == "select * from t where note = ?"
    assert len(stats.example.encode()) <= 4096


def test_a_day_long_duration_counts_as_one_day() -> None:
    tracker = QueryTracker()
    tracker.record("SELECT 1", 1e12)
    assert only(tracker).max_ms == 86_400_000.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_fingerprints": 0}, "max_fingerprints must be at least 1"),
        ({"slow_min_calls": 0}, "slow_min_calls must be at least 1"),
        ({"slow_ms": -1.0}, "slow_ms must be"),
        ({"slow_ms": math.nan}, "slow_ms must be"),
        ({"slow_p95_ms": math.inf}, "slow_p95_ms must be"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        QueryTracker(**kwargs)


def test_the_repr_shows_the_settings() -> None:
    tracker = QueryTracker(slow_ms=250)
    tracker.record("SELECT 1", 1.0)
    assert repr(tracker).startswith(
        "QueryTracker(fingerprints=1, evictions=0, max_fingerprints=5000"
    )


# ------------------------------------------------------------------------------ thresholds


def test_suggest_config_defaults_are_the_documented_ones() -> None:
    config = cognition_core.SuggestConfig()
    assert (config.index_min_calls, config.low_efficiency, config.large_offset) == (10, 0.2, 1000)
    assert (config.cache_min_calls, config.cache_max_rows) == (1000, 100)


def test_the_tracker_uses_its_suggest_config() -> None:
    strict = cognition_core.SuggestConfig(index_min_calls=1_000)
    tracker = QueryTracker(suggest_config=strict)
    for i in range(20):
        tracker.record(ORDERS.format(i), 120.0, rows_examined=100_000, rows_returned=2)
    assert [s.strategy for s in tracker.suggestions()] == []
    assert tracker.suggest_config.index_min_calls == 1_000


def test_suggest_takes_a_config() -> None:
    sql = "SELECT id FROM t ORDER BY id LIMIT 20 OFFSET 500"
    evidence = cognition_core.Evidence(calls=1, mean_ms=1.0, rows_examined=1, rows_returned=1)
    assert cognition_core.suggest(sql, evidence) == []
    eager = cognition_core.SuggestConfig(large_offset=100)
    assert [s.strategy for s in cognition_core.suggest(sql, evidence, eager)] == ["QUERY_REWRITE"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"index_min_calls": -1}, "index_min_calls must be >= 0"),
        ({"low_efficiency": 1.5}, "low_efficiency must be between 0 and 1"),
        ({"aggregate_min_mean_ms": math.nan}, "aggregate_min_mean_ms must be"),
    ],
)
def test_bad_thresholds_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        cognition_core.SuggestConfig(**kwargs)
