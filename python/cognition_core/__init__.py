"""cognition_core: verify webhook signatures and parse events, backed by a Rust core.

Verify a Stripe delivery and get its event (pass the raw request body, as bytes)::

    import cognition_core

    try:
        event = cognition_core.construct_event(body, request.headers["Stripe-Signature"], secret)
    except cognition_core.SignatureVerificationError as err:
        return Response(status=400)  # err.code says why, e.g. ErrorCode.SIGNATURE_MISMATCH
    if event.type == "invoice.paid":
        ...

Secrets may be one ``str`` or a sequence of them (rotation). ``now`` defaults to the system clock
and ``tolerance`` to Stripe's 300 seconds. The interpreter lock is released while hashing, and
every function is safe to call from several threads.
"""

from __future__ import annotations

from ._errors import (
    CognitionError,
    ErrorCode,
    EventParseError,
    InvalidArgumentError,
    SignatureVerificationError,
    StoreError,
)
from ._native import (
    DEFAULT_TOLERANCE_SECS,
    MAX_HEADER_LEN,
    MAX_PAYLOAD_LEN,
    MAX_SECRETS,
    Event,
    __version__,
    construct_event,
    parse_event,
    sign_standard_webhook,
    sign_webhook,
    verify_standard_webhook,
    verify_webhook,
)

__all__ = [
    "DEFAULT_TOLERANCE_SECS",
    "MAX_HEADER_LEN",
    "MAX_PAYLOAD_LEN",
    "MAX_SECRETS",
    "CognitionError",
    "ErrorCode",
    "Event",
    "EventParseError",
    "InvalidArgumentError",
    "SignatureVerificationError",
    "StoreError",
    "__version__",
    "construct_event",
    "parse_event",
    "sign_standard_webhook",
    "sign_webhook",
    "verify_standard_webhook",
    "verify_webhook",
]
