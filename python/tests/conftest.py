"""Shared constants and fixtures for the cognition_core test suite."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
VECTORS_PATH = REPO_ROOT / "tests" / "vectors" / "webhook.json"

SECRET = "whsec_test_4eC39HqLyjWDarjtT1zdp7dc"
OTHER_SECRET = "whsec_other_Z6jH2mVqR1s8TtW0yXbN"
STD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NOW = 1_700_000_000


def load_vectors() -> dict[str, Any]:
    """Return the shared webhook vectors every face runs."""
    with VECTORS_PATH.open(encoding="utf-8") as f:
        vectors: dict[str, Any] = json.load(f)
    return vectors


@pytest.fixture(scope="session")
def event_payload() -> bytes:
    """A realistic Stripe event body (``invoice.paid``), taken from the shared vectors."""
    for case in load_vectors()["construct_event"]:
        if case["name"] == "invoice_paid":
            payload: str = case["payload"]
            return payload.encode()
    raise AssertionError("the vectors lost their invoice_paid case")
