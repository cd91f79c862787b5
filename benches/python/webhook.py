"""Time cognition_core against Stripe's official library on the same 1 KiB event.

Run: .venv/bin/python benches/python/webhook.py (or `make bench`). Both libraries run in this
process on the same payload, header and secret; the table reports the median time per call over
several repeats and the ratio (Stripe's time divided by ours: above 1 means we are faster).
"""

from __future__ import annotations

import json
import platform
import statistics
import time
import timeit
from collections.abc import Callable

import cognition_core
import stripe

SECRET = "whsec_test_4eC39HqLyjWDarjtT1zdp7dc"
PAYLOAD_LEN = 1024
REPEATS = 7


def event_payload(size: int) -> bytes:
    """A Stripe-shaped `invoice.paid` event, padded to exactly `size` bytes."""
    event = {
        "id": "evt_1PgcBench0000000000000001",
        "object": "event",
        "api_version": "2024-06-20",
        "created": 1_700_000_000,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": "invoice.paid",
        "data": {
            "object": {
                "id": "in_1PgcBench000000000000001",
                "object": "invoice",
                "amount_due": 2000,
                "amount_paid": 2000,
                "currency": "usd",
                "customer": "cus_QXgBench0000001",
                "status": "paid",
                "subscription": "sub_1PgcBench00000000000001",
                "metadata": {"padding": ""},
            }
        },
    }
    body = json.dumps(event, separators=(",", ":")).encode()
    event["data"]["object"]["metadata"]["padding"] = "x" * (size - len(body))  # type: ignore[index]
    body = json.dumps(event, separators=(",", ":")).encode()
    assert len(body) == size, len(body)
    return body


def median_us(ours: Callable[[], object], theirs: Callable[[], object]) -> tuple[float, float]:
    """Median microseconds per call of each, over REPEATS interleaved runs of about 0.2 s."""
    timers = [timeit.Timer(ours), timeit.Timer(theirs)]
    numbers = [timer.autorange()[0] for timer in timers]
    runs: list[list[float]] = [[], []]
    # Interleaved, so a drift in machine load hits both sides alike.
    for _ in range(REPEATS):
        for timer, number, times in zip(timers, numbers, runs):
            times.append(timer.timeit(number) / number * 1e6)
    return statistics.median(runs[0]), statistics.median(runs[1])


def main() -> None:
    payload = event_payload(PAYLOAD_LEN)
    header = cognition_core.sign_webhook(payload, SECRET, timestamp=int(time.time()))

    # Both sides must accept the delivery before we time them.
    cognition_core.verify_webhook(payload, header, SECRET)
    stripe.WebhookSignature.verify_header(payload, header, SECRET, 300)

    rows = [
        (
            "verify signature",
            lambda: cognition_core.verify_webhook(payload, header, SECRET),
            lambda: stripe.WebhookSignature.verify_header(payload, header, SECRET, 300),
        ),
        (
            "verify + parse event",
            lambda: cognition_core.construct_event(payload, header, SECRET),
            lambda: stripe.Webhook.construct_event(payload, header, SECRET, 300),
        ),
    ]

    print(
        f"cognition_core {cognition_core.__version__} vs stripe {stripe.VERSION}, "
        f"{PAYLOAD_LEN} B payload, median of {REPEATS} repeats"
    )
    print(f"Python {platform.python_version()} on {platform.machine()}")
    print()
    print(f"{'operation':<32}{'ours (µs)':>12}{'stripe (µs)':>14}{'ratio':>9}")
    print("-" * 67)
    for name, ours_call, theirs_call in rows:
        ours, theirs = median_us(ours_call, theirs_call)
        print(f"{name:<32}{ours:>12.2f}{theirs:>14.2f}{theirs / ours:>8.1f}x")


if __name__ == "__main__":
    main()
