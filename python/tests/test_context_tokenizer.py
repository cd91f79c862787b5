"""Custom tokenizers: a callable ``str -> int`` counts for ``ContextMemory`` and ``pack``; its
failures are typed ``ContextError``s, and each distinct text is counted once."""

from __future__ import annotations

import gc
import threading
import weakref
from collections import Counter
from datetime import datetime, timezone
from typing import Any

import pytest

import cognition_core
from cognition_core import ContextError, ContextMemory, ErrorCode


def words(text: str) -> int:
    """One token per whitespace-separated word."""
    return len(text.split())


class CountingWords:
    """``words``, remembering every text it was asked to count."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()

    def __call__(self, text: str) -> int:
        with self.lock:
            self.calls[text] += 1
        return words(text)


NOTES = [
    "Refunds go back to the original card within thirty days.",
    "The office dog is called Biscuit. He likes the warehouse.",
    "Enterprise customers get a named support manager. Escalations go to her first.",
    "Invoices are sent on the first of the month. Late invoices get a reminder after a week.",
]


def filled(tokenizer: Any) -> ContextMemory:
    memory = ContextMemory(tokenizer=tokenizer)
    memory.add("acme", "Never promise a refund over 500 euros.", importance="critical")
    for note in NOTES:
        memory.add("acme", note)
    return memory


@pytest.mark.parametrize("budget", [12, 25, 40, 200])
def test_a_word_count_tokenizer_gives_exact_budgets(budget: int) -> None:
    window = filled(words).build_window("acme", "refunds invoices", budget)
    assert window.tokenizer == "words"
    assert window.tokens == words(window.text)
    assert window.tokens <= budget
    assert window.entries[0].importance == "critical"
    assert all(e.full_tokens == words(e.text) for e in window.entries if e.form == "full")


def test_the_memory_names_its_tokenizer() -> None:
    assert ContextMemory(tokenizer=words).tokenizer == "words"
    assert ContextMemory(tokenizer=CountingWords()).tokenizer == "CountingWords"


def test_entries_are_counted_with_the_tokenizer() -> None:
    memory = ContextMemory(tokenizer=words)
    entry_id = memory.add("acme", "one two three four")
    assert memory.get("acme", entry_id).tokens == 4


def test_pack_counts_with_the_tokenizer() -> None:
    window = cognition_core.pack(NOTES, "refunds", 20, tokenizer=words)
    assert window.tokenizer == "words"
    assert window.tokens == words(window.text) <= 20
    assert window.entries


def test_the_tokenizer_is_not_called_again_for_unchanged_text() -> None:
    tokenizer = CountingWords()
    memory = filled(tokenizer)
    now = datetime.now(timezone.utc)
    first = memory.build_window("acme", "refunds", 30, now=now)
    calls = sum(tokenizer.calls.values())
    memory.search("acme", "refunds", now=now)
    again = memory.build_window("acme", "refunds", 30, now=now)
    assert again == first
    assert sum(tokenizer.calls.values()) == calls
    assert max(tokenizer.calls.values()) == 1


def test_adding_the_same_text_twice_counts_it_once() -> None:
    tokenizer = CountingWords()
    memory = ContextMemory(tokenizer=tokenizer)
    memory.add("acme", "same words here")
    memory.add("globex", "same words here")
    assert tokenizer.calls["same words here"] == 1


class BoomError(Exception):
    pass


def raising(text: str) -> int:
    raise BoomError("cannot count")


def test_a_raising_tokenizer_is_a_context_error_with_the_cause() -> None:
    memory = ContextMemory(tokenizer=raising)
    with pytest.raises(ContextError) as err:
        memory.add("acme", "secret plan")
    assert err.value.code == ErrorCode.CONTEXT_TOKENIZER_FAILED
    assert "raised BoomError" in str(err.value)
    assert isinstance(err.value.__cause__, BoomError)


def test_a_raising_tokenizer_stores_nothing() -> None:
    memory = ContextMemory(tokenizer=raising)
    with pytest.raises(ContextError):
        memory.add("acme", "secret plan")
    assert memory.search("acme", "secret plan") == []


def test_the_error_never_echoes_the_text() -> None:
    def echo(text: str) -> int:
        raise ValueError(text)

    with pytest.raises(ContextError) as err:
        ContextMemory(tokenizer=echo).add("acme", "card 4242 4242 4242 4242")
    assert "4242" not in str(err.value)


def test_a_tokenizer_failing_while_packing_is_a_context_error() -> None:
    def single_lines(text: str) -> int:
        if "\n" in text:
            raise ValueError("one line only")
        return words(text)

    memory = ContextMemory(tokenizer=single_lines)
    memory.add("acme", "first note")
    memory.add("acme", "second note")
    with pytest.raises(ContextError) as err:
        memory.build_window("acme", "note", 100)
    assert err.value.code == ErrorCode.CONTEXT_TOKENIZER_FAILED
    assert isinstance(err.value.__cause__, ValueError)


def test_pack_reports_a_raising_tokenizer() -> None:
    with pytest.raises(ContextError) as err:
        cognition_core.pack(["alpha"], "", 10, tokenizer=raising)
    assert err.value.code == ErrorCode.CONTEXT_TOKENIZER_FAILED


@pytest.mark.parametrize(
    ("result", "reason"),
    [
        ("3", "returned str"),
        (2.5, "returned float"),
        (None, "returned NoneType"),
        (True, "returned a bool"),
        (-1, "returned -1"),
        (2**32, "over the largest count"),
        (2**70, "out of range"),
    ],
)
def test_a_tokenizer_returning_garbage_is_a_context_error(result: Any, reason: str) -> None:
    with pytest.raises(ContextError) as err:
        ContextMemory(tokenizer=lambda text: result).add("acme", "some text")
    assert err.value.code == ErrorCode.CONTEXT_TOKENIZER_FAILED
    assert reason in str(err.value)
    assert err.value.__cause__ is None


def test_a_tokenizer_returning_an_int_subclass_is_accepted() -> None:
    class Tokens(int):
        pass

    memory = ContextMemory(tokenizer=lambda text: Tokens(7))
    assert memory.get("acme", memory.add("acme", "anything")).tokens == 7


def test_keyboard_interrupt_in_the_tokenizer_is_not_wrapped() -> None:
    def interrupted(text: str) -> int:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ContextMemory(tokenizer=interrupted).add("acme", "text")


@pytest.mark.parametrize("bad", [5, "words", b"x"])
def test_a_non_callable_tokenizer_is_a_type_error(bad: Any) -> None:
    with pytest.raises(TypeError):
        ContextMemory(tokenizer=bad)
    with pytest.raises(TypeError):
        cognition_core.pack(["alpha"], "", 10, tokenizer=bad)


def test_a_tokenizer_may_use_the_memory_it_counts_for() -> None:
    holder: list[ContextMemory] = []

    def nosy(text: str) -> int:
        if holder:
            holder[0].search("acme", "anything")
        return words(text)

    memory = ContextMemory(tokenizer=nosy)
    holder.append(memory)
    memory.add("acme", "first note")
    memory.add("acme", "second note")
    assert memory.build_window("acme", "note", 100).tokens == 4


def test_threads_share_a_memory_with_a_python_tokenizer() -> None:
    tokenizer = CountingWords()
    memory = ContextMemory(tokenizer=tokenizer)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                memory.add("acme", f"thread {n} note {i} about refunds")
                window = memory.build_window("acme", "refunds", 40)
                assert window.tokens == words(window.text) <= 40
        except BaseException as exc:  # reported below, on the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert errors == []


def test_a_tokenizer_referring_to_its_memory_is_garbage_collected() -> None:
    class Owner:
        def __init__(self) -> None:
            self.memory = ContextMemory(tokenizer=self.count)

        def count(self, text: str) -> int:
            return words(text)

    owner = Owner()
    owner.memory.add("acme", "one two")
    alive = weakref.ref(owner)
    del owner
    gc.collect()
    assert alive() is None
