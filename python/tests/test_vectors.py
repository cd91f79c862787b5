"""Run every case of tests/vectors/webhook.json, the cases the Rust, C and Go suites run too."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from conftest import load_vectors

import cognition_core
from cognition_core import CognitionError, ErrorCode

VECTORS = load_vectors()


def cases(section: str) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(
        "case", VECTORS[section], ids=[case["name"] for case in VECTORS[section]]
    )


def payload_of(case: dict[str, Any]) -> bytes:
    if "payload_base64" in case:
        return base64.b64decode(case["payload_base64"])
    text: str = case["payload"]
    return text.encode("utf-8")


def expect_error(case: dict[str, Any], err: CognitionError) -> None:
    assert err.code is ErrorCode[case["expect"]["error"]], str(err)


def test_every_section_has_cases() -> None:
    sections = {
        "stripe_verify",
        "stripe_sign",
        "standard_verify",
        "standard_sign",
        "construct_event",
    }
    assert sections <= VECTORS.keys()
    assert all(VECTORS[section] for section in sections)


@cases("stripe_verify")
def test_stripe_verify_vector(case: dict[str, Any]) -> None:
    def verify() -> int:
        return cognition_core.verify_webhook(
            payload_of(case),
            case["header"],
            case["secrets"],
            tolerance=case["tolerance"],
            now=case["now"],
        )

    if "error" in case["expect"]:
        with pytest.raises(CognitionError) as info:
            verify()
        expect_error(case, info.value)
    else:
        assert verify() == case["expect"]["timestamp"]


@cases("stripe_sign")
def test_stripe_sign_vector(case: dict[str, Any]) -> None:
    header = cognition_core.sign_webhook(
        payload_of(case), case["secret"], timestamp=case["timestamp"]
    )
    assert header == case["header"]


@cases("standard_verify")
def test_standard_verify_vector(case: dict[str, Any]) -> None:
    def verify() -> int:
        return cognition_core.verify_standard_webhook(
            payload_of(case),
            case["headers"],
            case["secrets"],
            tolerance=case["tolerance"],
            now=case["now"],
        )

    if "error" in case["expect"]:
        with pytest.raises(CognitionError) as info:
            verify()
        expect_error(case, info.value)
    else:
        assert verify() == case["expect"]["timestamp"]


@cases("standard_sign")
def test_standard_sign_vector(case: dict[str, Any]) -> None:
    signature = cognition_core.sign_standard_webhook(
        case["msg_id"], case["timestamp"], payload_of(case), case["secret"]
    )
    assert signature == case["signature"]


@cases("construct_event")
def test_construct_event_vector(case: dict[str, Any]) -> None:
    def construct() -> cognition_core.Event:
        return cognition_core.construct_event(
            payload_of(case),
            case["header"],
            case["secrets"],
            tolerance=case["tolerance"],
            now=case["now"],
        )

    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(CognitionError) as info:
            construct()
        expect_error(case, info.value)
        return
    event = construct()
    assert event.id == expect["id"]
    assert event.type == expect["type"]
    assert event.known_type is expect["known_type"]
    assert event.created == expect["created"]
    assert event.livemode is expect["livemode"]
    assert event.api_version == expect["api_version"]
    assert event.data["object"]["id"] == expect["object_id"]
    assert event.previous_attributes == expect["previous_attributes"]
