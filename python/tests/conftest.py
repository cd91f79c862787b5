"""Shared constants and fixtures for the cognition_core test suite."""

from __future__ import annotations

import copy
import json
import threading
from pathlib import Path
from typing import Any

import pytest

import cognition_core

REPO_ROOT = Path(__file__).resolve().parents[2]
VECTORS_PATH = REPO_ROOT / "tests" / "vectors" / "webhook.json"

SECRET = "whsec_test_4eC39HqLyjWDarjtT1zdp7dc"
OTHER_SECRET = "whsec_other_Z6jH2mVqR1s8TtW0yXbN"
STD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NOW = 1_700_000_000


def load_vectors() -> dict[str, Any]:
    """Return the shared webhook vectors every face runs."""
    with VECTORS_PATH.open(encoding="utf-8") as f:
        vectors: dict[str, Any] = json.load(f)
    return vectors


@pytest.fixture(scope="session")
def event_payload() -> bytes:
    """A realistic Stripe event body (``invoice.paid``), taken from the shared vectors."""
    for case in load_vectors()["construct_event"]:
        if case["name"] == "invoice_paid":
            payload: str = case["payload"]
            return payload.encode()
    raise AssertionError("the vectors lost their invoice_paid case")


IDEMPOTENCY_VECTORS_PATH = REPO_ROOT / "tests" / "vectors" / "idempotency.json"


def load_idempotency_vectors() -> dict[str, Any]:
    """Return the shared idempotency-store scenarios every face runs."""
    with IDEMPOTENCY_VECTORS_PATH.open(encoding="utf-8") as f:
        vectors: dict[str, Any] = json.load(f)
    return vectors


class DictBackend:
    """A small user backend for ``BackendStore``: records in a dict, guarded by a lock."""

    def __init__(self) -> None:
        self.records: dict[str, cognition_core.RecordDict] = {}
        self.lock = threading.Lock()

    def load(self, key: str) -> cognition_core.RecordDict | None:
        with self.lock:
            record = self.records.get(key)
            return None if record is None else copy.deepcopy(record)

    def insert(self, record: cognition_core.RecordDict) -> bool:
        with self.lock:
            if record["key"] in self.records:
                return False
            self.records[record["key"]] = copy.deepcopy(record)
            return True

    def replace(
        self, record: cognition_core.RecordDict, expected_generation: int, expected_status: str
    ) -> bool:
        with self.lock:
            current = self.records.get(record["key"])
            if current is None or (current["lease_generation"], current["status"]) != (
                expected_generation,
                expected_status,
            ):
                return False
            self.records[record["key"]] = copy.deepcopy(record)
            return True

    def scan(self) -> list[cognition_core.RecordDict]:
        with self.lock:
            return [copy.deepcopy(r) for r in self.records.values()]

    def delete(self, keys: list[str]) -> None:
        with self.lock:
            for key in keys:
                self.records.pop(key, None)


def sign(payload: bytes, now_ms: int, secret: str = SECRET) -> str:
    """Sign ``payload`` as Stripe would at ``now_ms`` (Unix milliseconds)."""
    return cognition_core.sign_webhook(payload, secret, timestamp=now_ms // 1000)


def event_body(event_id: str, event_type: str = "invoice.paid", amount: int = 4200) -> bytes:
    """A Stripe-shaped event envelope."""
    envelope = {
        "id": event_id,
        "object": "event",
        "type": event_type,
        "created": NOW,
        "livemode": False,
        "api_version": "2024-06-20",
        "data": {"object": {"id": f"in_{event_id}", "object": "invoice", "amount_paid": amount}},
    }
    return json.dumps(envelope, separators=(",", ":")).encode()


@pytest.fixture(params=["memory", "sqlite", "backend"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> cognition_core.IdempotencyStore:
    """Each store kind, empty, with the default retry policy."""
    kind: str = request.param
    if kind == "memory":
        return cognition_core.MemoryStore()
    if kind == "sqlite":
        return cognition_core.SqliteStore(tmp_path / "events.db")
    return cognition_core.BackendStore(DictBackend())
