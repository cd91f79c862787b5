"""The shape of a user-provided record backend for :class:`BackendStore`, and of its record dicts.

Keep idempotency records in your own database: write a class with these five methods (each
atomic per record) and pass an instance to ``BackendStore(backend)``. The store runs the same state
machine as ``MemoryStore`` and ``SqliteStore`` on top; every write it makes is a compare-and-swap
through :meth:`RecordBackend.replace`, so two workers never both win a key.

An exception raised by any method becomes ``StoreError`` with code ``STORE_BACKEND`` and the
exception's type and message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TypedDict

__all__ = ["RecordBackend", "RecordDict"]


class RecordDict(TypedDict):
    """One record, as ``Record.to_dict()`` returns it and a backend stores it.

    Times are Unix milliseconds (``int``) or ``None``. Store every key; give back what you stored.
    """

    key: str
    """The event id or ``Idempotency-Key`` (1 to 1024 bytes of UTF-8)."""
    event_type: str
    status: str
    """One of ``pending processing processed failed retrying dead ignored``."""
    fingerprint: str
    """SHA-256 of the first body claimed under the key: 64 lowercase hex digits."""
    payload: bytes | None
    """The body kept for retries (the processor keeps it), or ``None``."""
    result: Any
    """The handler's JSON-able result, or ``None``."""
    last_error: str | None
    created_at: int
    started_at: int | None
    processed_at: int | None
    failed_at: int | None
    last_retry_at: int | None
    next_retry_at: int | None
    attempts: int
    lease_generation: int
    """The fencing generation; bumps on every claim."""
    lease_expires_at: int | None


class RecordBackend(Protocol):
    """Minimal record storage behind :class:`BackendStore`; implement each method atomically.

    Methods are called from whichever thread uses the store, possibly several at once.
    """

    def load(self, key: str) -> RecordDict | None:
        """Return the record stored under ``key``, or ``None``."""

    def insert(self, record: RecordDict) -> bool:
        """Store ``record`` unless its key exists; return whether it was stored."""

    def replace(self, record: RecordDict, expected_generation: int, expected_status: str) -> bool:
        """Replace the stored record with ``record`` if the stored one still has
        ``lease_generation == expected_generation`` and ``status == expected_status``; return
        whether it was replaced (``False`` lets the store retry with a fresh copy)."""

    def scan(self) -> Iterable[RecordDict]:
        """Return every record (queries and statistics filter them in memory)."""

    def delete(self, keys: list[str]) -> None:
        """Delete the records with these keys; missing keys are fine."""
