"""Cross-check against the Standard Webhooks reference library (standardwebhooks==1.1.0)."""

from __future__ import annotations

import base64
from datetime import datetime, timezone

import pytest
from conftest import STD_SECRET
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

import cognition_core
from cognition_core import ErrorCode, SignatureVerificationError

BODY = b'{"type":"invoice.paid","data":{"id":"in_1","amount_paid":2000}}'
MSG_ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
OTHER_SECRET = "whsec_" + base64.b64encode(b"another-standard-secret-key!").decode()


def current() -> tuple[datetime, int]:
    at = datetime.now(tz=timezone.utc).replace(microsecond=0)
    return at, int(at.timestamp())


def headers_for(signature: str, timestamp: int) -> dict[str, str]:
    return {
        "webhook-id": MSG_ID,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }


def test_signatures_they_produce_verify_with_us() -> None:
    at, timestamp = current()
    signature = Webhook(STD_SECRET).sign(MSG_ID, at, BODY.decode())
    headers = headers_for(signature, timestamp)
    assert cognition_core.verify_standard_webhook(BODY, headers, STD_SECRET) == timestamp


def test_signatures_we_produce_verify_with_them() -> None:
    _, timestamp = current()
    signature = cognition_core.sign_standard_webhook(MSG_ID, timestamp, BODY, STD_SECRET)
    parsed = Webhook(STD_SECRET).verify(BODY, headers_for(signature, timestamp))
    assert parsed["data"]["id"] == "in_1"


def test_we_and_they_sign_the_same_value() -> None:
    at, timestamp = current()
    ours = cognition_core.sign_standard_webhook(MSG_ID, timestamp, BODY, STD_SECRET)
    assert ours == Webhook(STD_SECRET).sign(MSG_ID, at, BODY.decode())


def test_both_reject_a_tampered_body() -> None:
    _, timestamp = current()
    signature = cognition_core.sign_standard_webhook(MSG_ID, timestamp, BODY, STD_SECRET)
    headers = headers_for(signature, timestamp)
    tampered = BODY.replace(b"2000", b"1")
    with pytest.raises(WebhookVerificationError):
        Webhook(STD_SECRET).verify(tampered, headers)
    with pytest.raises(SignatureVerificationError) as info:
        cognition_core.verify_standard_webhook(tampered, headers, STD_SECRET)
    assert info.value.code is ErrorCode.SIGNATURE_MISMATCH


def test_both_reject_the_wrong_secret() -> None:
    at, timestamp = current()
    signature = Webhook(OTHER_SECRET).sign(MSG_ID, at, BODY.decode())
    headers = headers_for(signature, timestamp)
    with pytest.raises(WebhookVerificationError):
        Webhook(STD_SECRET).verify(BODY, headers)
    with pytest.raises(SignatureVerificationError):
        cognition_core.verify_standard_webhook(BODY, headers, STD_SECRET)


def test_both_reject_an_expired_timestamp() -> None:
    _, timestamp = current()
    old = timestamp - 3600
    signature = cognition_core.sign_standard_webhook(MSG_ID, old, BODY, STD_SECRET)
    headers = headers_for(signature, old)
    with pytest.raises(WebhookVerificationError):
        Webhook(STD_SECRET).verify(BODY, headers)
    with pytest.raises(SignatureVerificationError) as info:
        cognition_core.verify_standard_webhook(BODY, headers, STD_SECRET)
    assert info.value.code is ErrorCode.TIMESTAMP_OUTSIDE_TOLERANCE


def test_both_reject_missing_headers() -> None:
    _, timestamp = current()
    signature = cognition_core.sign_standard_webhook(MSG_ID, timestamp, BODY, STD_SECRET)
    headers = headers_for(signature, timestamp)
    del headers["webhook-id"]
    with pytest.raises(WebhookVerificationError):
        Webhook(STD_SECRET).verify(BODY, headers)
    with pytest.raises(SignatureVerificationError) as info:
        cognition_core.verify_standard_webhook(BODY, headers, STD_SECRET)
    assert info.value.code is ErrorCode.MISSING_HEADER


def test_unpadded_secret_is_accepted_as_by_them() -> None:
    unpadded = OTHER_SECRET.rstrip("=")
    at, timestamp = current()
    signature = Webhook(unpadded).sign(MSG_ID, at, BODY.decode())
    headers = headers_for(signature, timestamp)
    assert cognition_core.verify_standard_webhook(BODY, headers, unpadded) == timestamp
