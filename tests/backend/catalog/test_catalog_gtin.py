"""GS1 check digits: known codes, every wrong last digit refused, symbology by length."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.catalog.gtin import InvalidGtin, check_digit, validate

KNOWN = [
    ("4006381333931", "ean13"),
    ("6901234567892", "ean13"),
    ("9780306406157", "ean13"),
    ("73513537", "ean8"),
    ("96385074", "ean8"),
    ("036000291452", "upca"),
    ("012345678905", "upca"),
]


@pytest.mark.parametrize(("code", "symbology"), KNOWN)
def test_known_codes(code, symbology):
    assert validate(code).value == symbology


@given(st.sampled_from([7, 11, 12]).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n)))
def test_only_the_right_check_digit_passes(body):
    right = check_digit(body)
    assert validate(body + str(right))
    for wrong in set(range(10)) - {right}:
        with pytest.raises(InvalidGtin) as info:
            validate(body + str(wrong))
        assert info.value.reason == "bad_check_digit" and info.value.expected_check_digit == right


@given(st.text("0123456789", min_size=12, max_size=12), st.integers(0, 11))
def test_any_single_digit_typo_is_caught(body, position):
    code = body + str(check_digit(body))
    typo = code[:position] + str((int(code[position]) + 1) % 10) + code[position + 1 :]
    with pytest.raises(InvalidGtin):
        validate(typo)
