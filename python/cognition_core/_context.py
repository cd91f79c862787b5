"""Context windows for LLM apps: exact token counts, masking, per-tenant memory and packing.

Thin typed wrappers over ``cognition_core._native``: the native layer speaks Unix milliseconds
and plain ``dict``s; this module validates arguments (``TypeError`` for a wrong type,
``InvalidArgumentError`` for a negative budget), turns ``datetime``s (``None`` = the system clock,
read here and never in the Rust core) into milliseconds and returns frozen dataclasses.

Custom tokenizers: ``ContextMemory(tokenizer=f)`` and ``pack(..., tokenizer=f)`` count tokens with
any callable ``f(text: str) -> int`` (a Hugging Face tokenizer's ``len(tok.encode(text))``, a
word counter) instead of the BPE encoding. It must be deterministic: each distinct text is
counted once and remembered. The memory releases the GIL while it packs and re-acquires it for
each call of ``f`` (so other threads run in between, and ``f`` may even use the memory). If ``f``
raises, or returns anything but an ``int`` from 0 to 2**32 - 1 (a ``bool``, a ``float``, a
negative number), the call raises ``ContextError`` with code ``CONTEXT_TOKENIZER_FAILED`` and the
original exception as ``__cause__``; ``add`` then stores nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from . import _native
from ._errors import ErrorCode, _new_error

__all__ = [
    "ContextEntry",
    "ContextMemory",
    "ContextWindow",
    "Finding",
    "MaskResult",
    "OmittedEntry",
    "ScoreParts",
    "SearchHit",
    "WindowEntry",
    "count_tokens",
    "mask",
    "pack",
]

DEFAULT_ENCODING = "o200k_base"

Tokenizer = Callable[[str], int]
"""A custom token counter: ``text -> number of tokens``, deterministic."""


def _str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return value


def _count(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if value < 0:
        raise _new_error(ErrorCode.INVALID_ARGUMENT, f"{what} must be >= 0, got {value}")
    if value >= 2**63:
        raise _new_error(ErrorCode.INVALID_ARGUMENT, f"{what} must be below 2**63")
    return value


def _millis(value: object, what: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime or None, not {type(value).__name__}")
    if value.tzinfo is None:
        raise _new_error(
            ErrorCode.INVALID_ARGUMENT,
            f"{what} must be timezone-aware (e.g. datetime.now(timezone.utc))",
        )
    return int(value.timestamp() * 1000)


def _now(value: object, what: str = "now") -> int:
    millis = _millis(value, what)
    return time.time_ns() // 1_000_000 if millis is None else millis


def _tokenizer(value: Tokenizer | None) -> Tokenizer | None:
    """Check that ``value`` is callable (its results are checked natively, on each call)."""
    if value is not None and not callable(value):
        raise TypeError(f"tokenizer must be a callable str -> int, not {type(value).__name__}")
    return value


def _tags(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"tags must be a sequence of str, not {type(value).__name__}")
    return [_str(tag, "each tag") for tag in value]


def count_tokens(text: str, encoding: str = DEFAULT_ENCODING) -> int:
    """Return the number of tokens of ``text`` exactly as ``tiktoken`` counts them
    (``encode(text, disallowed_special=())``); ``encoding`` is ``o200k_base`` or ``cl100k_base``."""
    return _native.count_tokens(_str(text, "text"), _str(encoding, "encoding"))


@dataclass(frozen=True)
class Finding:
    """One masked secret: its kind (e.g. ``EMAIL``) and span in the input (UTF-8 byte offsets
    ``start``/``end``, ``str`` indices ``char_start``/``char_end``); never the value."""

    kind: str
    start: int
    end: int
    char_start: int
    char_end: int


@dataclass(frozen=True)
class MaskResult:
    """The masked text and what was replaced, in input order."""

    text: str
    findings: tuple[Finding, ...]


def mask(text: str) -> MaskResult:
    """Replace e-mails, phone and card numbers, IBANs, credentials, JWTs, bearer tokens and
    private keys in ``text`` with placeholders such as ``[EMAIL]``."""
    raw = _native.mask(_str(text, "text"))
    return MaskResult(raw["text"], tuple(Finding(**f) for f in raw["findings"]))


@dataclass(frozen=True)
class ScoreParts:
    """Why an entry scored what it did: retention parts, BM25 relevance and the total."""

    importance: float
    decay: float
    access: float
    retention: float
    bm25: float
    phrase_match: bool
    relevance: float
    total: float


def _score(raw: Mapping[str, Any]) -> ScoreParts:
    return ScoreParts(
        importance=raw["importance"],
        decay=raw["decay"],
        access=raw["access"],
        retention=raw["retention"],
        bm25=raw["bm25"],
        phrase_match=raw["phrase_match"],
        relevance=raw["relevance"],
        total=raw["total"],
    )


@dataclass(frozen=True)
class WindowEntry:
    """An entry in the window and why: its form (``full``, ``summary``, ``extract``), tokens
    used and of the full text, score parts and the value it contributed."""

    id: str
    importance: str
    tier: str | None
    form: str
    tokens: int
    full_tokens: int
    score: ScoreParts
    value: float
    text: str


@dataclass(frozen=True)
class OmittedEntry:
    """A candidate left out of the window, with its score."""

    id: str
    importance: str
    full_tokens: int
    score: ScoreParts


@dataclass(frozen=True)
class ContextWindow:
    """The packed window: ``text`` of exactly ``tokens`` tokens (within ``available_tokens``),
    the ``entries`` in it with their trace, and the ``omitted`` candidates."""

    text: str
    tokens: int
    max_tokens: int
    reserve_output_tokens: int
    available_tokens: int
    tokenizer: str
    entries: tuple[WindowEntry, ...]
    omitted: tuple[OmittedEntry, ...]
    total_value: float
    exact: bool


def _window(raw: Mapping[str, Any]) -> ContextWindow:
    entries = tuple(
        WindowEntry(
            id=e["id"],
            importance=e["importance"],
            tier=e.get("tier"),
            form=e["form"],
            tokens=e["tokens"],
            full_tokens=e["full_tokens"],
            score=_score(e["score"]),
            value=e["value"],
            text=e["text"],
        )
        for e in raw["entries"]
    )
    omitted = tuple(
        OmittedEntry(
            id=o["id"],
            importance=o["importance"],
            full_tokens=o["full_tokens"],
            score=_score(o["score"]),
        )
        for o in raw["omitted"]
    )
    return ContextWindow(
        text=raw["text"],
        tokens=raw["tokens"],
        max_tokens=raw["max_tokens"],
        reserve_output_tokens=raw["reserve_output_tokens"],
        available_tokens=raw["available_tokens"],
        tokenizer=raw["tokenizer"],
        entries=entries,
        omitted=omitted,
        total_value=raw["total_value"],
        exact=raw["exact"],
    )


@dataclass(frozen=True)
class ContextEntry:
    """A stored entry (content already masked), its tier, token count and access history."""

    id: str
    tenant: str
    content: str
    summary: str | None
    importance: str
    created_at: datetime
    last_accessed_at: datetime
    access_count: int
    tags: tuple[str, ...]
    tier: str
    tokens: int
    findings: tuple[Finding, ...]


def _datetime(millis: int) -> datetime:
    return datetime.fromtimestamp(millis / 1000, tz=timezone.utc)


def _entry(raw: Mapping[str, Any]) -> ContextEntry:
    return ContextEntry(
        id=raw["id"],
        tenant=raw["tenant"],
        content=raw["content"],
        summary=raw["summary"],
        importance=raw["importance"],
        created_at=_datetime(raw["created_at"]),
        last_accessed_at=_datetime(raw["last_accessed_at"]),
        access_count=raw["access_count"],
        tags=tuple(raw["tags"]),
        tier=raw["tier"],
        tokens=raw["tokens"],
        findings=tuple(Finding(**f) for f in raw["findings"]),
    )


@dataclass(frozen=True)
class SearchHit:
    """A search result: the entry and its score parts."""

    id: str
    score: ScoreParts
    entry: ContextEntry


class ContextMemory:
    """Per-tenant memory in three tiers (working, short-term, long-term), masked on insert.

    Every call is scoped to one tenant; times are timezone-aware ``datetime``s or ``None`` for
    the system clock. Safe to share between threads. Tokens are counted with ``encoding``, or
    with ``tokenizer`` (a callable ``str -> int``, see the module docs) when one is given.
    """

    __slots__ = ("_native",)

    def __init__(
        self,
        encoding: str = DEFAULT_ENCODING,
        working_size: int = 10,
        short_term_size: int = 100,
        *,
        tokenizer: Tokenizer | None = None,
    ) -> None:
        self._native = _native.NativeContextMemory(
            _str(encoding, "encoding"),
            _count(working_size, "working_size"),
            _count(short_term_size, "short_term_size"),
            _tokenizer(tokenizer),
        )

    @property
    def tokenizer(self) -> str:
        """The tokenizer's name: the encoding (``o200k_base``) or the callable's qualified name."""
        return self._native.tokenizer

    def add(
        self,
        tenant: str,
        content: str,
        importance: str = "medium",
        tags: Sequence[str] | None = None,
        created_at: datetime | None = None,
        *,
        summary: str | None = None,
        id: str | None = None,
    ) -> str:
        """Add an entry (masked first) for ``tenant``; return its id."""
        return self._native.add(
            _str(tenant, "tenant"),
            _str(content, "content"),
            _str(importance, "importance"),
            _tags(tags),
            None if summary is None else _str(summary, "summary"),
            None if id is None else _str(id, "id"),
            _millis(created_at, "created_at"),
            _now(None),
        )

    def get(self, tenant: str, id: str, now: datetime | None = None) -> ContextEntry:
        """Return the entry (counts as an access); ``ContextError`` if there is none."""
        return _entry(self._native.get(_str(tenant, "tenant"), _str(id, "id"), _now(now)))

    def search(
        self, tenant: str, query: str, limit: int = 10, now: datetime | None = None
    ) -> list[SearchHit]:
        """Return the tenant's entries matching ``query``, best first (not an access)."""
        hits = self._native.search(
            _str(tenant, "tenant"), _str(query, "query"), _count(limit, "limit"), _now(now)
        )
        return [SearchHit(h["id"], _score(h["score"]), _entry(h["entry"])) for h in hits]

    def prune(self, now: datetime | None = None) -> list[ContextEntry]:
        """Drop old LOW and TRIVIAL entries of every tenant; return what was dropped."""
        return [_entry(e) for e in self._native.prune(_now(now))]

    def build_window(
        self,
        tenant: str,
        query: str,
        max_tokens: int,
        reserve_output_tokens: int = 0,
        now: datetime | None = None,
    ) -> ContextWindow:
        """Pack the tenant's entries optimally into ``max_tokens - reserve_output_tokens``
        tokens for ``query``; CRITICAL entries are always in (``ContextError`` with code
        ``CONTEXT_BUDGET_TOO_SMALL`` if they cannot fit)."""
        return _window(
            self._native.build_window(
                _str(tenant, "tenant"),
                _str(query, "query"),
                _count(max_tokens, "max_tokens"),
                _count(reserve_output_tokens, "reserve_output_tokens"),
                _now(now),
            )
        )


def _pack_entry(entry: object) -> tuple[str, str, list[str], str | None, str | None, int | None]:
    if isinstance(entry, str):
        return (entry, "medium", [], None, None, None)
    if not isinstance(entry, Mapping):
        raise TypeError(f"each entry must be a str or a mapping, not {type(entry).__name__}")
    if "content" not in entry:
        raise TypeError("each entry mapping needs a 'content' str")
    summary = entry.get("summary")
    entry_id = entry.get("id")
    return (
        _str(entry["content"], "content"),
        _str(entry.get("importance", "medium"), "importance"),
        _tags(entry.get("tags")),
        None if summary is None else _str(summary, "summary"),
        None if entry_id is None else _str(entry_id, "id"),
        _millis(entry.get("created_at"), "created_at"),
    )


def pack(
    entries: Iterable[str | Mapping[str, Any]],
    query: str,
    max_tokens: int,
    reserve_output_tokens: int = 0,
    *,
    encoding: str = DEFAULT_ENCODING,
    now: datetime | None = None,
    tokenizer: Tokenizer | None = None,
) -> ContextWindow:
    """Pack ``entries`` (``str``s or mappings with ``content`` and optional ``importance``,
    ``summary``, ``id``, ``tags``, ``created_at``) like :meth:`ContextMemory.build_window`, for
    apps that keep their own storage. Entries without an id get their position as id. Tokens
    are counted with ``encoding``, or with ``tokenizer`` (a callable ``str -> int``) if given."""
    if isinstance(entries, (str, bytes)) or not isinstance(entries, Iterable):
        raise TypeError(f"entries must be an iterable, not {type(entries).__name__}")
    return _window(
        _native.pack(
            [_pack_entry(e) for e in entries],
            _str(query, "query"),
            _count(max_tokens, "max_tokens"),
            _count(reserve_output_tokens, "reserve_output_tokens"),
            _str(encoding, "encoding"),
            _now(now),
            _tokenizer(tokenizer),
        )
    )
