"""BackendStore: records kept in the user's own storage through a RecordBackend object."""

from __future__ import annotations

import time

import pytest
from conftest import SECRET, DictBackend, event_body, sign

from cognition_core import (
    BackendStore,
    ErrorCode,
    Event,
    RecordDict,
    StoreError,
    WebhookProcessor,
)


def test_user_backend_backs_the_processor() -> None:
    backend = DictBackend()
    processor = WebhookProcessor(SECRET, store=BackendStore(backend))
    calls: list[str] = []

    @processor.on("invoice.paid")
    def paid(event: Event) -> dict[str, int]:
        calls.append(event.id)
        return {"amount": event.data["object"]["amount_paid"]}

    body = event_body("evt_b1")
    now_ms = int(time.time() * 1000)
    assert processor.process(body, sign(body, now_ms)).status == "processed"
    assert processor.process(body, sign(body, now_ms)).status == "duplicate"
    assert calls == ["evt_b1"]
    stored = backend.records["evt_b1"]
    assert stored["status"] == "processed"
    assert stored["result"] == {"amount": 4200}
    assert stored["payload"] == body
    assert len(stored["fingerprint"]) == 64
    assert processor.stats().total == 1


class FailingBackend(DictBackend):
    """A backend whose database is down."""

    def load(self, key: str) -> RecordDict | None:
        raise ConnectionError("database is down")


def test_backend_exception_raises_store_backend_with_its_message() -> None:
    store = BackendStore(FailingBackend())
    with pytest.raises(StoreError) as info:
        store.claim("evt_x", b"body", now=0)
    assert info.value.code is ErrorCode.STORE_BACKEND
    assert "ConnectionError: database is down" in str(info.value)


def test_backend_returning_a_bad_record_raises_store_backend() -> None:
    class Broken(DictBackend):
        def load(self, key: str) -> RecordDict | None:
            return {"key": key}  # type: ignore[return-value]

    with pytest.raises(StoreError) as info:
        BackendStore(Broken()).get("evt_x")
    assert info.value.code is ErrorCode.STORE_BACKEND
    assert "status" in str(info.value)


def test_object_without_the_backend_methods_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="RecordBackend"):
        BackendStore(object())  # type: ignore[arg-type]
