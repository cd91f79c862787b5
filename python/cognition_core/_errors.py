"""Exceptions raised by cognition_core, and the stable :class:`ErrorCode` they carry.

The numbers are the ones the Rust core defines (``cognition_core::ErrorCode``) and every face
shares: C returns them as ``cog_status``, Go as ``Error.Code``. A test compares this table with the
one the native module exports, so the two cannot drift apart.
"""

from __future__ import annotations

import enum

__all__ = [
    "CognitionError",
    "ContextError",
    "ErrorCode",
    "EventParseError",
    "InvalidArgumentError",
    "PermanentFailure",
    "RevenueError",
    "SignatureVerificationError",
    "StoreError",
    "ValidationInputError",
]


class ErrorCode(enum.IntEnum):
    """A stable, numbered error code; blocks of 100 per error family, never renumbered."""

    # General (1-99): argument and boundary errors.
    NULL_ARGUMENT = 1
    INVALID_UTF8 = 2
    PANIC = 3
    INVALID_ARGUMENT = 4
    # Webhook signatures (100-149).
    MALFORMED_HEADER = 100
    NO_SIGNATURE_FOR_SCHEME = 101
    SIGNATURE_MISMATCH = 102
    TIMESTAMP_OUTSIDE_TOLERANCE = 103
    EMPTY_SECRET = 104
    HEADER_TOO_LARGE = 105
    PAYLOAD_TOO_LARGE = 106
    INVALID_SECRET = 107
    MISSING_HEADER = 108
    # Webhook event parsing (150-199).
    EVENT_INVALID_JSON = 150
    EVENT_MISSING_FIELD = 151
    EVENT_WRONG_TYPE = 152
    # Idempotency stores and the webhook processor (200-299).
    INVALID_KEY = 200
    STALE_TOKEN = 201
    RECORD_NOT_FOUND = 202
    INVALID_STATE = 203
    INVALID_RESULT = 204
    FINGERPRINT_CONFLICT = 205
    STORE_CORRUPT = 206
    STORE_BACKEND = 207
    # Context memory, token budgets and masking (400-499).
    CONTEXT_BUDGET_TOO_SMALL = 400
    CONTEXT_UNKNOWN_ENCODING = 401
    CONTEXT_SENSITIVE_CONTENT = 402
    CONTEXT_ENTRY_NOT_FOUND = 403
    CONTEXT_INVALID_TENANT = 404
    CONTEXT_ENTRY_TOO_LARGE = 405
    CONTEXT_EMPTY_CONTENT = 406
    CONTEXT_DUPLICATE_ID = 407
    CONTEXT_INVALID_IMPORTANCE = 408
    CONTEXT_STORE_BACKEND = 409
    CONTEXT_LIMIT_EXCEEDED = 410
    CONTEXT_TOKENIZER_FAILED = 411
    # Revenue analytics (300-399).
    REVENUE_INVALID_SUBSCRIPTION = 300
    REVENUE_UNKNOWN_CURRENCY = 301
    REVENUE_MISSING_FX_RATE = 302
    REVENUE_INVALID_FX_RATE = 303
    REVENUE_MALFORMED_CSV = 304
    REVENUE_MALFORMED_STRIPE_OBJECT = 305
    REVENUE_EVENT_OUT_OF_ORDER = 306
    REVENUE_DUPLICATE_ID = 307
    REVENUE_AMOUNT_OUT_OF_RANGE = 308
    # Code validation (500-599).
    VALIDATION_INPUT_TOO_LARGE = 500
    VALIDATION_INVALID_UTF8 = 501
    VALIDATION_UNKNOWN_LEVEL = 502
    VALIDATION_PATH_IO = 503
    VALIDATION_TEST_RUNNER = 504


class CognitionError(Exception):
    """Base class of every error cognition_core raises; ``code`` says exactly what went wrong."""

    code: ErrorCode
    message: str

    def __init__(self, message: str, code: ErrorCode) -> None:
        super().__init__(message)
        self.message = message
        self.code = ErrorCode(code)

    def __reduce__(self) -> tuple[type[CognitionError], tuple[str, ErrorCode]]:
        return (type(self), (self.message, self.code))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code=ErrorCode.{self.code.name})"


class InvalidArgumentError(CognitionError, ValueError):
    """An argument was outside its documented range (a ``ValueError`` that also has ``code``)."""


class SignatureVerificationError(CognitionError):
    """A webhook delivery could not be verified (codes 100-199).

    Treat it as "reject the request" (HTTP 400): the body may have been forged or tampered with,
    replayed too late, or signed with another secret.
    """


class EventParseError(SignatureVerificationError, ValueError):
    """A verified payload was not a well-formed event envelope (codes 150-199).

    It is also a ``ValueError``, the exception Stripe's own ``construct_event`` raises for an
    invalid payload, so existing ``except ValueError`` handlers keep working.
    """


class StoreError(CognitionError):
    """An idempotency store operation failed (codes 200-299): bad key, stale lease, conflict,
    corrupt or failing storage. Nothing was changed by the failed call."""


class ContextError(CognitionError):
    """A context memory, token budget or masking operation failed (codes 400-499): critical
    entries that do not fit, unknown encoding, rejected sensitive content, unknown entry, a
    custom tokenizer that raised or returned something other than a count."""


class RevenueError(CognitionError, ValueError):
    """Revenue data was rejected or a metric could not be computed (codes 300-399): an invalid
    subscription, an unknown currency, a missing FX rate, a malformed CSV or Stripe object, an
    event out of order, a duplicate id. The message says where and why; it is also a
    ``ValueError`` because the input was bad."""


class ValidationInputError(CognitionError, ValueError):
    """Code validation could not run (codes 500-599): source too large or not UTF-8, unknown
    level, unreadable path, or a test runner that could not start. Findings in the code are never
    errors: they are issues in the report."""


class PermanentFailure(Exception):  # noqa: N818 - named for what the handler reports, like Celery's Reject
    """Raise it from a :class:`WebhookProcessor` handler when retrying cannot help (bad data).

    The event's record becomes ``failed`` at once, with ``str(exc)`` as its ``last_error``; any
    other exception is a retryable failure scheduled by the store's :class:`RetryPolicy`.
    """


_EVENT_PARSE_CODES = frozenset(
    {ErrorCode.EVENT_INVALID_JSON, ErrorCode.EVENT_MISSING_FIELD, ErrorCode.EVENT_WRONG_TYPE}
)


def _class_for(code: ErrorCode) -> type[CognitionError]:
    """Return the exception class that reports ``code``: one per error family."""
    if code in _EVENT_PARSE_CODES:
        return EventParseError
    if 100 <= code <= 199:
        return SignatureVerificationError
    if 200 <= code <= 299:
        return StoreError
    if 400 <= code <= 499:
        return ContextError
    if 300 <= code <= 399:
        return RevenueError
    if 500 <= code <= 599:
        return ValidationInputError
    if code == ErrorCode.PANIC:
        return CognitionError
    return InvalidArgumentError


_CLASS_BY_CODE: dict[ErrorCode, type[CognitionError]] = {
    code: _class_for(code) for code in ErrorCode
}


def _new_error(code: int, message: str) -> CognitionError:
    """Build the exception for a native error; called by the extension module."""
    error_code = ErrorCode(code)
    return _CLASS_BY_CODE[error_code](message, error_code)
