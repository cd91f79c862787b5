"""A FastAPI app that handles Stripe webhooks exactly once with cognition_core.

Run it::

    pip install cognition-core fastapi uvicorn
    COGNITION_WEBHOOK_SECRET=whsec_... COGNITION_STORE_PATH=events.db uvicorn fastapi_app:app

Endpoints:

- ``POST /webhooks/stripe``: the receive endpoint. Verifies ``Stripe-Signature`` over the raw
  body, runs the handler for the event type once per event id, and answers 400 for a bad
  signature, 409 while another worker holds the event (Stripe retries later), 200 otherwise with
  the ``ProcessResult`` as JSON. A failing handler still gets 200: the record is ``retrying``
  and ``POST /webhooks/retry-failed`` (call it from a scheduler) re-runs it.
- ``GET /webhooks/events?status=&event_type=&limit=``: records, newest first.
- ``GET /webhooks/events/{event_id}``: one record (404 if unknown).
- ``GET /webhooks/statistics``: counts per status and type, success rate, processing times.
- ``POST /webhooks/retry-failed``: re-run the failures whose retry is due.

Configuration: ``COGNITION_WEBHOOK_SECRET`` (a demo secret by default) and
``COGNITION_STORE_PATH`` (a SQLite file; records are kept in memory when unset).
"""

# FastAPI reads the annotations at runtime: keep `Optional` so the app also runs on Python 3.9.
# ruff: noqa: UP045

from __future__ import annotations

import os
from typing import Any, Callable, Optional

import cognition_core
from cognition_core import (
    ErrorCode,
    Event,
    IdempotencyStore,
    InvalidArgumentError,
    PermanentFailure,
    Record,
    SignatureVerificationError,
    StoreError,
    WebhookProcessor,
)
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

DEMO_SECRET = "whsec_demo_not_for_production"


def make_processor(
    secret: Optional[str] = None,
    store: Optional[IdempotencyStore] = None,
    clock: Optional[Callable[[], int]] = None,
) -> WebhookProcessor:
    """Build the processor with the app's handlers; secret and store default to the env."""
    secret = secret or os.environ.get("COGNITION_WEBHOOK_SECRET", DEMO_SECRET)
    if store is None:
        store_path = os.environ.get("COGNITION_STORE_PATH")
        store = (
            cognition_core.SqliteStore(store_path) if store_path else cognition_core.MemoryStore()
        )
    processor = WebhookProcessor(secret, store=store, clock=clock)

    @processor.on("invoice.paid")
    def invoice_paid(event: Event) -> dict[str, Any]:
        invoice = event.data["object"]
        if not invoice.get("customer"):
            raise PermanentFailure("invoice has no customer")
        # Book the payment in your ledger here; raise to have it retried later.
        return {"invoice": invoice["id"], "amount_paid": invoice.get("amount_paid")}

    @processor.on("customer.subscription.updated")
    def subscription_updated(event: Event) -> dict[str, Any]:
        subscription = event.data["object"]
        return {"subscription": subscription["id"], "status": subscription.get("status")}

    return processor


def record_json(record: Record) -> dict[str, Any]:
    """A record as JSON: every field but the raw payload."""
    data: dict[str, Any] = dict(record.to_dict())
    data.pop("payload")
    return data


def create_app(processor: Optional[WebhookProcessor] = None) -> FastAPI:
    """Build the app around ``processor`` (default: :func:`make_processor` from the env)."""
    processor = processor or make_processor()
    app = FastAPI(title="cognition_core webhooks")
    app.state.processor = processor

    @app.exception_handler(InvalidArgumentError)
    async def bad_argument(request: Request, err: InvalidArgumentError) -> JSONResponse:
        return JSONResponse({"error": err.code.name, "message": err.message}, status_code=400)

    @app.post("/webhooks/stripe")
    async def receive(request: Request) -> JSONResponse:
        body = await request.body()  # the raw bytes: the signature covers them exactly
        header = request.headers.get("Stripe-Signature", "")
        try:
            # process() releases the GIL; run it off the event loop.
            result = await run_in_threadpool(processor.process, body, header)
        except SignatureVerificationError as err:
            return JSONResponse({"error": err.code.name, "message": err.message}, 400)
        except StoreError as err:
            status = 409 if err.code is ErrorCode.FINGERPRINT_CONFLICT else 500
            return JSONResponse({"error": err.code.name, "message": err.message}, status)
        return JSONResponse(result.to_dict(), status_code=result.http_status)

    @app.get("/webhooks/events")
    async def events(
        status: Optional[str] = None, event_type: Optional[str] = None, limit: int = 100
    ) -> dict[str, Any]:
        records = processor.events(status=status, event_type=event_type, limit=limit)
        return {"events": [record_json(r) for r in records]}

    @app.get("/webhooks/events/{event_id}")
    async def event(event_id: str) -> dict[str, Any]:
        record = processor.event(event_id)
        if record is None:
            raise HTTPException(status_code=404, detail=f"no event {event_id}")
        return record_json(record)

    @app.get("/webhooks/statistics")
    async def statistics() -> dict[str, Any]:
        return processor.stats().to_dict()

    @app.post("/webhooks/retry-failed")
    async def retry_failed(limit: int = 100) -> dict[str, Any]:
        results = await run_in_threadpool(processor.retry_due, limit)
        return {"results": [r.to_dict() for r in results]}

    return app


app = create_app()
