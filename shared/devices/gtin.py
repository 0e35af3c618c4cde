"""GTIN (EAN-13, EAN-8, UPC-A, UPC-E, GTIN-14) check digits and normalisation."""

from __future__ import annotations

GTIN_LENGTHS = frozenset({8, 12, 13, 14})


def check_digit(body: str) -> int:
    """GS1 mod-10 check digit for the digits before the check digit."""
    if not body.isdigit():
        raise ValueError("GTIN body must be digits")
    total = 0
    for i, ch in enumerate(reversed(body)):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return (10 - total % 10) % 10


def is_valid_gtin(code: str) -> bool:
    """True when ``code`` is 8, 12, 13 or 14 ASCII digits with a correct check digit."""
    if len(code) not in GTIN_LENGTHS or not code.isascii() or not code.isdigit():
        return False
    return check_digit(code[:-1]) == int(code[-1])


def upce_to_upca(code: str) -> str:
    """Expand an 8-digit UPC-E (number system, six digits, check) to its 12-digit UPC-A."""
    if len(code) != 8 or not code.isdigit() or code[0] not in "01":
        raise ValueError("UPC-E must be 8 digits with number system 0 or 1")
    ns, d, check = code[0], code[1:7], code[7]
    last = d[5]
    if last in "012":
        body = d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        body = d[0:3] + "00000" + d[3:5]
    elif last == "4":
        body = d[0:4] + "00000" + d[4]
    else:
        body = d[0:5] + "0000" + last
    return ns + body + check


def is_valid_upce(code: str) -> bool:
    try:
        return is_valid_gtin(upce_to_upca(code))
    except ValueError:
        return False


def to_gtin13(code: str) -> str:
    """Normalise a valid GTIN to 13 digits by GS1 zero padding (GTIN-8 and UPC-A included)."""
    if not is_valid_gtin(code):
        raise ValueError(f"not a valid GTIN: {code!r}")
    if len(code) == 14:
        if code[0] != "0":
            raise ValueError("GTIN-14 with an indicator digit has no GTIN-13 form")
        return code[1:]
    return code.zfill(13)
