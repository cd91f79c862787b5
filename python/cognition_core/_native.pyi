"""Type stubs of the extension module ``cognition_core._native`` (built from bindings/python).

Use the functions through the package: ``cognition_core.verify_webhook`` and so on.
"""

import builtins
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final, TypeVar, final

from typing_extensions import Buffer, disjoint_base

from cognition_core._backend import RecordBackend, RecordDict
from cognition_core._errors import ValidationInputError

_H = TypeVar("_H", bound=Callable[[Event], Any])

__all__ = [
    "DEFAULT_LEASE_MS",
    "DEFAULT_TOLERANCE_SECS",
    "MAX_HEADER_LEN",
    "MAX_KEY_LEN",
    "MAX_PAYLOAD_LEN",
    "MAX_SECRETS",
    "MAX_SOURCE_LEN",
    "BackendStore",
    "Claim",
    "Event",
    "Evidence",
    "Fingerprint",
    "FixResult",
    "IdempotencyStore",
    "ImportIssue",
    "ImportReport",
    "LeaseToken",
    "MemoryStore",
    "NativeContextMemory",
    "NativeRevenueLedger",
    "Page",
    "PathReport",
    "ProcessResult",
    "QueryStats",
    "QueryTracker",
    "Record",
    "RetryDecision",
    "RetryPolicy",
    "SqliteStore",
    "Stats",
    "SuggestConfig",
    "Suggestion",
    "ValidationIssue",
    "ValidationReport",
    "WebhookProcessor",
    "__version__",
    "construct_event",
    "count_tokens",
    "error_codes",
    "fingerprint",
    "fix",
    "mask",
    "pack",
    "parse_event",
    "sign_standard_webhook",
    "sign_webhook",
    "suggest",
    "to_sarif",
    "validate",
    "validate_paths",
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

DEFAULT_LEASE_MS: Final[int]
"""How long a claim is exclusive by default: 30,000 ms."""

MAX_KEY_LEN: Final[int]
"""Longest idempotency key accepted, in bytes (1024)."""

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

# ---------------------------------------------------------------------------------- idempotency

@final
class RetryPolicy:
    """How failed attempts are retried: exponential backoff with full jitter from a seeded RNG.

    Before attempt ``n + 1`` the delay is drawn from ``[0, min(initial_delay_ms * factor**(n-1),
    max_delay_ms)]`` (or is exactly the ceiling with ``jitter=False``); after ``max_attempts``
    attempts the record is ``dead``. Immutable.

    Raises:
        InvalidArgumentError: a non-positive delay, ``max_attempts < 1`` or ``factor < 1``.
    """

    def __new__(
        cls,
        *,
        initial_delay_ms: int = 1000,
        max_attempts: int = 5,
        factor: float = 2.0,
        max_delay_ms: int = 3_600_000,
        seed: int = 0,
        jitter: bool = True,
    ) -> RetryPolicy: ...
    @property
    def initial_delay_ms(self) -> int: ...
    @property
    def max_attempts(self) -> int: ...
    @property
    def factor(self) -> float: ...
    @property
    def max_delay_ms(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def jitter(self) -> bool: ...

@final
class LeaseToken:
    """Proof of holding a key's lease; present it to ``complete``, ``ignore`` or ``fail``.

    A later claim of the same key (after the lease expired) bumps the generation, so this token
    becomes stale: using it raises ``StoreError`` (``STALE_TOKEN``) and changes nothing.
    """

    @property
    def key(self) -> str: ...
    @property
    def generation(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Claim:
    """The answer to :meth:`IdempotencyStore.claim`.

    ``kind`` is one of ``"acquired"`` (``token``, ``attempt``), ``"already_done"`` (``status``
    ``processed``/``ignored``, ``result``), ``"in_progress"`` (``lease_expires_at``; answer HTTP
    409), ``"fingerprint_conflict"`` (``stored``: the key was used with a different body) or
    ``"dead_lettered"`` (``status`` ``dead``/``failed``, ``last_error``). Attributes that do not
    apply are ``None``.
    """

    @property
    def kind(self) -> str: ...
    @property
    def token(self) -> LeaseToken | None: ...
    @property
    def attempt(self) -> int | None: ...
    @property
    def status(self) -> str | None: ...
    @property
    def result(self) -> Any: ...
    @property
    def lease_expires_at(self) -> int | None: ...
    @property
    def last_error(self) -> str | None: ...
    @property
    def stored(self) -> str | None:
        """The stored body fingerprint (SHA-256 hex), for ``fingerprint_conflict``."""

@final
class RetryDecision:
    """What follows a failed attempt: ``kind`` is ``"retry_at"`` (``at``: Unix ms),
    ``"dead_lettered"`` (last attempt) or ``"failed"`` (permanent failure)."""

    @property
    def kind(self) -> str: ...
    @property
    def at(self) -> int | None: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class Record:
    """One key's record; times are Unix milliseconds or ``None``. Immutable."""

    @property
    def key(self) -> str: ...
    @property
    def event_type(self) -> str: ...
    @property
    def status(self) -> str:
        """``pending``, ``processing``, ``processed``, ``failed``, ``retrying``, ``dead`` or
        ``ignored``."""
    @property
    def fingerprint(self) -> str:
        """SHA-256 of the first body claimed under the key, 64 hex digits."""
    @property
    def payload(self) -> bytes | None: ...
    @property
    def result(self) -> Any: ...
    @property
    def last_error(self) -> str | None: ...
    @property
    def created_at(self) -> int: ...
    @property
    def started_at(self) -> int | None: ...
    @property
    def processed_at(self) -> int | None: ...
    @property
    def failed_at(self) -> int | None: ...
    @property
    def last_retry_at(self) -> int | None: ...
    @property
    def next_retry_at(self) -> int | None: ...
    @property
    def attempts(self) -> int: ...
    @property
    def lease_generation(self) -> int: ...
    @property
    def lease_expires_at(self) -> int | None: ...
    def to_dict(self) -> RecordDict:
        """Return every field as a new dict (the schema a :class:`RecordBackend` stores)."""

@final
class Page:
    """One page of records, newest first; pass ``next_cursor`` as ``cursor`` for the next."""

    @property
    def records(self) -> list[Record]: ...
    @property
    def next_cursor(self) -> str | None: ...
    def __len__(self) -> int: ...

@final
class Stats:
    """Counts per status and event type, success rate, processing times and hourly volume."""

    @property
    def total(self) -> int: ...
    @property
    def by_status(self) -> dict[str, int]:
        """Records per status; every status is present, zero included."""
    @property
    def by_event_type(self) -> dict[str, int]: ...
    @property
    def success_rate(self) -> float | None:
        """``processed / (processed + failed + dead)``; ``None`` before any of those."""
    @property
    def processing_p50_ms(self) -> int | None: ...
    @property
    def processing_p95_ms(self) -> int | None: ...
    @property
    def processing_max_ms(self) -> int | None: ...
    @property
    def per_hour(self) -> list[tuple[int, int]]:
        """``(hour_start_ms, count)`` pairs, ascending; empty hours are left out."""
    def to_dict(self) -> dict[str, Any]:
        """Return the statistics as a new dict (``total``, ``by_status``, ``by_event_type``,
        ``success_rate``, ``processing_p50_millis``, ``processing_p95_millis``,
        ``processing_max_millis``, ``per_hour``: ``[{"hour_start", "count"}]``), the JSON schema
        every face shares."""

@disjoint_base
class IdempotencyStore:
    """The methods every store has; use :class:`MemoryStore`, :class:`SqliteStore` or
    :class:`BackendStore`. Safe to share between threads; the interpreter lock is released while
    the store works.

    Times (``now``, ``since``...) are Unix milliseconds; ``now`` defaults to the system clock.
    Every method raises ``StoreError`` (``INVALID_KEY`` for an empty key or one over 1024 bytes,
    ``STORE_CORRUPT``, ``STORE_BACKEND``...) and changes nothing when it does.
    """

    def claim(
        self,
        key: str,
        body: Buffer,
        *,
        event_type: str = "",
        now: int | None = None,
        lease_ms: int = 30000,
        keep_payload: bool = False,
    ) -> Claim:
        """Claim ``key`` (an event id or ``Idempotency-Key``) for processing ``body``.

        The body's SHA-256 tells a redelivery from a key reused for different content.
        ``keep_payload`` stores the body so the record can be retried by a processor.
        """
    def complete(self, token: LeaseToken, result: Any = None, *, now: int | None = None) -> None:
        """Mark the token's record ``processed`` with ``result``.

        Raises:
            StoreError: ``INVALID_RESULT`` when ``result`` is not JSON-serialisable (dict with str
                keys, list, tuple, str, int, finite float, bool, None); ``STALE_TOKEN``.
        """
    def ignore(self, token: LeaseToken, *, now: int | None = None) -> None:
        """Mark the token's record ``ignored`` (acknowledged without work)."""
    def fail(
        self, token: LeaseToken, error: str, *, retryable: bool = True, now: int | None = None
    ) -> RetryDecision:
        """Record a failed attempt; the store's :class:`RetryPolicy` decides what follows."""
    def get(self, key: str) -> Record | None:
        """Return the record for ``key``, or ``None``."""
    def list(
        self,
        *,
        status: str | None = None,
        event_type: str | None = None,
        since: int | None = None,
        until: int | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page:
        """Return one page of records created in ``[since, until)``, newest first.

        ``status`` is case-insensitive; ``limit`` is 1 to 1000.
        """
    def stats(self, since: int | None = None, until: int | None = None) -> Stats:
        """Summarise the records created in ``[since, until)``."""
    def due_for_retry(self, now: int | None = None, limit: int = 100) -> builtins.list[Record]:
        """Return up to ``limit`` records whose retry is due at ``now``, earliest first."""
    def requeue(self, key: str, *, now: int | None = None) -> None:
        """Put a ``dead`` or ``failed`` record back in the queue (``pending``, due at ``now``).

        Raises:
            StoreError: ``RECORD_NOT_FOUND``, or ``INVALID_STATE`` for any other status.
        """
    def purge(
        self, older_than_days: int = 90, *, now: int | None = None, before: int | None = None
    ) -> int:
        """Delete finished records (``processed``, ``ignored``, ``failed``, ``dead``) created
        more than ``older_than_days`` before ``now`` (or before ``before``, Unix ms); never
        ``pending``, ``processing`` or ``retrying``. Return how many were deleted."""

@final
class MemoryStore(IdempotencyStore):
    """Records in memory (sharded locks): for tests and single-process apps."""

    def __new__(cls, *, retry_policy: RetryPolicy | None = None) -> MemoryStore: ...

@final
class SqliteStore(IdempotencyStore):
    """Records in a SQLite file (created if missing; WAL, ``synchronous=NORMAL``, versioned
    schema). Several processes may share one file on a local disk.

    Raises:
        StoreError: ``STORE_CORRUPT`` if the file is not a store database (it is left untouched);
            ``STORE_BACKEND`` if it cannot be opened.
    """

    def __new__(
        cls, path: str | os.PathLike[str], *, retry_policy: RetryPolicy | None = None
    ) -> SqliteStore: ...
    @property
    def path(self) -> os.PathLike[str]:
        """The database file, as a :class:`pathlib.Path`."""

@final
class BackendStore(IdempotencyStore):
    """Records in your own storage: ``backend`` is any object with the :class:`RecordBackend`
    methods. An exception from the backend raises ``StoreError`` (``STORE_BACKEND``) with its
    type and message.

    Raises:
        TypeError: ``backend`` lacks one of ``load``, ``insert``, ``replace``, ``scan``, ``delete``.
    """

    def __new__(
        cls, backend: RecordBackend, *, retry_policy: RetryPolicy | None = None
    ) -> BackendStore: ...
    @property
    def backend(self) -> RecordBackend: ...

@final
class ProcessResult:
    """What processing one delivery (or one retry) came to. Immutable."""

    @property
    def status(self) -> str:
        """``processed``, ``duplicate``, ``in_progress``, ``ignored``, ``retrying``, ``failed``
        or ``dead``."""
    @property
    def http_status(self) -> int:
        """The status to answer the provider with: 409 for ``in_progress``, else 200 (the event
        is safely recorded; our own retries take over a failure)."""
    @property
    def event_id(self) -> str: ...
    @property
    def event_type(self) -> str: ...
    @property
    def duplicate(self) -> bool:
        """``True`` when the event was seen before and the handler was not called."""
    @property
    def result(self) -> Any:
        """The handler's result, now or from the earlier run."""
    @property
    def error(self) -> str | None:
        """The failure message, when the handler failed."""
    @property
    def attempt(self) -> int | None: ...
    @property
    def next_retry_at(self) -> int | None:
        """When the next retry is due (Unix ms), for ``retrying``."""
    def to_dict(self) -> dict[str, Any]:
        """Return the result as a new dict (``status``, ``http_status``, ``event_id``,
        ``event_type``, ``duplicate``, ``result``, ``error``, ``attempt``, ``next_retry_at``)."""

@final
class WebhookProcessor:
    """Exactly-once processing of Stripe webhook deliveries over an idempotency store.

    ``process`` verifies the ``Stripe-Signature``, parses the event, claims its id, runs the
    handler registered for its type and records the outcome. Handlers are plain callables
    ``handler(event: Event) -> JSON-able | None``; an exception is a retryable failure (scheduled
    by the store's :class:`RetryPolicy`, re-run by :meth:`retry_due`), :class:`PermanentFailure`
    fails the event at once, and a non-JSON result fails it with a message saying so. Nothing a
    handler does escapes ``process``.

    Args:
        secret: the endpoint secret, or several during rotation.
        store: where records live (default: a new :class:`MemoryStore`).
        tolerance: replay tolerance in seconds (``0`` disables the age check).
        lease_ms: how long a claim is exclusive; a worker that dies is taken over after it.
        clock: a callable returning Unix milliseconds (default: the system clock); tests pass
            their own. Signatures are checked against ``clock() // 1000``.

    Safe to share between threads; ``process`` runs without the interpreter lock except while
    a handler (or ``clock``) runs.
    """

    def __new__(
        cls,
        secret: str | Sequence[str],
        *,
        store: IdempotencyStore | None = None,
        tolerance: int = 300,
        lease_ms: int = 30000,
        clock: Callable[[], int] | None = None,
    ) -> WebhookProcessor: ...
    @property
    def store(self) -> IdempotencyStore: ...
    @property
    def event_types(self) -> list[str]:
        """The event types with a registered handler, sorted."""
    def on(self, event_type: str) -> Callable[[_H], _H]:
        """Return a decorator registering its function as the handler for ``event_type``."""
    def add_handler(self, event_type: str, handler: _H) -> _H:
        """Register ``handler`` for ``event_type`` (replacing any earlier one); return it."""
    def process(self, payload: Buffer, header: str) -> ProcessResult:
        """Verify, parse and handle one delivery exactly once.

        Raises:
            SignatureVerificationError: reject the request (HTTP 400); nothing was recorded.
            EventParseError: the verified body is not an event envelope.
            StoreError: ``FINGERPRINT_CONFLICT`` (the event id was delivered with another body),
                or the store failed (answer 500 so the provider retries).
        """
    def retry_due(self, limit: int = 100) -> list[ProcessResult]:
        """Re-run up to ``limit`` failures whose retry is due now through the same handlers."""
    def requeue_dead(self, key: str) -> None:
        """Put a dead-lettered (or permanently failed) event back in the queue; the next
        :meth:`retry_due` runs it."""
    def stats(self, since: int | None = None, until: int | None = None) -> Stats:
        """Summarise the records created in ``[since, until)`` (Unix ms)."""
    def events(
        self,
        *,
        status: str | None = None,
        event_type: str | None = None,
        since: int | None = None,
        until: int | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> list[Record]:
        """Return up to ``limit`` records, newest first. For the next page's cursor use
        ``processor.store.list(...)``, which returns a :class:`Page`."""
    def event(self, event_id: str) -> Record | None:
        """Return the record of ``event_id``, or ``None``."""
    def purge(self, older_than_days: int = 90) -> int:
        """Delete finished records older than ``older_than_days`` by the processor's clock."""

# ---------------------------------------------------------------------------------------- query

@final
class Fingerprint:
    """The shape of a SQL statement, as pt-fingerprint and pg_stat_statements group statements.

    Statements that differ only in literals, bind parameters, comments, whitespace, keyword case
    or the length of an ``IN (...)``/``VALUES`` list share one fingerprint. Immutable; equal when
    the ids and normalised texts are.
    """

    @property
    def id(self) -> str:
        """The stable 64-bit id (first 8 bytes of SHA-256 of ``normalized``), 16 hex digits."""
    @property
    def normalized(self) -> str:
        """The normalised text: ``select * from users where id = ?``."""
    @property
    def kind(self) -> str:
        """``SELECT``, ``JOIN``, ``AGGREGATE``, ``INSERT``, ``UPDATE``, ``DELETE``, ``DDL`` or
        ``OTHER``."""
    @property
    def query_id(self) -> str:
        """pt-query-digest's Query ID of the statement (``0x`` + 32 upper-case hex digits), so
        reports line up with the tool DBAs already run."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def fingerprint(sql: str) -> Fingerprint:
    """Return the fingerprint of ``sql``; any text gets one (other dialects, garbage, 1 MB).

    Raises:
        TypeError: ``sql`` is not a ``str``.
        InvalidArgumentError: ``INVALID_UTF8``: ``sql`` holds a lone surrogate.
    """

@final
class QueryStats:
    """The statistics of one fingerprint, copied out of a :class:`QueryTracker`. Times are
    milliseconds; percentiles come from a histogram and are within 1 %; seen times are Unix ms."""

    @property
    def fingerprint(self) -> str:
        """The fingerprint id, 16 hex digits (:attr:`Fingerprint.id`)."""
    @property
    def normalized(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def calls(self) -> int: ...
    @property
    def total_ms(self) -> float: ...
    @property
    def min_ms(self) -> float: ...
    @property
    def max_ms(self) -> float: ...
    @property
    def mean_ms(self) -> float: ...
    @property
    def stddev_ms(self) -> float:
        """The population standard deviation, as pg_stat_statements reports it."""
    @property
    def p50_ms(self) -> float: ...
    @property
    def p95_ms(self) -> float: ...
    @property
    def p99_ms(self) -> float: ...
    @property
    def rows_examined(self) -> int:
        """Rows examined, summed over all calls (0 when the driver does not report them)."""
    @property
    def rows_returned(self) -> int: ...
    @property
    def cache_hits(self) -> int: ...
    @property
    def cache_misses(self) -> int: ...
    @property
    def first_seen_ms(self) -> int: ...
    @property
    def last_seen_ms(self) -> int: ...
    @property
    def example(self) -> str:
        """The slowest statement seen (its normalised text when examples are masked), at most
        4096 bytes."""
    @property
    def example_ms(self) -> float: ...
    @property
    def efficiency(self) -> float:
        """``(rows_returned / rows_examined) / (1 + mean_ms / 100)``, capped at 1; with no rows
        examined, the row ratio is taken as 1."""
    @property
    def is_slow(self) -> bool:
        """Whether the tracker judged the shape slow when this copy was made."""
    def percentile_ms(self, q: float) -> float:
        """The time at quantile ``q`` (``0.0`` to ``1.0``)."""
    def to_dict(self) -> dict[str, Any]:
        """Return every figure above as a new dict."""

@final
class Evidence:
    """The measurements advice is based on; ``rows_examined``/``rows_returned`` are totals.

    ``p95_ms`` defaults to ``mean_ms`` and ``efficiency`` to the score of the other figures.

    Raises:
        InvalidArgumentError: a negative count, a negative or non-finite time, or an
            ``efficiency`` outside ``[0, 1]``.
    """

    def __new__(
        cls,
        *,
        calls: int,
        mean_ms: float,
        rows_examined: int,
        rows_returned: int,
        p95_ms: float | None = None,
        efficiency: float | None = None,
    ) -> Evidence: ...
    @property
    def calls(self) -> int: ...
    @property
    def mean_ms(self) -> float: ...
    @property
    def p95_ms(self) -> float: ...
    @property
    def rows_examined(self) -> int: ...
    @property
    def rows_returned(self) -> int: ...
    @property
    def efficiency(self) -> float: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Suggestion:
    """One piece of advice about one fingerprint: a heuristic for a human to review."""

    @property
    def strategy(self) -> str:
        """``INDEX_HINT``, ``QUERY_REWRITE``, ``MATERIALIZED_VIEW``, ``PARTITION_PRUNING``,
        ``PARALLEL_EXECUTION`` or ``CACHE_RESULT``."""
    @property
    def fingerprint(self) -> str:
        """The id of the fingerprint it is about, 16 hex digits."""
    @property
    def table(self) -> str | None: ...
    @property
    def columns(self) -> list[str]:
        """The columns it concerns (the index columns, in order, for an index hint)."""
    @property
    def reason(self) -> str:
        """Why, in words, ending with the evidence numbers."""
    @property
    def statement(self) -> str | None:
        """The ``CREATE INDEX ... ON table (...)`` to run, for an index hint."""
    @property
    def confidence(self) -> float:
        """How sure the rule is, ``0.0`` to ``1.0``."""
    @property
    def evidence(self) -> Evidence: ...
    def to_dict(self) -> dict[str, Any]:
        """Return the suggestion as a new dict (``evidence`` as a dict)."""

@final
class SuggestConfig:
    """Thresholds for advice; an argument left ``None`` keeps its documented default.

    Args:
        index_min_calls: index hints need at least this many calls (10).
        low_efficiency: ...and an efficiency below this (0.2).
        rewrite_min_calls: query rewrites need at least this many calls (1).
        large_offset: an ``OFFSET`` at or above this is deep pagination (1000).
        aggregate_min_calls: materialised views need this many calls (100)...
        aggregate_min_rows: ...this many rows examined per call (100,000)...
        aggregate_min_mean_ms: ...and this mean time (100 ms).
        large_scan_rows: rows examined per call of a very large scan, for partition pruning
            and parallel execution (1,000,000).
        cache_min_calls: result caching needs this many calls (1000)...
        cache_max_rows: ...and at most this many rows returned per call (100).

    Raises:
        InvalidArgumentError: a negative count or time, or ``low_efficiency`` outside
            ``[0, 1]``.
    """

    def __new__(
        cls,
        *,
        index_min_calls: int | None = None,
        low_efficiency: float | None = None,
        rewrite_min_calls: int | None = None,
        large_offset: int | None = None,
        aggregate_min_calls: int | None = None,
        aggregate_min_rows: int | None = None,
        aggregate_min_mean_ms: float | None = None,
        large_scan_rows: int | None = None,
        cache_min_calls: int | None = None,
        cache_max_rows: int | None = None,
    ) -> SuggestConfig: ...
    @property
    def index_min_calls(self) -> int: ...
    @property
    def low_efficiency(self) -> float: ...
    @property
    def rewrite_min_calls(self) -> int: ...
    @property
    def large_offset(self) -> int: ...
    @property
    def aggregate_min_calls(self) -> int: ...
    @property
    def aggregate_min_rows(self) -> int: ...
    @property
    def aggregate_min_mean_ms(self) -> float: ...
    @property
    def large_scan_rows(self) -> int: ...
    @property
    def cache_min_calls(self) -> int: ...
    @property
    def cache_max_rows(self) -> int: ...

def suggest(sql: str, evidence: Evidence, config: SuggestConfig | None = None) -> list[Suggestion]:
    """Return the advice for ``sql`` measured as ``evidence``, with ``config``'s thresholds
    (default: the documented ones). :meth:`QueryTracker.suggestions` does this for every
    tracked fingerprint.

    Raises:
        TypeError: ``sql`` is not a ``str``.
        InvalidArgumentError: ``INVALID_UTF8``: ``sql`` holds a lone surrogate.
    """

@final
class ImportIssue:
    """An entry of an imported file that was not recorded, and why."""

    @property
    def line(self) -> int:
        """The 1-based line of the entry (or of the offending line inside it)."""
    @property
    def message(self) -> str: ...

@final
class ImportReport:
    """What a ``load_*`` call recorded, and each entry it could not, with its line."""

    @property
    def imported(self) -> int:
        """Entries recorded into the tracker."""
    @property
    def calls(self) -> int:
        """Executions those entries stand for."""
    @property
    def errors(self) -> list[ImportIssue]:
        """The entries not recorded, in file order."""
    @property
    def is_clean(self) -> bool: ...
    @property
    def summary(self) -> str:
        """One line for a log: ``3 queries imported (3 calls, 4500.015 ms), 2 errors: ...``."""

@final
class QueryTracker:
    """Per-fingerprint statistics of executed statements, like pg_stat_statements in-process.

    Args:
        max_fingerprints: the most fingerprints kept (pg_stat_statements.max); past it the one
            with the least total time is evicted and :attr:`evictions` counts it.
        slow_ms: a fingerprint is slow when its mean exceeds this...
        slow_min_calls: ...over at least this many calls.
        slow_p95_ms: if set, a p95 above it (with ``slow_min_calls``) also makes it slow.
        mask_examples: keep the normalised text as the example, never a real statement.
        on_slow: called with the :class:`QueryStats` once, when a fingerprint becomes slow, on
            the recording thread. An exception it raises is reported through
            ``sys.unraisablehook`` (as CPython does for ``__del__``) and never reaches the code
            that recorded.
        suggest_config: the thresholds :meth:`suggestions` uses (default: the documented ones).

    Raises:
        InvalidArgumentError: a bound below 1 or a negative or non-finite threshold.
        TypeError: ``on_slow`` is not callable.

    Safe to share between threads: ``record`` runs without the interpreter lock.
    """

    def __new__(
        cls,
        *,
        max_fingerprints: int = 5000,
        slow_ms: float = 1000.0,
        slow_min_calls: int = 10,
        slow_p95_ms: float | None = None,
        mask_examples: bool = False,
        on_slow: Callable[[QueryStats], object] | None = None,
        suggest_config: SuggestConfig | None = None,
    ) -> QueryTracker: ...
    def record(
        self,
        sql: str,
        duration_ms: float,
        rows_examined: int = 0,
        rows_returned: int = 0,
        cache_hit: bool | None = None,
        *,
        now_ms: int | None = None,
    ) -> None:
        """Record one execution of ``sql``.

        Args:
            sql: the statement as executed (literals and all; only its shape is kept, plus the
                slowest one as the example unless ``mask_examples``).
            duration_ms: how long it took; over one day counts as one day.
            rows_examined: rows the database read (0 when unknown).
            rows_returned: rows sent back (or affected).
            cache_hit: whether a cache answered it; ``None`` when no cache is involved.
            now_ms: Unix milliseconds; defaults to the system clock.

        Raises:
            InvalidArgumentError: a NaN, infinite or negative ``duration_ms``, a negative count,
                or ``sql`` with a lone surrogate (``INVALID_UTF8``); nothing is recorded.
            TypeError: an argument of the wrong type.
        """
    def stats(self) -> list[QueryStats]:
        """Every fingerprint's statistics, by total time descending."""
    def slow_queries(self) -> list[QueryStats]:
        """The slow fingerprints, in :meth:`stats` order."""
    def get(self, fingerprint: str | Fingerprint) -> QueryStats | None:
        """The statistics of one fingerprint (its 16-hex-digit id), or ``None``."""
    def suggestions(self) -> list[Suggestion]:
        """Advice for every tracked fingerprint, from its example statement and statistics."""
    def to_json(self) -> str:
        """The statistics as a versioned JSON snapshot, for :meth:`merge` in another process."""
    @staticmethod
    def from_json(
        json: str,
        *,
        max_fingerprints: int = 5000,
        slow_ms: float = 1000.0,
        slow_min_calls: int = 10,
        slow_p95_ms: float | None = None,
        mask_examples: bool = False,
        on_slow: Callable[[QueryStats], object] | None = None,
        suggest_config: SuggestConfig | None = None,
    ) -> QueryTracker:
        """A new tracker (configured as the constructor) holding the snapshot ``json``.

        Raises:
            InvalidArgumentError: ``json`` is not a snapshot this version reads.
        """
    def merge(self, snapshot: str | QueryTracker) -> None:
        """Fold a snapshot in, as if its executions had been recorded here: exact for counts,
        sums, min, max and rows; percentiles merge bucket by bucket (within 1 %).

        Raises:
            InvalidArgumentError: ``snapshot`` is not a snapshot this version reads.
        """
    def reset(self) -> None:
        """Forget every fingerprint and zero :attr:`evictions`."""
    def load_mysql_slow_log(
        self, path: str | os.PathLike[str], *, now_ms: int | None = None
    ) -> ImportReport:
        """Record every entry of a MySQL slow query log (``# Query_time: ...`` blocks).

        Malformed entries are not raised but listed in :attr:`ImportReport.errors` with their
        line; the rest of the file is recorded. ``now_ms`` dates entries without a time.

        Raises:
            OSError: the file cannot be opened or read (``FileNotFoundError``, ...).
        """
    def load_pg_stat_statements(
        self, path: str | os.PathLike[str], *, now_ms: int | None = None
    ) -> ImportReport:
        """Record every row of a ``pg_stat_statements`` CSV export (``\\copy ... csv header``).

        Columns are found by name (PostgreSQL 13+ ``total_exec_time``... or the older
        ``total_time``...); a header without a required column is one error at line 1.

        Raises:
            OSError: the file cannot be opened or read.
        """
    @property
    def evictions(self) -> int:
        """Fingerprints evicted to stay within ``max_fingerprints``."""
    @property
    def max_fingerprints(self) -> int: ...
    @property
    def slow_ms(self) -> float: ...
    @property
    def slow_min_calls(self) -> int: ...
    @property
    def slow_p95_ms(self) -> float | None: ...
    @property
    def mask_examples(self) -> bool: ...
    @property
    def suggest_config(self) -> SuggestConfig: ...
    def __len__(self) -> int: ...

# Context (wrapped by cognition_core._context, which documents the public API).

def count_tokens(text: str, encoding_name: str) -> int: ...
def mask(text: str) -> dict[str, Any]: ...
def pack(
    entries: list[tuple[str, str, list[str], str | None, str | None, int | None]],
    query: str,
    max_tokens: int,
    reserve_output_tokens: int,
    encoding_name: str,
    now: int,
    tokenizer: Callable[[str], int] | None = None,
) -> dict[str, Any]: ...

@final
class NativeContextMemory:
    def __new__(
        cls,
        encoding_name: str,
        working_size: int,
        short_term_size: int,
        tokenizer: Callable[[str], int] | None = None,
    ) -> NativeContextMemory: ...
    @property
    def tokenizer(self) -> str: ...
    def add(
        self,
        tenant: str,
        content: str,
        importance: str,
        tags: list[str],
        summary: str | None,
        id: str | None,
        created_at: int | None,
        now: int,
    ) -> str: ...
    def get(self, tenant: str, id: str, now: int) -> dict[str, Any]: ...
    def search(self, tenant: str, query: str, limit: int, now: int) -> list[dict[str, Any]]: ...
    def prune(self, now: int) -> list[dict[str, Any]]: ...
    def build_window(
        self, tenant: str, query: str, max_tokens: int, reserve_output_tokens: int, now: int
    ) -> dict[str, Any]: ...

# Revenue (wrapped by cognition_core._revenue, which documents the public API).

@final
class NativeRevenueLedger:
    def __new__(
        cls, config: Mapping[str, Any], fx_csv: bytes | None = None
    ) -> NativeRevenueLedger: ...
    def __len__(self) -> int: ...
    @property
    def reporting_currency(self) -> str | None: ...
    @property
    def count_past_due(self) -> bool: ...
    def add_records(self, records: list[dict[str, Any]]) -> int: ...
    def add_stripe(self, objects: list[Mapping[str, Any]]) -> int: ...
    def load_csv_bytes(self, csv: bytes) -> int: ...
    def load_csv_file(self, path: str | os.PathLike[str]) -> int: ...
    def apply_event(self, event: bytes) -> bool: ...
    def mrr(self, as_of: str) -> dict[str, Any]: ...
    def mrr_in(self, currency: str, as_of: str) -> str: ...
    def movements(self, start: str, end: str, by_currency: bool = True) -> dict[str, Any]: ...
    def churn(self, month: str) -> dict[str, Any]: ...
    def ltv(self, as_of: str, window_months: int) -> dict[str, Any]: ...
    def cohorts(self, period: str, as_of: str) -> dict[str, Any]: ...
    def forecast(self, as_of: str, months: int, history_months: int) -> dict[str, Any]: ...
    def breakdown(self, as_of: str, by: str) -> dict[str, Any]: ...
    def report(self, as_of: str) -> dict[str, Any]: ...

# ----------------------------------------------------------------------------------- validation

MAX_SOURCE_LEN: Final[int]
"""Largest source :func:`validate` accepts, in bytes (16 MiB)."""

@final
class ValidationIssue:
    """One finding of :func:`validate`: a rule, where it is and how bad it is.

    Lines and columns are 1-based; columns count characters, not bytes (Ruff's convention), and
    ``end_line``/``end_column`` point just past the range. Immutable.
    """

    @property
    def rule(self) -> str:
        """The rule's stable code: Ruff's where Ruff has the rule (``"S307"``, ``"E501"``,
        ``"C901"``), else a ``CG`` code (``"CG201"``); ``"E999"`` for syntax errors."""
    @property
    def severity(self) -> str:
        """``"CRITICAL"``, ``"HIGH"``, ``"MEDIUM"``, ``"LOW"`` or ``"INFO"``."""
    @property
    def message(self) -> str:
        """What is wrong, in a sentence."""
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def end_line(self) -> int: ...
    @property
    def end_column(self) -> int: ...
    @property
    def fixable(self) -> bool:
        """``True`` if :func:`fix` repairs it (W291, W293, W292, W191)."""
    @property
    def name(self) -> str:
        """The rule's kebab-case name (``"suspicious-eval-usage"``)."""
    @property
    def bandit_id(self) -> str | None:
        """Bandit's test id for security rules Bandit also has (``"B307"``), else ``None``."""
    def to_dict(self) -> dict[str, Any]:
        """Return the issue as the JSON report writes it (``rule``, ``severity``, ``message``,
        ``line``, ``column``, ``end_line``, ``end_column``, ``fixable``)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ValidationReport:
    """The result of validating one source: findings, a 0-100 score and pass/fail at its level.

    Immutable and safe to share between threads.
    """

    @property
    def issues(self) -> list[ValidationIssue]:
        """The findings, sorted by line, column and rule code."""
    @property
    def score(self) -> int:
        """0-100: 100 minus the documented weight of each finding (CRITICAL 25, HIGH 10,
        MEDIUM 3, LOW 1, INFO 0)."""
    @property
    def passed(self) -> bool:
        """Whether the source passes its level: no syntax error, and from STANDARD up no CRITICAL
        or HIGH finding and a score of at least 60 (STANDARD) or 75 (STRICT, PARANOID)."""
    @property
    def filename(self) -> str: ...
    @property
    def level(self) -> str:
        """The level checked: ``"basic"``, ``"standard"``, ``"strict"`` or ``"paranoid"``."""
    @property
    def lines(self) -> int: ...
    @property
    def annotation_coverage(self) -> float:
        """Percentage of annotation slots (parameters other than ``self``/``cls``, and returns)
        that are annotated; 100.0 when there is no function."""
    @property
    def counts(self) -> dict[str, int]:
        """Findings per severity:
        ``{"CRITICAL": n, "HIGH": n, "MEDIUM": n, "LOW": n, "INFO": n}``."""
    def to_json(self) -> str:
        """Return the report as JSON, the schema every face shares."""
    def to_sarif(self) -> str:
        """Return the report as a SARIF 2.1.0 log (for GitHub code scanning and CI dashboards)."""
    def to_text(self) -> str:
        """Return one ``path:line:col: CODE [SEVERITY] message`` line per finding."""
    def to_dict(self) -> dict[str, Any]:
        """Return the report as ``json.loads(report.to_json())`` would."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class FixResult:
    """The outcome of :func:`fix`."""

    @property
    def source(self) -> str:
        """The fixed source."""
    @property
    def applied(self) -> list[ValidationIssue]:
        """The findings the fixes removed, as reported on the original source."""
    @property
    def report(self) -> ValidationReport:
        """The fixed source, validated again at the same level."""

@final
class PathReport:
    """One file's result from :func:`validate_paths`: a report, or why there is none."""

    @property
    def path(self) -> str: ...
    @property
    def report(self) -> ValidationReport | None:
        """The file's report, or ``None`` when it could not be validated."""
    @property
    def error(self) -> ValidationInputError | None:
        """Why the file could not be validated (unreadable, not UTF-8, too large), or ``None``."""

def validate(
    source: str | Buffer,
    *,
    level: str = "standard",
    filename: str = "<string>",
    max_line_length: int = 88,
    tests: str | None = None,
    python: str | os.PathLike[str] | None = None,
    timeout: float = 30.0,
) -> ValidationReport:
    """Validate Python source: syntax, then by level style and annotations (``"standard"``),
    security and complexity (``"strict"``), and the code's own tests (``"paranoid"``).

    ``source`` is text, or UTF-8 bytes as read from a file. ``level`` is case-insensitive.
    ``filename`` names the source in text and SARIF output. ``max_line_length`` is E501's limit.

    With ``tests`` (a test module's source, importing the code as ``solution``) at
    ``level="paranoid"``, pytest runs them in a subprocess of ``python`` (default:
    ``sys.executable``, which needs pytest) in a temporary directory, with a scrubbed environment,
    CPU, memory, file-size and process limits and a wall-clock ``timeout`` in seconds; failures,
    errors and timeouts become HIGH issues (CG301, CG302, CG303). Without ``tests``,
    ``"paranoid"`` checks what ``"strict"`` does. The interpreter lock is released throughout.

    Raises:
        TypeError: ``source`` is not ``str`` or bytes-like, or an option has the wrong type.
        ValidationInputError: ``VALIDATION_INPUT_TOO_LARGE`` (over :data:`MAX_SOURCE_LEN`),
            ``VALIDATION_INVALID_UTF8`` (bytes not UTF-8, or a ``str`` with a lone surrogate),
            ``VALIDATION_UNKNOWN_LEVEL``, ``VALIDATION_TEST_RUNNER`` (the tests could not be run
            at all: no interpreter, no pytest).
        InvalidArgumentError: ``max_line_length`` below 1, a ``timeout`` that is not a positive
            number of seconds, or ``tests`` given below ``level="paranoid"``.
    """

def validate_paths(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    level: str = "standard",
    max_line_length: int = 88,
) -> list[PathReport]:
    """Validate files, and every ``*.py`` file under directories (skipping hidden ones such as
    ``.git`` and ``.venv``), in parallel on every core with the interpreter lock released.

    Returns one :class:`PathReport` per file, in sorted path order; a file that cannot be read or
    is not UTF-8 gets its ``error`` instead of a ``report``.

    Raises:
        TypeError: ``paths`` is not a path or an iterable of paths.
        ValidationInputError: ``VALIDATION_PATH_IO`` when a given path does not exist or a
            directory cannot be listed; ``VALIDATION_UNKNOWN_LEVEL``.
    """

def fix(
    source: str | Buffer,
    *,
    level: str = "standard",
    filename: str = "<string>",
    max_line_length: int = 88,
) -> FixResult:
    """Apply the safe whitespace fixes (trailing whitespace, whitespace on blank lines, the final
    newline, tabs in indentation to 8-column stops), never inside multi-line strings, then
    validate the result at ``level``. Fixing a fixed source changes nothing.

    Raises:
        TypeError, ValidationInputError, InvalidArgumentError: as :func:`validate`.
    """

def to_sarif(reports: Iterable[ValidationReport]) -> str:
    """Return one SARIF 2.1.0 log holding the findings of several reports (e.g. every report of
    :func:`validate_paths`), each located by its ``filename``.

    Raises:
        TypeError: ``reports`` is not an iterable of :class:`ValidationReport`.
    """
