"""Time WebhookProcessor.process against a straightforward pure-Python exactly-once receiver.

Run: .venv/bin/python benches/python/idempotency.py (or `make bench`). The stream is 2,000
distinct signed `invoice.paid` events, each delivered 1 to 5 times (about 3 on average), shuffled:
the duplicate-heavy traffic a webhook endpoint sees. Both sides do the same work per delivery:
verify the `Stripe-Signature` (HMAC-SHA256, constant-time compare, 300 s tolerance), parse the
event, claim its id in a SQLite file (WAL, synchronous=NORMAL) keeping the body and its SHA-256,
run the same trivial handler once per id, and store its JSON result; duplicates return the stored
result. Each repeat starts from an empty database; the table reports the median µs per delivery
over the repeats and the ratio (pure-Python time divided by ours: above 1 means we are faster).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import platform
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cognition_core

SECRET = "whsec_test_4eC39HqLyjWDarjtT1zdp7dc"
EVENTS = 2_000
REPEATS = 5
TOLERANCE = 300
# Where the database files go (default: the system temp dir). SQLite commits cost a write() to the
# WAL each even with synchronous=NORMAL, so a slow or overlay file system dominates both sides;
# set COGNITION_BENCH_DIR=/dev/shm to compare the CPU work alone.
BENCH_DIR = os.environ.get("COGNITION_BENCH_DIR")


def make_stream(now: int) -> list[tuple[bytes, str]]:
    """The shuffled, signed deliveries (each event 1-5 times)."""
    rng = random.Random(42)
    deliveries: list[tuple[bytes, str]] = []
    for i in range(EVENTS):
        event = {
            "id": f"evt_bench_{i:06d}",
            "object": "event",
            "api_version": "2024-06-20",
            "created": now,
            "livemode": False,
            "type": "invoice.paid",
            "data": {
                "object": {
                    "id": f"in_bench_{i:06d}",
                    "object": "invoice",
                    "amount_paid": 1000 + i,
                    "currency": "usd",
                    "customer": "cus_bench",
                    "status": "paid",
                }
            },
        }
        body = json.dumps(event).encode()
        header = cognition_core.sign_webhook(body, SECRET, timestamp=now)
        deliveries.extend([(body, header)] * rng.randint(1, 5))
    rng.shuffle(deliveries)
    return deliveries


def handler(event_id: str, invoice: dict[str, Any]) -> dict[str, Any]:
    """The application's work, identical on both sides."""
    return {"invoice": invoice["id"], "amount": invoice["amount_paid"]}


# ------------------------------------------------------------------------------ pure Python


class PurePythonReceiver:
    """What a careful team writes with the standard library: hmac + json + sqlite3."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, type TEXT, status TEXT,"
            " fingerprint TEXT, payload BLOB, result TEXT, attempts INTEGER, created_at INTEGER,"
            " processed_at INTEGER)"
        )

    def verify(self, payload: bytes, header: str, now: int) -> None:
        timestamp = None
        signatures = []
        for item in header.split(","):
            key, _, value = item.partition("=")
            if key == "t":
                timestamp = int(value)
            elif key == "v1":
                signatures.append(value)
        if timestamp is None or not signatures:
            raise ValueError("malformed header")
        signed = f"{timestamp}.".encode() + payload
        expected = hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
        if not any(hmac.compare_digest(expected, s) for s in signatures):
            raise ValueError("signature mismatch")
        if abs(now - timestamp) > TOLERANCE:
            raise ValueError("timestamp outside tolerance")

    def process(self, payload: bytes, header: str) -> dict[str, Any]:
        now_ms = int(time.time() * 1000)
        self.verify(payload, header, now_ms // 1000)
        event = json.loads(payload)
        event_id = event["id"]
        fingerprint = hashlib.sha256(payload).hexdigest()
        cur = self.db.execute(
            "INSERT OR IGNORE INTO events VALUES (?, ?, 'processing', ?, ?, NULL, 1, ?, NULL)",
            (event_id, event["type"], fingerprint, payload, now_ms),
        )
        if cur.rowcount == 0:
            status, stored, result = self.db.execute(
                "SELECT status, fingerprint, result FROM events WHERE id = ?", (event_id,)
            ).fetchone()
            if stored != fingerprint:
                raise ValueError("fingerprint conflict")
            return {
                "status": "duplicate" if status == "processed" else status,
                "result": json.loads(result) if result else None,
            }
        result = handler(event_id, event["data"]["object"])
        self.db.execute(
            "UPDATE events SET status = 'processed', result = ?, processed_at = ? WHERE id = ?",
            (json.dumps(result), int(time.time() * 1000), event_id),
        )
        return {"status": "processed", "result": result}


# ------------------------------------------------------------------------------------- timing


def ours(store: cognition_core.IdempotencyStore) -> Callable[[bytes, str], object]:
    processor = cognition_core.WebhookProcessor(SECRET, store=store, tolerance=TOLERANCE)

    @processor.on("invoice.paid")
    def invoice_paid(event: cognition_core.Event) -> dict[str, Any]:
        return handler(event.id, event.data["object"])

    return processor.process


def time_run(
    make: Callable[[Path], Callable[[bytes, str], object]], stream: list[tuple[bytes, str]]
) -> float:
    """Median µs per delivery over REPEATS fresh runs of the whole stream."""
    runs = []
    for _ in range(REPEATS):
        with tempfile.TemporaryDirectory(dir=BENCH_DIR) as tmp:
            process = make(Path(tmp) / "events.db")
            start = time.perf_counter()
            for body, header in stream:
                process(body, header)
            runs.append((time.perf_counter() - start) / len(stream) * 1e6)
    return statistics.median(runs)


def main() -> None:
    stream = make_stream(int(time.time()))
    where = BENCH_DIR or tempfile.gettempdir()
    print(
        f"WebhookProcessor.process, {EVENTS} events x {len(stream) / EVENTS:.2f} deliveries "
        f"({len(stream)} deliveries, shuffled), median of {REPEATS} repeats"
    )
    print(f"Python {platform.python_version()} on {platform.machine()}; databases in {where}")
    print()
    print(f"{'receiver':<44}{'µs/delivery':>12}{'ratio':>9}")
    print("-" * 65)
    peer = time_run(lambda path: PurePythonReceiver(path).process, stream)
    rows = [
        ("pure Python (hmac + json + sqlite3 WAL)", peer),
        (
            "cognition_core SqliteStore",
            time_run(lambda p: ours(cognition_core.SqliteStore(p)), stream),
        ),
        (
            "cognition_core MemoryStore",
            time_run(lambda p: ours(cognition_core.MemoryStore()), stream),
        ),
    ]
    for name, us in rows:
        print(f"{name:<44}{us:>12.2f}{peer / us:>8.1f}x")


if __name__ == "__main__":
    main()
