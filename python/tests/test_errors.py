"""The exception hierarchy and the ErrorCode table shared with the Rust core."""

from __future__ import annotations

import pickle
from importlib.metadata import version

import pytest
from conftest import NOW, SECRET

import cognition_core
from cognition_core import (
    CognitionError,
    ErrorCode,
    EventParseError,
    InvalidArgumentError,
    SignatureVerificationError,
    _native,
)
from cognition_core._errors import _new_error


def test_error_code_enum_matches_the_native_table() -> None:
    assert {code.name: code.value for code in ErrorCode} == _native.error_codes()


@pytest.mark.parametrize("code", [c for c in ErrorCode if 100 <= c <= 199], ids=lambda c: c.name)
def test_webhook_family_codes_raise_signature_verification_error(code: ErrorCode) -> None:
    err = _new_error(code, "message")
    assert isinstance(err, SignatureVerificationError)
    assert err.code is code


@pytest.mark.parametrize("code", [c for c in ErrorCode if 150 <= c <= 199], ids=lambda c: c.name)
def test_event_parse_codes_raise_event_parse_error_that_is_a_value_error(code: ErrorCode) -> None:
    err = _new_error(code, "message")
    assert isinstance(err, EventParseError)
    assert isinstance(err, ValueError)


def test_invalid_argument_is_a_value_error_with_a_code() -> None:
    with pytest.raises(ValueError, match="tolerance") as info:
        cognition_core.verify_webhook(b"{}", "t=1,v1=00", SECRET, tolerance=-1, now=NOW)
    assert isinstance(info.value, InvalidArgumentError)
    assert info.value.code is ErrorCode.INVALID_ARGUMENT


def test_negative_sign_timestamp_is_an_invalid_argument() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        cognition_core.sign_webhook(b"{}", SECRET, timestamp=-1)
    assert info.value.code is ErrorCode.INVALID_ARGUMENT


def test_too_many_secrets_is_an_invalid_argument() -> None:
    secrets = [f"whsec_{i}" for i in range(cognition_core.MAX_SECRETS + 1)]
    with pytest.raises(InvalidArgumentError, match="secrets"):
        cognition_core.verify_webhook(b"{}", "t=1,v1=00", secrets, now=NOW)


def test_error_carries_code_and_message() -> None:
    header = cognition_core.sign_webhook(b"{}", SECRET, timestamp=NOW)
    with pytest.raises(SignatureVerificationError) as info:
        cognition_core.verify_webhook(b"{ }", header, SECRET, now=NOW)
    assert info.value.code is ErrorCode.SIGNATURE_MISMATCH
    assert info.value.message == str(info.value)
    assert "SIGNATURE_MISMATCH" in repr(info.value)


def test_errors_survive_pickling() -> None:
    err = _new_error(ErrorCode.TIMESTAMP_OUTSIDE_TOLERANCE, "too old")
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is SignatureVerificationError
    assert (copy.code, copy.message) == (err.code, err.message)


def test_every_error_is_a_cognition_error() -> None:
    for code in ErrorCode:
        assert isinstance(_new_error(code, "m"), CognitionError)


def test_version_matches_the_installed_distribution() -> None:
    assert cognition_core.__version__ == version("cognition-core")
