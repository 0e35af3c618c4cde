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


# --- in-store (variable measure) codes ---
#
# Scales print EAN-13 labels in the GS1 in-store range (prefixes 20-29). The layout used here is
# ``2F IIIII VVVVV C``: ``2F`` the prefix, ``IIIII`` the scale's item number (PLU), ``VVVVV`` the
# embedded value and ``C`` the EAN-13 check digit. Prefixes 20-24 embed the price in fen (up to
# 999.99 yuan); 25-29 embed the net weight in grams (up to 99.999 kg). The item's own barcode, the one
# registered in the catalog, is the same code with the value zeroed (and its check digit recomputed).

PRICE_PREFIXES = frozenset("01234")
WEIGHT_PREFIXES = frozenset("56789")


class InStoreCode:
    """A decoded scale label: what it embeds (``price`` in fen or ``weight`` in grams) and the item."""

    __slots__ = ("code", "prefix", "item", "kind", "value")

    def __init__(self, code: str, prefix: str, item: str, kind: str, value: int) -> None:
        self.code, self.prefix, self.item, self.kind, self.value = code, prefix, item, kind, value

    @property
    def item_code(self) -> str:
        """The item's barcode as registered in the catalog: the value zeroed, the check digit redone."""
        return make_in_store(self.prefix, self.item, 0)

    @property
    def price(self) -> int | None:
        return self.value if self.kind == "price" else None

    @property
    def weight_g(self) -> int | None:
        return self.value if self.kind == "weight" else None

    def __repr__(self) -> str:
        return f"InStoreCode({self.code!r}, item={self.item}, {self.kind}={self.value})"


def make_in_store(prefix: str, item: str | int, value: int) -> str:
    """Build a scale label: ``prefix`` "20".."29", a 5-digit item number and the value (fen or grams)."""
    if len(prefix) != 2 or prefix[0] != "2" or not prefix[1].isdigit():
        raise ValueError("in-store prefixes are 20 to 29")
    item = str(item).zfill(5)
    if len(item) != 5 or not item.isdigit():
        raise ValueError("the item number is 5 digits")
    if not 0 <= value <= 99_999:
        raise ValueError("the embedded value is 0 to 99999")
    body = f"{prefix}{item}{value:05d}"
    return body + str(check_digit(body))


def parse_in_store(code: str) -> InStoreCode | None:
    """The embedded price or weight of a valid in-store EAN-13 (prefix 20-29), else None."""
    if len(code) != 13 or code[0] != "2" or not is_valid_gtin(code):
        return None
    kind = "price" if code[1] in PRICE_PREFIXES else "weight"
    return InStoreCode(code, code[:2], code[2:7], kind, int(code[7:12]))
