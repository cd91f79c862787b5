"""examples/python/fastapi_app.py: every endpoint, through FastAPI's TestClient."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from conftest import NOW, REPO_ROOT, event_body
from fastapi.testclient import TestClient

import cognition_core
from cognition_core import Event, RetryPolicy

EXAMPLE = REPO_ROOT / "examples" / "python" / "fastapi_app.py"
SECRET = "whsec_fastapi_test"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fastapi_app", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Clock:
    def __init__(self) -> None:
        self.ms = NOW * 1000

    def __call__(self) -> int:
        return self.ms


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(clock: Clock) -> Iterator[TestClient]:
    example = load_example()
    store = cognition_core.MemoryStore(
        retry_policy=RetryPolicy(initial_delay_ms=1000, jitter=False)
    )
    processor: cognition_core.WebhookProcessor = example.make_processor(SECRET, store, clock)
    healthy = {"charge": False}

    @processor.on("charge.failed")
    def flaky(event: Event) -> str:
        if not healthy["charge"]:
            raise TimeoutError("payments API timed out")
        return "notified"

    with TestClient(example.create_app(processor)) as test_client:
        test_client.app_state = healthy
        yield test_client


def paid_invoice(event_id: str, customer: str | None = "cus_1") -> bytes:
    body = json.loads(event_body(event_id))
    body["data"]["object"]["customer"] = customer
    return json.dumps(body).encode()


def post(client: TestClient, clock: Clock, body: bytes, secret: str = SECRET) -> Any:
    header = cognition_core.sign_webhook(body, secret, timestamp=clock.ms // 1000)
    return client.post("/webhooks/stripe", content=body, headers={"Stripe-Signature": header})


def test_receive_processes_once_and_reports_duplicates(client: TestClient, clock: Clock) -> None:
    body = paid_invoice("evt_api_1")
    first = post(client, clock, body)
    assert first.status_code == 200
    assert first.json()["status"] == "processed"
    assert first.json()["result"] == {"invoice": "in_evt_api_1", "amount_paid": 4200}
    second = post(client, clock, body)
    assert (second.status_code, second.json()["status"]) == (200, "duplicate")


def test_receive_rejects_a_bad_signature_with_400(client: TestClient, clock: Clock) -> None:
    response = post(client, clock, paid_invoice("evt_api_forged"), secret="whsec_wrong")
    assert response.status_code == 400
    assert response.json()["error"] == "SIGNATURE_MISMATCH"
    missing = client.post("/webhooks/stripe", content=b"{}")
    assert missing.status_code == 400
    assert client.get("/webhooks/events/evt_api_forged").status_code == 404


def test_events_lists_and_filters_records(client: TestClient, clock: Clock) -> None:
    post(client, clock, paid_invoice("evt_api_a"))
    clock.ms += 1
    post(client, clock, paid_invoice("evt_api_b", customer=None))
    clock.ms += 1
    post(client, clock, event_body("evt_api_c", "customer.created"))
    all_events = client.get("/webhooks/events").json()["events"]
    assert [e["key"] for e in all_events] == ["evt_api_c", "evt_api_b", "evt_api_a"]
    failed = client.get("/webhooks/events", params={"status": "failed"}).json()["events"]
    assert [(e["key"], e["last_error"]) for e in failed] == [
        ("evt_api_b", "invoice has no customer")
    ]
    by_type = client.get(
        "/webhooks/events", params={"event_type": "invoice.paid", "limit": 1}
    ).json()["events"]
    assert [e["key"] for e in by_type] == ["evt_api_b"]
    assert client.get("/webhooks/events", params={"status": "bogus"}).status_code == 400


def test_event_returns_one_record_or_404(client: TestClient, clock: Clock) -> None:
    post(client, clock, paid_invoice("evt_api_one"))
    record = client.get("/webhooks/events/evt_api_one").json()
    assert (record["status"], record["attempts"]) == ("processed", 1)
    assert "payload" not in record
    assert client.get("/webhooks/events/evt_nope").status_code == 404


def test_statistics_summarise_the_records(client: TestClient, clock: Clock) -> None:
    post(client, clock, paid_invoice("evt_api_s1"))
    post(client, clock, paid_invoice("evt_api_s2", customer=None))
    stats = client.get("/webhooks/statistics").json()
    assert stats["total"] == 2
    assert stats["by_status"]["processed"] == 1
    assert stats["by_status"]["failed"] == 1
    assert stats["success_rate"] == 0.5


def test_retry_failed_reruns_due_failures(client: TestClient, clock: Clock) -> None:
    first = post(client, clock, event_body("evt_api_r", "charge.failed"))
    assert first.json()["status"] == "retrying"
    assert first.json()["error"] == "TimeoutError: payments API timed out"
    assert client.post("/webhooks/retry-failed").json() == {"results": []}
    clock.ms += 1000
    client.app_state["charge"] = True
    results = client.post("/webhooks/retry-failed").json()["results"]
    assert [(r["event_id"], r["status"], r["attempt"]) for r in results] == [
        ("evt_api_r", "processed", 2)
    ]


def test_in_progress_delivery_answers_409(clock: Clock) -> None:
    example = load_example()
    processor: cognition_core.WebhookProcessor = example.make_processor(SECRET, None, clock)
    app = example.create_app(processor)
    body = event_body("evt_api_busy", "charge.refunded")
    inner: list[int] = []

    with TestClient(app) as test_client:

        @processor.on("charge.refunded")
        def refunded(event: Event) -> None:
            inner.append(post(test_client, clock, body).status_code)

        assert post(test_client, clock, body).status_code == 200
    assert inner == [409]


def test_default_app_uses_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("COGNITION_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("COGNITION_STORE_PATH", str(tmp_path / "app.db"))
    example = load_example()
    processor = example.app.state.processor
    assert isinstance(processor.store, cognition_core.SqliteStore)
    assert (tmp_path / "app.db").exists()
