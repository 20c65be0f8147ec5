"""The events API's e-mail check: its fast path for plain addresses agrees with email-validator."""

import pytest
from email_validator import EmailNotValidError
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import EmailStr, TypeAdapter, ValidationError

from app.api.schemas import email_address

REFERENCE = TypeAdapter(EmailStr)
PIECES = ["a", "Z", "9", ".", "-", "_", "+", "@", "..", "xn--", "com", "test", "local", "例", " "]


def reference(value):
    try:
        return REFERENCE.validate_python(value)
    except ValidationError:
        return None


def ours(value):
    try:
        return email_address(value)
    except EmailNotValidError:
        return None


@settings(max_examples=400, deadline=None)
@given(st.emails() | st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_every_address_is_judged_and_normalised_as_email_validator_does(value):
    assert ours(value) == reference(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mei.Chen@Example.COM", "Mei.Chen@example.com"),
        ("用户@例子.中国", "用户@例子.中国"),
        ("x@xn--fsq.com", "x@例.com"),
        ("a..b@bank.com", None),
        ("teller@branch.local", None),
        ("a@" + "b" * 250 + ".com", None),
    ],
)
def test_plain_international_and_wrong_addresses(value, expected):
    assert ours(value) == expected
