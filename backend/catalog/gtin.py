"""Retail barcodes: GS1 check digits and symbology detection for EAN-13, EAN-8 and UPC-A."""

from __future__ import annotations

from enum import StrEnum


class Symbology(StrEnum):
    EAN13 = "ean13"
    EAN8 = "ean8"
    UPCA = "upca"


LENGTHS = {13: Symbology.EAN13, 8: Symbology.EAN8, 12: Symbology.UPCA}
LABELS = {Symbology.EAN13: "EAN-13", Symbology.EAN8: "EAN-8", Symbology.UPCA: "UPC-A"}


class InvalidGtin(ValueError):
    """Why a code is not a valid barcode; ``reason`` is a short machine code, the message says more."""

    def __init__(self, reason: str, message: str, expected_check_digit: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.expected_check_digit = expected_check_digit


def check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for the digits before it (weights 3,1,3,... from the right)."""
    total = sum(int(ch) * (3 if i % 2 == 0 else 1) for i, ch in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def validate(code: str) -> Symbology:
    """The symbology of ``code``, or ``InvalidGtin`` saying what is wrong with it."""
    if not code.isascii() or not code.isdigit():
        raise InvalidGtin("not_digits", "A barcode is made of digits only.")
    symbology = LENGTHS.get(len(code))
    if symbology is None:
        raise InvalidGtin(
            "bad_length", f"A barcode has 8 (EAN-8), 12 (UPC-A) or 13 (EAN-13) digits, not {len(code)}."
        )
    expected = check_digit(code[:-1])
    if int(code[-1]) != expected:
        raise InvalidGtin(
            "bad_check_digit",
            f"Wrong check digit for {LABELS[symbology]}: the last digit should be {expected}, "
            f"not {code[-1]}.",
            expected,
        )
    return symbology
