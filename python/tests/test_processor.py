"""WebhookProcessor: exactly-once dispatch, retries on schedule, dead-lettering, and bad input."""

from __future__ import annotations

import random
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, SECRET, event_body, sign

import cognition_core
from cognition_core import (
    ErrorCode,
    Event,
    IdempotencyStore,
    MemoryStore,
    PermanentFailure,
    RetryPolicy,
    SignatureVerificationError,
    SqliteStore,
    StoreError,
    WebhookProcessor,
)

START_MS = NOW * 1000


class Clock:
    """A clock the test moves by hand (Unix milliseconds)."""

    def __init__(self, ms: int = START_MS) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def make_processor(
    store: IdempotencyStore | None = None, clock: Clock | None = None
) -> tuple[WebhookProcessor, Clock]:
    clock = clock or Clock()
    return WebhookProcessor(SECRET, store=store, clock=clock), clock


def deliver(processor: WebhookProcessor, clock: Clock, body: bytes) -> cognition_core.ProcessResult:
    return processor.process(body, sign(body, clock.ms))


def test_duplicate_returns_the_stored_outcome_without_calling_the_handler() -> None:
    processor, clock = make_processor()
    calls: list[str] = []

    @processor.on("invoice.paid")
    def paid(event: Event) -> dict[str, Any]:
        calls.append(event.id)
        return {"invoice": event.data["object"]["id"]}

    body = event_body("evt_dup")
    first = deliver(processor, clock, body)
    second = deliver(processor, clock, body)
    assert (first.status, first.duplicate, first.attempt) == ("processed", False, 1)
    assert (second.status, second.duplicate, second.http_status) == ("duplicate", True, 200)
    assert second.result == first.result == {"invoice": "in_evt_dup"}
    assert calls == ["evt_dup"]
    assert second.to_dict()["status"] == "duplicate"


def test_unregistered_type_is_recorded_as_ignored() -> None:
    processor, clock = make_processor()
    result = deliver(processor, clock, event_body("evt_ign", "customer.created"))
    assert (result.status, result.http_status) == ("ignored", 200)
    record = processor.event("evt_ign")
    assert record is not None
    assert record.status == "ignored"


def test_failure_retries_on_schedule_then_dead_then_requeue_processes() -> None:
    policy = RetryPolicy(initial_delay_ms=1000, max_attempts=3, jitter=False)
    processor, clock = make_processor(MemoryStore(retry_policy=policy))
    healthy = False

    @processor.on("invoice.paid")
    def paid(event: Event) -> str:
        if not healthy:
            raise ConnectionError("ledger unavailable")
        return "booked"

    first = deliver(processor, clock, event_body("evt_retry"))
    assert (first.status, first.attempt, first.http_status) == ("retrying", 1, 200)
    assert first.error == "ConnectionError: ledger unavailable"
    assert first.next_retry_at == START_MS + 1000

    clock.ms = START_MS + 999
    assert processor.retry_due() == []
    clock.ms = START_MS + 1000
    [second] = processor.retry_due()
    assert (second.status, second.attempt, second.next_retry_at) == (
        "retrying",
        2,
        START_MS + 3000,
    )
    clock.ms = START_MS + 3000
    [third] = processor.retry_due()
    assert (third.status, third.attempt) == ("dead", 3)
    record = processor.event("evt_retry")
    assert record is not None
    assert (record.status, record.attempts) == ("dead", 3)
    assert record.last_error == "ConnectionError: ledger unavailable"

    healthy = True
    processor.requeue_dead("evt_retry")
    [revived] = processor.retry_due()
    assert (revived.status, revived.result) == ("processed", "booked")
    assert deliver(processor, clock, event_body("evt_retry")).status == "duplicate"


def test_permanent_failure_fails_the_event_at_once() -> None:
    processor, clock = make_processor()

    @processor.on("invoice.paid")
    def paid(event: Event) -> None:
        raise PermanentFailure("invoice has no customer")

    result = deliver(processor, clock, event_body("evt_perm"))
    assert (result.status, result.error) == ("failed", "invoice has no customer")
    again = deliver(processor, clock, event_body("evt_perm"))
    assert (again.status, again.duplicate) == ("failed", True)
    assert processor.retry_due() == []


def test_forged_delivery_raises_and_stores_nothing() -> None:
    processor, clock = make_processor()
    body = event_body("evt_forged")
    header = sign(body, clock.ms, secret="whsec_attacker")
    with pytest.raises(SignatureVerificationError) as info:
        processor.process(body, header)
    assert info.value.code is ErrorCode.SIGNATURE_MISMATCH
    assert processor.event("evt_forged") is None
    assert processor.stats().total == 0


def test_in_flight_duplicate_is_in_progress_with_http_409() -> None:
    processor, clock = make_processor()
    seen: list[cognition_core.ProcessResult] = []
    body = event_body("evt_busy")

    @processor.on("invoice.paid")
    def paid(event: Event) -> None:
        # The provider redelivers while this worker still holds the lease.
        seen.append(processor.process(body, sign(body, clock.ms)))

    assert deliver(processor, clock, body).status == "processed"
    [inner] = seen
    assert (inner.status, inner.http_status, inner.duplicate) == ("in_progress", 409, True)


def test_same_event_id_with_another_body_is_a_fingerprint_conflict() -> None:
    processor, clock = make_processor()
    deliver(processor, clock, event_body("evt_fp", amount=1))
    with pytest.raises(StoreError) as info:
        deliver(processor, clock, event_body("evt_fp", amount=2))
    assert info.value.code is ErrorCode.FINGERPRINT_CONFLICT


def test_non_json_handler_result_fails_the_event_with_a_clear_message() -> None:
    processor, clock = make_processor()

    @processor.on("invoice.paid")
    def paid(event: Event) -> object:
        return {"ids": {1, 2}}

    result = deliver(processor, clock, event_body("evt_set"))
    assert result.status == "failed"
    assert result.error is not None
    assert "not JSON-serialisable" in result.error
    assert "set" in result.error


def test_handlers_run_in_order_of_registration_replacing_earlier_ones() -> None:
    processor, clock = make_processor()
    processor.add_handler("invoice.paid", lambda event: "old")
    processor.add_handler("invoice.paid", lambda event: "new")
    assert processor.event_types == ["invoice.paid"]
    assert deliver(processor, clock, event_body("evt_new")).result == "new"


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_concurrent_duplicate_deliveries_run_each_handler_exactly_once(
    kind: str, tmp_path: Path
) -> None:
    store: IdempotencyStore = (
        MemoryStore() if kind == "memory" else SqliteStore(tmp_path / "concurrent.db")
    )
    processor, clock = make_processor(store)
    counts: Counter[str] = Counter()
    lock = threading.Lock()

    @processor.on("invoice.paid")
    def paid(event: Event) -> int:
        with lock:
            counts[event.id] += 1
        return 1

    rng = random.Random(7)
    deliveries: list[tuple[bytes, str]] = []
    for i in range(2000):
        body = event_body(f"evt_c{i}")
        header = sign(body, clock.ms)
        deliveries.extend([(body, header)] * rng.randint(1, 5))
    rng.shuffle(deliveries)
    statuses: Counter[str] = Counter()
    errors: list[BaseException] = []

    def worker(chunk: list[tuple[bytes, str]]) -> None:
        try:
            for body, header in chunk:
                result = processor.process(body, header)
                with lock:
                    statuses[result.status] += 1
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(deliveries[t::8],)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(counts) == 2000
    assert set(counts.values()) == {1}
    assert statuses["processed"] == 2000
    assert sum(statuses.values()) == len(deliveries)
    assert set(statuses) <= {"processed", "duplicate", "in_progress"}
    assert processor.stats().by_status["processed"] == 2000


@pytest.mark.parametrize("key", ["", "k" * 10240], ids=["empty", "10KB"])
def test_bad_keys_raise_invalid_key(store: IdempotencyStore, key: str) -> None:
    with pytest.raises(StoreError) as info:
        store.claim(key, b"body", now=0)
    assert info.value.code is ErrorCode.INVALID_KEY
    with pytest.raises(StoreError) as info:
        store.get(key)
    assert info.value.code is ErrorCode.INVALID_KEY


def test_non_json_result_to_complete_raises_invalid_result(store: IdempotencyStore) -> None:
    claim = store.claim("k", b"body", now=0)
    assert claim.token is not None
    with pytest.raises(StoreError) as info:
        store.complete(claim.token, object(), now=1)
    assert info.value.code is ErrorCode.INVALID_RESULT
    record = store.get("k")
    assert record is not None
    assert record.status == "processing"


def test_corrupt_sqlite_file_raises_store_corrupt_and_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.db"
    garbage = b"this is not a SQLite database, only some text long enough for a header" * 20
    path.write_bytes(garbage)
    with pytest.raises(StoreError) as info:
        SqliteStore(path)
    assert info.value.code is ErrorCode.STORE_CORRUPT
    assert path.read_bytes() == garbage


def test_records_and_stats_are_queryable(store: IdempotencyStore) -> None:
    processor, clock = make_processor(store)
    processor.add_handler("invoice.paid", lambda event: {"ok": True})
    for i in range(3):
        clock.ms += 10
        deliver(processor, clock, event_body(f"evt_q{i}"))
    deliver(processor, clock, event_body("evt_q_other", "customer.created"))
    ids = [record.key for record in processor.events(event_type="invoice.paid")]
    assert ids == ["evt_q2", "evt_q1", "evt_q0"]
    assert [r.key for r in processor.events(status="IGNORED")] == ["evt_q_other"]
    page = store.list(limit=2)
    assert len(page) == 2
    assert page.next_cursor is not None
    rest = store.list(limit=2, cursor=page.next_cursor)
    assert len(rest) == 2
    assert rest.next_cursor is None
    stats = processor.stats()
    assert stats.total == 4
    assert stats.by_event_type == {"invoice.paid": 3, "customer.created": 1}
    assert stats.success_rate == 1.0
    assert stats.to_dict()["by_status"]["ignored"] == 1
    record = processor.event("evt_q0")
    assert record is not None
    assert record.to_dict()["result"] == {"ok": True}
    assert record.payload == event_body("evt_q0")
    clock.ms += 91 * 86_400_000
    assert processor.purge(older_than_days=90) == 4
    assert processor.events() == []


def test_handlers_see_the_body_exactly_as_delivered() -> None:
    processor, clock = make_processor()
    seen: list[Event] = []
    processor.on("invoice.paid")(seen.append)
    big = 2**70  # beyond 64 bits: a re-encoded body would turn it into a float
    body = (
        b'{"type": "invoice.paid", "id": "evt_raw", "created": 1, "livemode": false, '
        b'"data": {"object": {"zeta": 1, "alpha": ' + str(big).encode() + b"}}}"
    )
    assert deliver(processor, clock, body).status == "processed"
    obj = seen[0].data["object"]
    assert list(obj) == ["zeta", "alpha"]
    assert obj["alpha"] == big
