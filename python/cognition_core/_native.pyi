"""Type stubs of the extension module ``cognition_core._native`` (built from bindings/python).

Use the functions through the package: ``cognition_core.verify_webhook`` and so on.
"""

from collections.abc import Mapping, Sequence
from typing import Any, Final, final

from typing_extensions import Buffer

__all__ = [
    "DEFAULT_TOLERANCE_SECS",
    "MAX_HEADER_LEN",
    "MAX_PAYLOAD_LEN",
    "MAX_SECRETS",
    "Event",
    "__version__",
    "construct_event",
    "error_codes",
    "parse_event",
    "sign_standard_webhook",
    "sign_webhook",
    "verify_standard_webhook",
    "verify_webhook",
]

__version__: Final[str]
"""The version of the Rust core this module was built from."""

DEFAULT_TOLERANCE_SECS: Final[int]
"""Stripe's default replay tolerance: 300 seconds."""

MAX_HEADER_LEN: Final[int]
"""Longest signature header accepted, in bytes (8 KiB)."""

MAX_PAYLOAD_LEN: Final[int]
"""Largest payload accepted, in bytes (16 MiB)."""

MAX_SECRETS: Final[int]
"""Most secrets accepted in one call (32)."""

@final
class Event:
    """A verified webhook event: Stripe's envelope, immutable and safe to share between threads.

    ``data`` is the envelope's ``data`` object exactly as ``json.loads`` reads it.
    """

    @property
    def id(self) -> str:
        """The event id (``evt_...``); use it as the idempotency key."""
    @property
    def type(self) -> str:
        """The wire type, e.g. ``"invoice.paid"``."""
    @property
    def created(self) -> int:
        """``created``, Unix seconds."""
    @property
    def livemode(self) -> bool:
        """``False`` for test-mode events."""
    @property
    def api_version(self) -> str | None:
        """The API version the payload was rendered with, or ``None``."""
    @property
    def known_type(self) -> bool:
        """``True`` if the core knows this type; unknown types are not errors."""
    @property
    def data(self) -> dict[str, Any]:
        """The ``data`` object: ``{"object": {...}, "previous_attributes": {...}}`` as in Stripe."""
    @property
    def previous_attributes(self) -> dict[str, Any] | None:
        """``data.previous_attributes`` on ``*.updated`` events, else ``None``."""
    def to_dict(self) -> dict[str, Any]:
        """Return the envelope as a new dict (``id``, ``type``, ``known_type``, ``created``,
        ``livemode``, ``api_version``, ``data``); ``data`` is a deep copy."""

def error_codes() -> dict[str, int]:
    """Return every error code of the Rust core as ``{name: number}``."""

def sign_webhook(payload: Buffer, secret: str, *, timestamp: int | None = None) -> str:
    """Sign ``payload`` as Stripe does and return the ``Stripe-Signature`` header value.

    ``timestamp`` is Unix seconds and defaults to now. Meant for tests: the header verifies with
    Stripe's own libraries.

    Raises:
        TypeError: ``payload`` is not bytes-like (a ``str`` is refused) or ``secret`` not a ``str``.
        SignatureVerificationError: ``EMPTY_SECRET`` or ``PAYLOAD_TOO_LARGE``.
        InvalidArgumentError: a negative ``timestamp``.
    """

def verify_webhook(
    payload: Buffer,
    header: str,
    secret: str | Sequence[str],
    *,
    tolerance: int = 300,
    now: int | None = None,
) -> int:
    """Verify a ``Stripe-Signature`` header and return the signed timestamp.

    Args:
        payload: the raw request body, exactly as received (``bytes``, ``bytearray``,
            ``memoryview``...). A ``str`` is refused: re-encoding a body can break the signature.
        header: the ``Stripe-Signature`` header value (``t=...,v1=...``).
        secret: the endpoint secret, or several during a rotation; any one may match.
        tolerance: the largest allowed distance, in seconds, between the signed timestamp and
            ``now`` (past or future); ``0`` disables the check.
        now: Unix seconds; defaults to the system clock.

    Raises:
        SignatureVerificationError: the delivery must be rejected; ``code`` says why.
        InvalidArgumentError: a negative ``tolerance`` or too many secrets.
        TypeError: an argument of the wrong type.
    """

def construct_event(
    payload: Buffer,
    header: str,
    secret: str | Sequence[str],
    *,
    tolerance: int = 300,
    now: int | None = None,
) -> Event:
    """Verify a Stripe-signed delivery (as :func:`verify_webhook`), then parse its event.

    Raises:
        SignatureVerificationError: verification failed; ``code`` says why.
        EventParseError: the verified payload is not an event envelope (``EVENT_*`` codes).
        InvalidArgumentError: a negative ``tolerance`` or too many secrets.
        TypeError: an argument of the wrong type.
    """

def parse_event(payload: Buffer) -> Event:
    """Parse the event envelope of a payload that has **already been verified**.

    Raises:
        EventParseError: the payload is not an event envelope (``EVENT_*`` codes).
        TypeError: ``payload`` is not bytes-like.
    """

def sign_standard_webhook(msg_id: str, timestamp: int, payload: Buffer, secret: str) -> str:
    """Sign a Standard Webhooks message; return the ``webhook-signature`` value (``v1,<base64>``).

    ``secret`` is ``whsec_`` followed by base64 (the prefix is optional).

    Raises:
        SignatureVerificationError: ``EMPTY_SECRET``, ``INVALID_SECRET``, ``PAYLOAD_TOO_LARGE``,
            ``MISSING_HEADER`` (empty ``msg_id``) or ``HEADER_TOO_LARGE``.
        InvalidArgumentError: a negative ``timestamp``.
        TypeError: an argument of the wrong type.
    """

def verify_standard_webhook(
    payload: Buffer,
    headers: Mapping[str, str],
    secret: str | Sequence[str],
    *,
    tolerance: int = 300,
    now: int | None = None,
) -> int:
    """Verify a Standard Webhooks delivery and return its timestamp.

    Args:
        payload: the raw request body, exactly as received.
        headers: the request headers; ``webhook-id``, ``webhook-timestamp`` and
            ``webhook-signature`` are looked up case-insensitively, others are ignored.
        secret: ``whsec_<base64>``, or several during a rotation.
        tolerance: seconds either side of ``now``; ``0`` disables the check.
        now: Unix seconds; defaults to the system clock.

    Raises:
        SignatureVerificationError: the delivery must be rejected; ``code`` says why.
        InvalidArgumentError: a negative ``tolerance`` or too many secrets.
        TypeError: an argument of the wrong type.
    """
