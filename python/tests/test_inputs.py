"""What the functions accept, what they refuse and how they behave under threads."""

from __future__ import annotations

import array
import json
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import pytest
from conftest import NOW, OTHER_SECRET, SECRET, STD_SECRET

import cognition_core
from cognition_core import CognitionError, ErrorCode, SignatureVerificationError

BODY = b'{"id": "evt_1", "object": "event", "type": "invoice.paid"}'


def header_for(body: bytes = BODY, secret: str = SECRET, timestamp: int = NOW) -> str:
    return cognition_core.sign_webhook(body, secret, timestamp=timestamp)


@pytest.mark.parametrize(
    "payload",
    [BODY, bytearray(BODY), memoryview(BODY), memoryview(bytearray(BODY))],
    ids=["bytes", "bytearray", "memoryview", "memoryview_of_bytearray"],
)
def test_bytes_like_payloads_are_accepted(payload: bytes | bytearray | memoryview) -> None:
    assert cognition_core.verify_webhook(payload, header_for(), SECRET, now=NOW) == NOW


def test_any_buffer_is_accepted() -> None:
    assert cognition_core.verify_webhook(array.array("B", BODY), header_for(), SECRET, now=NOW)


def test_non_contiguous_memoryview_is_read_as_its_bytes() -> None:
    body = b"0123456789"
    header = header_for(body[::2])
    assert cognition_core.verify_webhook(memoryview(body)[::2], header, SECRET, now=NOW) == NOW


def test_str_payload_is_a_type_error_with_a_hint() -> None:
    with pytest.raises(TypeError, match="raw request body as bytes") as info:
        cognition_core.verify_webhook(BODY.decode(), header_for(), SECRET, now=NOW)  # type: ignore[arg-type]
    assert "break the signature" in str(info.value)


def test_str_payload_to_sign_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="not str"):
        cognition_core.sign_webhook("{}", SECRET, timestamp=NOW)  # type: ignore[arg-type]


def test_non_buffer_payload_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="bytes-like"):
        cognition_core.verify_webhook(12, header_for(), SECRET, now=NOW)  # type: ignore[arg-type]


def test_secret_list_accepts_any_matching_secret() -> None:
    header = header_for()
    assert cognition_core.verify_webhook(BODY, header, [OTHER_SECRET, SECRET], now=NOW) == NOW
    assert cognition_core.verify_webhook(BODY, header, (SECRET,), now=NOW) == NOW


def test_single_secret_str_is_one_secret_not_its_characters() -> None:
    assert cognition_core.verify_webhook(BODY, header_for(), SECRET, now=NOW) == NOW
    with pytest.raises(SignatureVerificationError) as info:
        cognition_core.verify_webhook(BODY, header_for(), OTHER_SECRET, now=NOW)
    assert "1 secret" in info.value.message


def test_empty_secret_list_is_empty_secret() -> None:
    with pytest.raises(SignatureVerificationError) as info:
        cognition_core.verify_webhook(BODY, header_for(), [], now=NOW)
    assert info.value.code is ErrorCode.EMPTY_SECRET


def test_bytes_secret_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="not bytes"):
        cognition_core.verify_webhook(BODY, header_for(), SECRET.encode(), now=NOW)  # type: ignore[arg-type]


def test_non_str_secret_in_a_list_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="every secret must be a str"):
        cognition_core.verify_webhook(BODY, header_for(), [SECRET, b"x"], now=NOW)  # type: ignore[list-item]


def test_huge_payload_is_payload_too_large() -> None:
    payload = bytes(17 * 1024 * 1024)
    with pytest.raises(SignatureVerificationError) as info:
        cognition_core.verify_webhook(payload, header_for(), SECRET, now=NOW)
    assert info.value.code is ErrorCode.PAYLOAD_TOO_LARGE


def test_payload_at_the_limit_is_verified() -> None:
    payload = bytes(cognition_core.MAX_PAYLOAD_LEN)
    assert cognition_core.verify_webhook(payload, header_for(payload), SECRET, now=NOW) == NOW


def test_huge_header_is_header_too_large() -> None:
    header = header_for() + ",v0=" + "a" * cognition_core.MAX_HEADER_LEN
    with pytest.raises(SignatureVerificationError) as info:
        cognition_core.verify_webhook(BODY, header, SECRET, now=NOW)
    assert info.value.code is ErrorCode.HEADER_TOO_LARGE


def test_non_str_header_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="header must be a str"):
        cognition_core.verify_webhook(BODY, header_for().encode(), SECRET, now=NOW)  # type: ignore[arg-type]


def test_none_header_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="header must be a str"):
        cognition_core.verify_webhook(BODY, None, SECRET, now=NOW)  # type: ignore[arg-type]


def test_negative_tolerance_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        cognition_core.verify_webhook(BODY, header_for(), SECRET, tolerance=-1, now=NOW)


def test_now_defaults_to_the_system_clock() -> None:
    import time

    header = header_for(timestamp=int(time.time()))
    assert cognition_core.verify_webhook(BODY, header, SECRET) > NOW
    with pytest.raises(SignatureVerificationError) as info:
        cognition_core.verify_webhook(BODY, header_for(timestamp=NOW), SECRET)
    assert info.value.code is ErrorCode.TIMESTAMP_OUTSIDE_TOLERANCE


def test_sign_timestamp_defaults_to_now() -> None:
    import time

    before = int(time.time())
    header = cognition_core.sign_webhook(BODY, SECRET)
    timestamp = int(header.split(",")[0].removeprefix("t="))
    assert before <= timestamp <= int(time.time())


def failing_calls() -> Iterator[Callable[[], object]]:
    good = header_for(timestamp=NOW - 10_000)
    yield lambda: cognition_core.verify_webhook(BODY + b" ", good, SECRET, now=NOW)
    yield lambda: cognition_core.verify_webhook(BODY, good, SECRET, now=NOW)
    yield lambda: cognition_core.verify_webhook(BODY, "garbage", SECRET, now=NOW)
    yield lambda: cognition_core.verify_webhook(BODY, good, [SECRET, ""], now=NOW)
    yield lambda: cognition_core.verify_webhook(BODY, good, [SECRET, 1], now=NOW)  # type: ignore[list-item]
    yield lambda: cognition_core.verify_webhook(BODY, 7, SECRET, now=NOW)  # type: ignore[arg-type]
    yield lambda: cognition_core.construct_event(b"[]", header_for(b"[]"), SECRET, now=NOW)
    yield lambda: cognition_core.sign_standard_webhook("m", NOW, BODY, "whsec_!" + SECRET)
    yield lambda: cognition_core.verify_standard_webhook(
        BODY, {"webhook-id": "m", "webhook-timestamp": str(NOW)}, STD_SECRET, now=NOW
    )


def test_error_messages_never_contain_the_secret() -> None:
    for call in failing_calls():
        with pytest.raises((CognitionError, TypeError)) as info:
            call()
        for text in (str(info.value), repr(info.value)):
            assert SECRET not in text
            assert STD_SECRET not in text
            assert SECRET.removeprefix("whsec_") not in text


def test_standard_headers_accept_any_mapping() -> None:
    class Headers(Mapping[str, str]):
        def __init__(self, items: dict[str, str]) -> None:
            self._items = items

        def __getitem__(self, key: str) -> str:
            return self._items[key]

        def __iter__(self) -> Iterator[str]:
            return iter(self._items)

        def __len__(self) -> int:
            return len(self._items)

    signature = cognition_core.sign_standard_webhook("msg_1", NOW, BODY, STD_SECRET)
    headers = Headers(
        {"Webhook-Id": "msg_1", "Webhook-Timestamp": str(NOW), "Webhook-Signature": signature}
    )
    assert cognition_core.verify_standard_webhook(BODY, headers, STD_SECRET, now=NOW) == NOW


def test_standard_headers_must_be_a_mapping_of_str() -> None:
    with pytest.raises(TypeError, match="mapping"):
        cognition_core.verify_standard_webhook(BODY, [("webhook-id", "m")], STD_SECRET, now=NOW)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="header value must be a str"):
        cognition_core.verify_standard_webhook(BODY, {"webhook-id": b"m"}, STD_SECRET, now=NOW)  # type: ignore[dict-item]


def test_verify_from_eight_threads_gives_each_its_own_result() -> None:
    bodies = [json.dumps({"id": f"evt_{i}", "pad": "x" * (i * 1000)}).encode() for i in range(64)]
    headers = [header_for(body) for body in bodies]

    def check(i: int) -> bool:
        body = bodies[i]
        if i % 2:
            body += b" "  # tampered: must fail, in every thread
        try:
            cognition_core.verify_webhook(body, headers[i], SECRET, now=NOW)
        except SignatureVerificationError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(20):
            results = list(pool.map(check, range(len(bodies))))
            assert results == [i % 2 == 0 for i in range(len(bodies))]


def test_bytearray_payload_is_copied_before_the_lock_is_released() -> None:
    payload = bytearray(BODY)
    header = header_for()
    assert cognition_core.verify_webhook(payload, header, SECRET, now=NOW) == NOW
    payload[0:1] = b"["  # later mutation does not matter: nothing of it was kept
    with pytest.raises(SignatureVerificationError):
        cognition_core.verify_webhook(payload, header, SECRET, now=NOW)


def event_for(body: bytes) -> cognition_core.Event:
    return cognition_core.construct_event(body, header_for(body), SECRET, now=NOW)


def test_event_repr_names_id_type_and_created(event_payload: bytes) -> None:
    event = event_for(event_payload)
    assert repr(event) == (
        "Event(id='evt_1PgcTestVectors0001', type='invoice.paid', "
        "created=1699999995, livemode=False)"
    )


def test_event_to_dict_uses_the_wire_names(event_payload: bytes) -> None:
    event = event_for(event_payload)
    parsed: dict[str, Any] = json.loads(event_payload)
    assert event.to_dict() == {
        "id": parsed["id"],
        "type": parsed["type"],
        "known_type": True,
        "created": parsed["created"],
        "livemode": parsed["livemode"],
        "api_version": parsed["api_version"],
        "data": parsed["data"],
    }


def test_event_to_dict_is_a_copy(event_payload: bytes) -> None:
    event = event_for(event_payload)
    copy = event.to_dict()
    copy["data"]["object"]["id"] = "changed"
    assert event.data["object"]["id"] != "changed"


def test_event_data_keeps_the_payload_key_order_and_numbers() -> None:
    body = (
        b'{"id":"evt_1","type":"x.y","created":1,"livemode":true,'
        b'"data":{"object":{"z":1,"a":12345678901234567890123,"f":0.1}}}'
    )
    event = event_for(body)
    assert list(event.data["object"]) == ["z", "a", "f"]
    assert event.data["object"]["a"] == 12345678901234567890123
    assert event.data["object"]["f"] == 0.1
    assert event.known_type is False
    assert event.api_version is None
    assert event.previous_attributes is None


def test_event_is_immutable(event_payload: bytes) -> None:
    event = event_for(event_payload)
    with pytest.raises(AttributeError):
        event.id = "evt_other"  # type: ignore[misc]


def test_parse_event_reads_an_already_verified_body(event_payload: bytes) -> None:
    assert cognition_core.parse_event(event_payload).type == "invoice.paid"


def test_parse_event_reports_bad_json_as_event_parse_error() -> None:
    with pytest.raises(cognition_core.EventParseError) as info:
        cognition_core.parse_event(b'{"id": ')
    assert info.value.code is ErrorCode.EVENT_INVALID_JSON
    assert "line 1" in info.value.message
