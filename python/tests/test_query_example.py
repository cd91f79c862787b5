"""examples/python/query_sqlite_app.py: both hook variants record every request of the shop."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import REPO_ROOT

import cognition_core
from cognition_core import QueryTracker

EXAMPLE = REPO_ROOT / "examples" / "python" / "query_sqlite_app.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("query_sqlite_app", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


APP = load_example()


def shape(sql: str) -> str:
    return cognition_core.fingerprint(sql).normalized


def calls_by_shape(tracker: QueryTracker) -> dict[str, int]:
    return {s.normalized: s.calls for s in tracker.stats()}


@pytest.fixture(params=["dbapi", "sqlalchemy"])
def tracked(request: pytest.FixtureRequest, tmp_path: Path) -> QueryTracker:
    tracker = QueryTracker(slow_ms=1_000_000)
    runner = APP.run_dbapi if request.param == "dbapi" else APP.run_sqlalchemy
    runner(tracker, str(tmp_path / "shop.db"))
    return tracker


def test_every_request_of_the_workload_is_recorded(tracked: QueryTracker) -> None:
    calls = calls_by_shape(tracked)
    workload = APP.WORKLOAD
    assert calls[shape("SELECT id, quantity FROM orders WHERE id = 1")] == workload["order_by_id"]
    assert calls[shape("SELECT * FROM customers WHERE id = 1")] == workload["customer_profile"]
    assert (
        calls[shape("SELECT id, book_id, quantity FROM orders WHERE customer_id = 1")]
        == workload["orders_of_customer"]
    )
    inserts = shape("INSERT INTO orders (customer_id, book_id, quantity, created_day) VALUES (1)")
    assert calls[inserts] == workload["place_order"]
    assert sum(calls.values()) == sum(workload.values())


def test_offsets_of_the_pages_share_one_fingerprint(tracked: QueryTracker) -> None:
    pages = shape("SELECT id, customer_id FROM orders ORDER BY id LIMIT 20 OFFSET 1000")
    assert calls_by_shape(tracked)[pages] == APP.WORKLOAD["orders_page"]


def test_the_unindexed_filter_gets_an_index_hint(tracked: QueryTracker) -> None:
    statements = [s.statement for s in tracked.suggestions() if s.strategy == "INDEX_HINT"]
    assert "CREATE INDEX idx_orders_customer_id ON orders (customer_id)" in statements


def test_the_rewrites_of_the_workload_are_suggested(tracked: QueryTracker) -> None:
    reasons = " | ".join(s.reason for s in tracked.suggestions())
    assert "SELECT *" in reasons
    assert "leading wildcard" in reasons


def test_the_dbapi_variant_counts_fetched_rows(tmp_path: Path) -> None:
    tracker = QueryTracker()
    APP.run_dbapi(tracker, str(tmp_path / "shop.db"))
    by_id = tracker.get(cognition_core.fingerprint("SELECT id, quantity FROM orders WHERE id = 1"))
    assert by_id is not None
    assert by_id.rows_returned == APP.WORKLOAD["order_by_id"]
    assert by_id.rows_examined == 0


def test_the_scan_estimate_is_the_table_size(tmp_path: Path) -> None:
    tracker = QueryTracker()
    APP.run_dbapi(tracker, str(tmp_path / "shop.db"))
    sql = "SELECT id, book_id, quantity FROM orders WHERE customer_id = 1"
    stats = tracker.get(cognition_core.fingerprint(sql))
    assert stats is not None
    assert stats.rows_examined == APP.ORDERS * APP.WORKLOAD["orders_of_customer"]


def test_the_script_prints_its_report() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--variant", "dbapi"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "Top 8 fingerprints by total time" in done.stdout
    assert "[INDEX_HINT]" in done.stdout
    assert "Suggestions:" in done.stdout
