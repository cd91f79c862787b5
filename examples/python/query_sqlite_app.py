"""A small SQLite-backed shop whose every query is recorded by a cognition_core.QueryTracker.

Run it::

    pip install cognition-core sqlalchemy
    python query_sqlite_app.py                 # both variants, an in-memory database
    python query_sqlite_app.py --variant dbapi --db shop.db

Two ways to hook a tracker into an application, both shown here:

- ``sqlalchemy``: SQLAlchemy's ``before_cursor_execute`` / ``after_cursor_execute`` engine events
  (the documented recipe for query profiling). Nothing else in the app changes. The hook sees the
  statement before its rows are fetched, so for a ``SELECT`` it records ``rows_returned=0``
  ("unknown"); for ``INSERT``/``UPDATE``/``DELETE`` ``cursor.rowcount`` is the rows affected.
- ``dbapi``: a cursor wrapper for plain DB-API code (``sqlite3``, ``psycopg``...). It counts the
  rows the application fetches and records each statement once its result is consumed, so the
  time includes the fetch (SQLite does most of a ``SELECT``'s work while rows are fetched).

SQLite does not report rows examined, so both variants estimate it from the query plan: a
statement whose ``EXPLAIN QUERY PLAN`` says ``SCAN <table>`` (no usable index) examines that
table's rows; one that only ``SEARCH``es an index counts as 0 ("unknown", see the efficiency
rule). The plan is looked up once per fingerprint.

The workload mixes a primary-key lookup, a filter on an unindexed column, a ``SELECT *``, a
leading-wildcard search, a revenue report, deep pagination and inserts; the tracker's report
then shows the top fingerprints, the slow ones and the advice (index hints, rewrites).
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from typing import Any

import cognition_core
from cognition_core import QueryTracker

CUSTOMERS = 500
BOOKS = 300
ORDERS = 20_000
SEED = 7

SCHEMA = [
    "DROP TABLE IF EXISTS orders",
    "DROP TABLE IF EXISTS books",
    "DROP TABLE IF EXISTS customers",
    "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL, country TEXT NOT NULL)",
    "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, price_cents INTEGER)",
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, "
    "book_id INTEGER NOT NULL, quantity INTEGER NOT NULL, created_day INTEGER NOT NULL)",
]


# ------------------------------------------------------------------------------ rows examined


class ScanEstimator:
    """Estimate rows examined from SQLite's query plan: the rows of every table it scans (an
    upper bound: a scan stopped early by ``LIMIT`` reads fewer)."""

    def __init__(self) -> None:
        self._scans: dict[str, list[str]] = {}
        self._sizes: dict[str, int] = {}

    def rows_examined(self, conn: sqlite3.Connection, sql: str, params: Any) -> int:
        if sql.lstrip()[:6].upper() not in {"SELECT", "UPDATE", "DELETE"}:
            return 0
        shape = cognition_core.fingerprint(sql).id
        if shape not in self._scans:
            plan = conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
            scanned = [
                detail.split()[1]
                for *_, detail in plan
                if detail.startswith("SCAN ") and "USING" not in detail
            ]
            self._scans[shape] = [t for t in (table_of(s, sql, tables) for s in scanned) if t]
        return sum(self._size(conn, table) for table in self._scans[shape])

    def _size(self, conn: sqlite3.Connection, table: str) -> int:
        if table not in self._sizes:
            (count,) = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()
            self._sizes[table] = int(count)
        return self._sizes[table]


def table_of(name: str, sql: str, tables: set[str]) -> str | None:
    """The table a plan's ``SCAN name`` reads: ``name`` itself, or the table it aliases."""
    if name in tables:
        return name
    for match in re.finditer(rf"\b(\w+)\s+(?:AS\s+)?{re.escape(name)}\b", sql, re.IGNORECASE):
        if match.group(1) in tables:
            return match.group(1)
    return None


# ------------------------------------------------------------------------------ DB-API variant


class TrackedCursor:
    """A DB-API cursor that records each statement into a tracker once its rows are consumed."""

    def __init__(
        self, conn: sqlite3.Connection, tracker: QueryTracker, estimator: ScanEstimator
    ) -> None:
        self._conn = conn
        self._cursor = conn.cursor()
        self._tracker = tracker
        self._estimator = estimator
        self._pending: tuple[str, float, int] | None = None  # sql, elapsed ms, rows examined
        self._rows = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> TrackedCursor:
        self._flush()
        examined = self._estimator.rows_examined(self._conn, sql, params)
        start = time.perf_counter()
        self._cursor.execute(sql, params)
        elapsed = (time.perf_counter() - start) * 1000
        self._pending, self._rows = (sql, elapsed, examined), 0
        if self._cursor.description is None:  # not a query: rowcount is the rows affected
            self._rows = max(self._cursor.rowcount, 0)
            self._flush()
        return self

    def fetchall(self) -> list[Any]:
        start = time.perf_counter()
        rows = self._cursor.fetchall()
        self._add_fetch(start, len(rows))
        self._flush()
        return rows

    def fetchone(self) -> Any:
        start = time.perf_counter()
        row = self._cursor.fetchone()
        self._add_fetch(start, 0 if row is None else 1)
        if row is None:
            self._flush()
        return row

    def __iter__(self) -> Iterator[Any]:
        while (row := self.fetchone()) is not None:
            yield row

    def close(self) -> None:
        self._flush()
        self._cursor.close()

    def _add_fetch(self, start: float, rows: int) -> None:
        if self._pending is not None:
            sql, elapsed, examined = self._pending
            self._pending = (sql, elapsed + (time.perf_counter() - start) * 1000, examined)
            self._rows += rows

    def _flush(self) -> None:
        if self._pending is not None:
            sql, elapsed, examined = self._pending
            self._pending = None
            self._tracker.record(sql, elapsed, rows_examined=examined, rows_returned=self._rows)


# ------------------------------------------------------------------------------ SQLAlchemy variant


def track_engine(engine: Any, tracker: QueryTracker) -> None:
    """Record every statement the engine runs (SQLAlchemy's cursor-execute events)."""
    from sqlalchemy import event

    estimator = ScanEstimator()

    @event.listens_for(engine, "before_cursor_execute")
    def before(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        conn.info.setdefault("query_start", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def after(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        elapsed = (time.perf_counter() - conn.info["query_start"].pop()) * 1000
        examined = 0 if many else estimator.rows_examined(cursor.connection, statement, parameters)
        affected = cursor.rowcount if cursor.description is None else 0
        tracker.record(statement, elapsed, rows_examined=examined, rows_returned=max(affected, 0))


# ------------------------------------------------------------------------------ the shop


def seed(execute: Any) -> None:
    """Create the tables and fill them, reproducibly."""
    rng = random.Random(SEED)
    for ddl in SCHEMA:
        execute(ddl, ())
    for i in range(1, CUSTOMERS + 1):
        execute(
            "INSERT INTO customers (id, email, country) VALUES (?, ?, ?)",
            (i, f"customer{i}@example.com", rng.choice(["DE", "FR", "US", "JP"])),
        )
    for i in range(1, BOOKS + 1):
        execute(
            "INSERT INTO books (id, title, price_cents) VALUES (?, ?, ?)",
            (i, f"Book {i} of {rng.choice(['Rust', 'SQL', 'Go'])}", rng.randint(500, 5000)),
        )


WORKLOAD = {
    "place_order": 200,
    "order_by_id": 100,
    "orders_of_customer": 40,
    "customer_profile": 30,
    "search_books": 15,
    "revenue_by_country": 12,
    "orders_page": 10,
}


def run_workload(execute: Any, fetch: Any) -> None:
    """Run the shop's requests; ``execute(sql, params)`` and ``fetch(sql, params) -> rows``."""
    rng = random.Random(SEED)
    for i in range(WORKLOAD["place_order"]):
        execute(
            "INSERT INTO orders (customer_id, book_id, quantity, created_day) VALUES (?, ?, ?, ?)",
            (rng.randint(1, CUSTOMERS), rng.randint(1, BOOKS), rng.randint(1, 3), i % 30),
        )
    for _ in range(WORKLOAD["order_by_id"]):
        fetch("SELECT id, quantity FROM orders WHERE id = ?", (rng.randint(1, ORDERS),))
    for _ in range(WORKLOAD["orders_of_customer"]):
        fetch(
            "SELECT id, book_id, quantity FROM orders WHERE customer_id = ?",
            (rng.randint(1, CUSTOMERS),),
        )
    for _ in range(WORKLOAD["customer_profile"]):
        fetch("SELECT * FROM customers WHERE id = ?", (rng.randint(1, CUSTOMERS),))
    for _ in range(WORKLOAD["search_books"]):
        fetch("SELECT id, title FROM books WHERE title LIKE '%' || ?", (rng.choice(["SQL", "Go"]),))
    for _ in range(WORKLOAD["revenue_by_country"]):
        fetch(
            "SELECT c.country, SUM(o.quantity * b.price_cents) AS revenue FROM orders o "
            "JOIN customers c ON c.id = o.customer_id JOIN books b ON b.id = o.book_id "
            "GROUP BY c.country ORDER BY revenue DESC",
            (),
        )
    for page in range(WORKLOAD["orders_page"]):
        fetch(
            f"SELECT id, customer_id FROM orders ORDER BY id LIMIT 20 OFFSET {1000 + 20 * page}",
            (),
        )


def bulk_orders(executemany: Any) -> None:
    """The order history the shop starts with (loaded untracked, like a restore)."""
    rng = random.Random(SEED + 1)
    executemany(
        "INSERT INTO orders (customer_id, book_id, quantity, created_day) VALUES (?, ?, ?, ?)",
        [
            (rng.randint(1, CUSTOMERS), rng.randint(1, BOOKS), rng.randint(1, 3), i % 365)
            for i in range(ORDERS - WORKLOAD["place_order"])
        ],
    )


def run_dbapi(tracker: QueryTracker, database: str = ":memory:") -> None:
    """The shop on plain ``sqlite3``, every statement through a :class:`TrackedCursor`."""
    conn = sqlite3.connect(database)
    try:
        seed(conn.execute)  # set-up runs untracked; the requests below are tracked
        bulk_orders(conn.executemany)
        cursor = TrackedCursor(conn, tracker, ScanEstimator())
        run_workload(cursor.execute, lambda sql, params: cursor.execute(sql, params).fetchall())
        cursor.close()
        conn.commit()
    finally:
        conn.close()


def run_sqlalchemy(tracker: QueryTracker, database: str = ":memory:") -> None:
    """The shop on SQLAlchemy Core; the engine's events feed the tracker."""
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as conn:

            def execute(sql: str, params: Sequence[Any]) -> None:
                conn.exec_driver_sql(sql, tuple(params))

            def fetch(sql: str, params: Sequence[Any]) -> list[Any]:
                return list(conn.exec_driver_sql(sql, tuple(params)).fetchall())

            seed(execute)  # set-up runs untracked; the requests below are tracked
            bulk_orders(conn.exec_driver_sql)  # a list of parameter tuples runs as executemany
            track_engine(engine, tracker)
            run_workload(execute, fetch)
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------ the report


def report(tracker: QueryTracker, top: int = 8) -> str:
    """The tracker's findings as text: top fingerprints, slow ones, advice."""
    lines = [f"Top {top} fingerprints by total time ({len(tracker)} tracked):"]
    lines.append(f"  {'id':<16} {'calls':>6} {'mean ms':>8} {'p95 ms':>8} {'eff':>6}  statement")
    for s in tracker.stats()[:top]:
        lines.append(
            f"  {s.fingerprint} {s.calls:>6} {s.mean_ms:>8.3f} {s.p95_ms:>8.3f} "
            f"{s.efficiency:>6.3f}  {s.normalized[:70]}"
        )
    slow = tracker.slow_queries()
    lines.append("")
    lines.append(f"Slow (mean > {tracker.slow_ms} ms over >= {tracker.slow_min_calls} calls):")
    lines.extend(f"  {s.fingerprint} {s.mean_ms:.3f} ms  {s.normalized[:80]}" for s in slow)
    if not slow:
        lines.append("  none")
    lines.append("")
    lines.append("Suggestions:")
    for advice in tracker.suggestions():
        lines.append(f"  [{advice.strategy}] {advice.reason}")
        if advice.statement:
            lines.append(f"      {advice.statement}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--variant", choices=["sqlalchemy", "dbapi", "both"], default="both")
    parser.add_argument("--db", default=":memory:", help="SQLite file (default: in memory)")
    parser.add_argument("--slow-ms", type=float, default=2.0)
    args = parser.parse_args(argv)

    variants = ["dbapi", "sqlalchemy"] if args.variant == "both" else [args.variant]
    for variant in variants:
        slow: list[cognition_core.QueryStats] = []  # on_slow runs once per fingerprint
        tracker = QueryTracker(slow_ms=args.slow_ms, slow_min_calls=5, on_slow=slow.append)
        (run_dbapi if variant == "dbapi" else run_sqlalchemy)(tracker, args.db)
        print(f"=== {variant} ===")
        print(report(tracker))
        print(f"on_slow fired for {len(slow)} fingerprint(s)")
        print()


if __name__ == "__main__":
    main()
