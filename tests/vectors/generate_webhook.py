"""Generate tests/vectors/webhook.json: the shared webhook cases every face runs.

Expected signatures are computed here with Python's standard library (hmac, hashlib, base64), not
with cognition-core, so the vectors are an independent check.
Run: python3 tests/vectors/generate_webhook.py
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"

SECRET = "whsec_test_4eC39HqLyjWDarjtT1zdp7dc"
OLD_SECRET = "whsec_old_Z6jH2mVqR1s8TtW0yXbN"
NOW = 1_700_000_000
STD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
STD_OTHER = "whsec_" + base64.b64encode(b"another-standard-secret-key!").decode()


def stripe_sig(payload: bytes, secret: str, t: int) -> str:
    return hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()


def stripe_header(payload: bytes, secret: str, t: int) -> str:
    return f"t={t},v1={stripe_sig(payload, secret, t)}"


def std_sig(msg_id: str, t: int, payload: bytes, secret: str) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{t}.".encode() + payload, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def event_payload(kind: str, obj: dict[str, Any], previous: dict[str, Any] | None = None) -> bytes:
    data: dict[str, Any] = {"object": obj}
    if previous is not None:
        data["previous_attributes"] = previous
    envelope = {
        "id": "evt_1PgcTestVectors0001",
        "object": "event",
        "api_version": "2024-06-20",
        "created": NOW - 5,
        "data": data,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": kind,
    }
    return json.dumps(envelope, indent=2).encode()


def payload_fields(payload: bytes) -> dict[str, str]:
    try:
        return {"payload": payload.decode("utf-8")}
    except UnicodeDecodeError:
        return {"payload_base64": base64.b64encode(payload).decode()}


def stripe_case(
    name: str,
    payload: bytes,
    header: str,
    secrets: list[str],
    expect: dict[str, Any],
    *,
    tolerance: int = 300,
    now: int = NOW,
) -> dict[str, Any]:
    return {
        "name": name,
        **payload_fields(payload),
        "header": header,
        "secrets": secrets,
        "tolerance": tolerance,
        "now": now,
        "expect": expect,
    }


def ok(t: int) -> dict[str, Any]:
    return {"timestamp": t}


def err(code: str) -> dict[str, Any]:
    return {"error": code}


def stripe_cases() -> list[dict[str, Any]]:
    body = json.dumps({"id": "evt_1", "object": "event", "type": "invoice.paid"}).encode()
    good = stripe_header(body, SECRET, NOW)
    sig = stripe_sig(body, SECRET, NOW)
    other = "5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"
    unicode_body = json.dumps({"name": "Zoë Ærøskøbing 東京 🚀"}, ensure_ascii=False).encode()
    binary_body = b"\xff\xfe\x00binary\x80"
    huge = good + "," + ",".join(f"v0={other}" for _ in range(130))
    c = stripe_case
    return [
        c("valid", body, good, [SECRET], ok(NOW)),
        c("valid_at_the_tolerance_edge", body, good, [SECRET], ok(NOW), now=NOW + 300),
        c(
            "expired_one_second_past_tolerance",
            body,
            good,
            [SECRET],
            err("TIMESTAMP_OUTSIDE_TOLERANCE"),
            now=NOW + 301,
        ),
        c(
            "expired_by_an_hour",
            body,
            good,
            [SECRET],
            err("TIMESTAMP_OUTSIDE_TOLERANCE"),
            now=NOW + 3600,
        ),
        c("future_within_tolerance", body, good, [SECRET], ok(NOW), now=NOW - 120),
        c(
            "future_beyond_tolerance",
            body,
            good,
            [SECRET],
            err("TIMESTAMP_OUTSIDE_TOLERANCE"),
            now=NOW - 301,
        ),
        c(
            "tolerance_zero_accepts_an_old_timestamp",
            body,
            good,
            [SECRET],
            ok(NOW),
            tolerance=0,
            now=NOW + 10**7,
        ),
        c(
            "tolerance_zero_still_rejects_a_tampered_body",
            body + b" ",
            good,
            [SECRET],
            err("SIGNATURE_MISMATCH"),
            tolerance=0,
        ),
        c("rotated_secret_new_first", body, good, [SECRET, OLD_SECRET], ok(NOW)),
        c("rotated_secret_old_first", body, good, [OLD_SECRET, SECRET], ok(NOW)),
        c(
            "signed_with_the_old_secret_during_rotation",
            body,
            stripe_header(body, OLD_SECRET, NOW),
            [SECRET, OLD_SECRET],
            ok(NOW),
        ),
        c("several_v1_one_valid", body, f"t={NOW},v1={other},v1={sig}", [SECRET], ok(NOW)),
        c("v1_and_v0", body, f"t={NOW},v1={sig},v0={other}", [SECRET], ok(NOW)),
        c("v0_only", body, f"t={NOW},v0={sig}", [SECRET], err("NO_SIGNATURE_FOR_SCHEME")),
        c("timestamp_only", body, f"t={NOW}", [SECRET], err("NO_SIGNATURE_FOR_SCHEME")),
        c(
            "tampered_body",
            body.replace(b"invoice.paid", b"invoice.void"),
            good,
            [SECRET],
            err("SIGNATURE_MISMATCH"),
        ),
        c(
            "tampered_and_expired_reports_the_mismatch",
            body + b"x",
            good,
            [SECRET],
            err("SIGNATURE_MISMATCH"),
            now=NOW + 3600,
        ),
        c("wrong_secret", body, good, ["whsec_wrong"], err("SIGNATURE_MISMATCH")),
        c(
            "timestamp_changed_after_signing",
            body,
            f"t={NOW + 1},v1={sig}",
            [SECRET],
            err("SIGNATURE_MISMATCH"),
        ),
        c("v1_not_hex", body, f"t={NOW},v1=not-a-signature", [SECRET], err("SIGNATURE_MISMATCH")),
        c(
            "v1_uppercase_hex",
            body,
            f"t={NOW},v1={sig.upper()}",
            [SECRET],
            err("SIGNATURE_MISMATCH"),
        ),
        c("v1_truncated", body, f"t={NOW},v1={sig[:-2]}", [SECRET], err("SIGNATURE_MISMATCH")),
        c(
            "zero_padded_timestamp_is_canonicalised",
            body,
            f"t=000{NOW},v1={sig}",
            [SECRET],
            ok(NOW),
        ),
        c("spaces_around_elements_are_allowed", body, f"t={NOW}, v1={sig}", [SECRET], ok(NOW)),
        c("missing_timestamp", body, f"v1={sig}", [SECRET], err("MALFORMED_HEADER")),
        c("non_integer_timestamp", body, f"t=abc,v1={sig}", [SECRET], err("MALFORMED_HEADER")),
        c("negative_timestamp", body, f"t=-{NOW},v1={sig}", [SECRET], err("MALFORMED_HEADER")),
        c("fractional_timestamp", body, f"t={NOW}.5,v1={sig}", [SECRET], err("MALFORMED_HEADER")),
        c(
            "timestamp_too_large",
            body,
            f"t=99999999999999999999,v1={sig}",
            [SECRET],
            err("MALFORMED_HEADER"),
        ),
        c(
            "duplicate_timestamp",
            body,
            f"t={NOW},t={NOW},v1={sig}",
            [SECRET],
            err("MALFORMED_HEADER"),
        ),
        c("element_without_equals", body, f"t={NOW},v1{sig}", [SECRET], err("MALFORMED_HEADER")),
        c("empty_key", body, f"t={NOW},={sig}", [SECRET], err("MALFORMED_HEADER")),
        c("trailing_comma", body, good + ",", [SECRET], err("MALFORMED_HEADER")),
        c("empty_header", body, "", [SECRET], err("MALFORMED_HEADER")),
        c("garbage_header", body, "\u0000\u00ff;;==,,", [SECRET], err("MALFORMED_HEADER")),
        c("empty_payload", b"", stripe_header(b"", SECRET, NOW), [SECRET], ok(NOW)),
        c(
            "unicode_payload",
            unicode_body,
            stripe_header(unicode_body, SECRET, NOW),
            [SECRET],
            ok(NOW),
        ),
        c(
            "non_utf8_payload",
            binary_body,
            stripe_header(binary_body, SECRET, NOW),
            [SECRET],
            ok(NOW),
        ),
        c(
            "header_just_under_the_limit",
            body,
            (good + "," + "x=" + "a" * 8192)[:8192],
            [SECRET],
            ok(NOW),
        ),
        c("huge_header", body, huge, [SECRET], err("HEADER_TOO_LARGE")),
        c("empty_secret", body, good, [""], err("EMPTY_SECRET")),
        c("empty_secret_beside_a_good_one", body, good, [SECRET, ""], err("EMPTY_SECRET")),
        c("no_secrets", body, good, [], err("EMPTY_SECRET")),
    ]


def sign_cases() -> list[dict[str, Any]]:
    out = []
    for name, payload, t in [
        ("json_body", b'{"id":"evt_1"}', NOW),
        ("empty_body", b"", NOW),
        ("unicode_body", "café ☕".encode(), 1),
        ("zero_timestamp", b"x", 0),
    ]:
        out.append(
            {
                "name": name,
                **payload_fields(payload),
                "secret": SECRET,
                "timestamp": t,
                "header": stripe_header(payload, SECRET, t),
            }
        )
    return out


def std_case(
    name: str,
    payload: bytes,
    headers: dict[str, str],
    secrets: list[str],
    expect: dict[str, Any],
    *,
    tolerance: int = 300,
    now: int = NOW,
) -> dict[str, Any]:
    return {
        "name": name,
        **payload_fields(payload),
        "headers": headers,
        "secrets": secrets,
        "tolerance": tolerance,
        "now": now,
        "expect": expect,
    }


def standard_cases() -> list[dict[str, Any]]:
    body = b'{"type":"invoice.paid","data":{"id":"in_1"}}'
    msg = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
    sig = std_sig(msg, NOW, body, STD_SECRET)

    def h(sig: str = sig, msg_id: str = msg, ts: str = str(NOW)) -> dict[str, str]:
        return {"webhook-id": msg_id, "webhook-timestamp": ts, "webhook-signature": sig}

    c = std_case
    return [
        c("valid", body, h(), [STD_SECRET], ok(NOW)),
        c(
            "header_names_are_case_insensitive",
            body,
            {"Webhook-Id": msg, "WEBHOOK-TIMESTAMP": str(NOW), "Webhook-Signature": sig},
            [STD_SECRET],
            ok(NOW),
        ),
        c("rotated_secrets", body, h(), [STD_OTHER, STD_SECRET], ok(NOW)),
        c(
            "several_signatures_one_valid",
            body,
            h(f"v1,{std_sig(msg, NOW, body, STD_OTHER)[3:]} {sig}"),
            [STD_SECRET],
            ok(NOW),
        ),
        c("other_versions_are_ignored", body, h(f"v1a,AAAA {sig}"), [STD_SECRET], ok(NOW)),
        c(
            "only_other_versions",
            body,
            h("v1a,AAAA v2,BBBB"),
            [STD_SECRET],
            err("NO_SIGNATURE_FOR_SCHEME"),
        ),
        c("signature_without_version", body, h("AAAA"), [STD_SECRET], err("MALFORMED_HEADER")),
        c("secret_without_prefix", body, h(), [STD_SECRET.removeprefix("whsec_")], ok(NOW)),
        c("tampered_body", body + b" ", h(), [STD_SECRET], err("SIGNATURE_MISMATCH")),
        c("tampered_id", body, h(msg_id="msg_other"), [STD_SECRET], err("SIGNATURE_MISMATCH")),
        c("wrong_secret", body, h(), [STD_OTHER], err("SIGNATURE_MISMATCH")),
        c("expired", body, h(), [STD_SECRET], err("TIMESTAMP_OUTSIDE_TOLERANCE"), now=NOW + 301),
        c("future", body, h(), [STD_SECRET], err("TIMESTAMP_OUTSIDE_TOLERANCE"), now=NOW - 301),
        c("tolerance_zero", body, h(), [STD_SECRET], ok(NOW), tolerance=0, now=NOW + 10**6),
        c("non_integer_timestamp", body, h(ts="soon"), [STD_SECRET], err("MALFORMED_HEADER")),
        c(
            "missing_id",
            body,
            {"webhook-timestamp": str(NOW), "webhook-signature": sig},
            [STD_SECRET],
            err("MISSING_HEADER"),
        ),
        c(
            "missing_signature",
            body,
            {"webhook-id": msg, "webhook-timestamp": str(NOW)},
            [STD_SECRET],
            err("MISSING_HEADER"),
        ),
        c("secret_not_base64", body, h(), ["whsec_%%%not-base64%%%"], err("INVALID_SECRET")),
        c("empty_secret", body, h(), [""], err("EMPTY_SECRET")),
    ]


def standard_sign_cases() -> list[dict[str, Any]]:
    return [
        {
            "name": "reference_example",
            "msg_id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "timestamp": 1614265330,
            "payload": '{"test": 2432232314}',
            "secret": STD_SECRET,
            "signature": std_sig(
                "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}', STD_SECRET
            ),
        },
        {
            "name": "unicode_body",
            "msg_id": "msg_1",
            "timestamp": NOW,
            "payload": "ünïcødé",
            "secret": STD_OTHER,
            "signature": std_sig("msg_1", NOW, "ünïcødé".encode(), STD_OTHER),
        },
    ]


def load(name: str) -> dict[str, Any]:
    obj: dict[str, Any] = json.loads((SAMPLES / name).read_text())
    return obj


def event_case(
    name: str, payload: bytes, expect: dict[str, Any], *, header: str | None = None
) -> dict[str, Any]:
    return {
        "name": name,
        **payload_fields(payload),
        "header": header if header is not None else stripe_header(payload, SECRET, NOW),
        "secrets": [SECRET],
        "tolerance": 300,
        "now": NOW,
        "expect": expect,
    }


def event_expect(payload: bytes, known: bool) -> dict[str, Any]:
    env = json.loads(payload)
    return {
        "id": env["id"],
        "type": env["type"],
        "known_type": known,
        "created": env["created"],
        "livemode": env["livemode"],
        "api_version": env.get("api_version"),
        "object_id": env["data"]["object"].get("id"),
        "previous_attributes": env["data"].get("previous_attributes"),
    }


def event_cases() -> list[dict[str, Any]]:
    sub = load("stripe_subscription.json")
    sub_updated = event_payload("customer.subscription.updated", sub, {"status": "trialing"})
    invoice_paid = event_payload("invoice.paid", load("stripe_invoice.json"))
    pi_failed = event_payload("payment_intent.payment_failed", load("stripe_payment_intent.json"))
    pm_attached = event_payload("payment_method.attached", load("stripe_payment_method.json"))
    customer_deleted = event_payload("customer.deleted", load("stripe_customer.json"))
    plan_created = event_payload("plan.created", {"id": "price_1", "object": "plan"})
    no_object = json.dumps(
        {"id": "evt_1", "type": "invoice.paid", "created": NOW, "livemode": False, "data": {}}
    ).encode()
    created_str = sub_updated.replace(
        f'"created": {NOW - 5}'.encode(), b'"created": "yesterday"', 1
    )
    no_type = json.dumps(
        {"id": "evt_1", "created": NOW, "livemode": False, "data": {"object": {}}}
    ).encode()
    return [
        event_case(
            "subscription_updated_with_previous_attributes",
            sub_updated,
            event_expect(sub_updated, True),
        ),
        event_case("invoice_paid", invoice_paid, event_expect(invoice_paid, True)),
        event_case("payment_intent_payment_failed", pi_failed, event_expect(pi_failed, True)),
        event_case("payment_method_attached", pm_attached, event_expect(pm_attached, True)),
        event_case("customer_deleted", customer_deleted, event_expect(customer_deleted, True)),
        event_case(
            "unknown_type_is_other_not_an_error", plan_created, event_expect(plan_created, False)
        ),
        event_case(
            "tampered_event_is_rejected_before_parsing",
            invoice_paid + b" ",
            err("SIGNATURE_MISMATCH"),
            header=stripe_header(invoice_paid, SECRET, NOW),
        ),
        event_case("missing_data_object", no_object, err("EVENT_MISSING_FIELD")),
        event_case("missing_type", no_type, err("EVENT_MISSING_FIELD")),
        event_case("created_is_a_string", created_str, err("EVENT_WRONG_TYPE")),
        event_case("array_instead_of_object", b"[1, 2, 3]", err("EVENT_WRONG_TYPE")),
        event_case("invalid_json", b'{"id": "evt_1", "type": ', err("EVENT_INVALID_JSON")),
        event_case("non_utf8_json", b'{"id": "\xff"}', err("EVENT_INVALID_JSON")),
    ]


def main() -> None:
    vectors = {
        "description": "Shared webhook cases run by the Rust, C, Python and Go suites. "
        "Generated by "
        "generate_webhook.py with Python's hmac module; do not edit by hand. A case's payload is "
        "`payload` (UTF-8 text) or `payload_base64` (raw bytes). `expect` is either "
        '{"timestamp": n} or {"error": CODE} with CODE an ErrorCode name.',
        "stripe_verify": stripe_cases(),
        "stripe_sign": sign_cases(),
        "standard_verify": standard_cases(),
        "standard_sign": standard_sign_cases(),
        "construct_event": event_cases(),
    }
    out = Path(__file__).with_name("webhook.json")
    out.write_text(json.dumps(vectors, indent=2, ensure_ascii=False) + "\n")
    total = sum(len(v) for v in vectors.values() if isinstance(v, list))
    print(f"wrote {out} with {total} cases")


if __name__ == "__main__":
    main()
