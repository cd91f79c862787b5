"""Cross-check against Stripe's official library (stripe==16.1.0), which uses the real clock."""

from __future__ import annotations

import time

import pytest
import stripe
from conftest import OTHER_SECRET, SECRET

import cognition_core
from cognition_core import ErrorCode, SignatureVerificationError

TOLERANCE = 300


def now() -> int:
    return int(time.time())


def stripe_header(payload: bytes, secret: str, timestamp: int) -> str:
    """The header Stripe's own code computes (as its test helper does)."""
    header: str = stripe.WebhookSignature.generate_signature_header(
        payload.decode("utf-8"), secret, timestamp
    )
    return header


def stripe_accepts(payload: bytes, header: str, secret: str) -> bool:
    try:
        stripe.WebhookSignature.verify_header(payload.decode("utf-8"), header, secret, TOLERANCE)
    except stripe.SignatureVerificationError:
        return False
    return True


def we_accept(payload: bytes, header: str, secret: str) -> bool:
    try:
        cognition_core.verify_webhook(payload, header, secret, tolerance=TOLERANCE)
    except SignatureVerificationError:
        return False
    return True


def test_headers_we_sign_verify_with_stripe(event_payload: bytes) -> None:
    header = cognition_core.sign_webhook(event_payload, SECRET, timestamp=now())
    assert stripe_accepts(event_payload, header, SECRET)


def test_headers_stripe_signs_verify_with_us(event_payload: bytes) -> None:
    timestamp = now()
    header = stripe_header(event_payload, SECRET, timestamp)
    assert cognition_core.verify_webhook(event_payload, header, SECRET, tolerance=TOLERANCE) == (
        timestamp
    )


def test_we_and_stripe_sign_the_same_header(event_payload: bytes) -> None:
    timestamp = now()
    ours = cognition_core.sign_webhook(event_payload, SECRET, timestamp=timestamp)
    assert ours == stripe_header(event_payload, SECRET, timestamp)


def test_unicode_body_signs_the_same() -> None:
    body = '{"name": "Zoë Ærøskøbing 東京 🚀"}'.encode()
    header = stripe_header(body, SECRET, now())
    assert we_accept(body, header, SECRET)
    assert stripe_accepts(body, cognition_core.sign_webhook(body, SECRET, timestamp=now()), SECRET)


def test_both_reject_a_tampered_body(event_payload: bytes) -> None:
    header = cognition_core.sign_webhook(event_payload, SECRET, timestamp=now())
    tampered = event_payload.replace(b"invoice.paid", b"invoice.void")
    assert not stripe_accepts(tampered, header, SECRET)
    assert not we_accept(tampered, header, SECRET)


def test_both_reject_the_wrong_secret(event_payload: bytes) -> None:
    header = stripe_header(event_payload, SECRET, now())
    assert not stripe_accepts(event_payload, header, OTHER_SECRET)
    assert not we_accept(event_payload, header, OTHER_SECRET)


def test_both_reject_an_expired_timestamp(event_payload: bytes) -> None:
    header = stripe_header(event_payload, SECRET, now() - 3600)
    assert not stripe_accepts(event_payload, header, SECRET)
    with pytest.raises(SignatureVerificationError) as info:
        cognition_core.verify_webhook(event_payload, header, SECRET, tolerance=TOLERANCE)
    assert info.value.code is ErrorCode.TIMESTAMP_OUTSIDE_TOLERANCE


def test_both_accept_an_old_timestamp_when_tolerance_is_zero(event_payload: bytes) -> None:
    header = stripe_header(event_payload, SECRET, now() - 3600)
    stripe.WebhookSignature.verify_header(event_payload.decode(), header, SECRET, 0)
    assert cognition_core.verify_webhook(event_payload, header, SECRET, tolerance=0)


def test_we_reject_a_far_future_timestamp_that_stripe_accepts(event_payload: bytes) -> None:
    """A deliberate difference: Stripe checks only the past side of the tolerance."""
    header = stripe_header(event_payload, SECRET, now() + 3600)
    assert stripe_accepts(event_payload, header, SECRET)
    assert not we_accept(event_payload, header, SECRET)


def test_both_reject_a_header_without_v1(event_payload: bytes) -> None:
    header = stripe_header(event_payload, SECRET, now()).replace("v1=", "v0=")
    assert not stripe_accepts(event_payload, header, SECRET)
    assert not we_accept(event_payload, header, SECRET)


def test_construct_event_matches_stripe(event_payload: bytes) -> None:
    header = stripe_header(event_payload, SECRET, now())
    theirs = stripe.Webhook.construct_event(event_payload, header, SECRET, TOLERANCE)
    ours = cognition_core.construct_event(event_payload, header, SECRET, tolerance=TOLERANCE)
    assert (ours.id, ours.type, ours.created, ours.livemode) == (
        theirs.id,
        theirs.type,
        theirs.created,
        theirs.livemode,
    )
    assert ours.data["object"]["id"] == theirs.data.object.id
