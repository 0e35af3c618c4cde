"""Scale labels in the GS1 in-store range (2F IIIII VVVVV C): price (20-24) or weight (25-29)."""

from __future__ import annotations

import pytest

from shared.devices.gtin import is_valid_gtin, make_in_store, parse_in_store


def test_weight_and_price_labels_round_trip() -> None:
    weight = make_in_store("25", 42, 523)
    assert len(weight) == 13 and weight.startswith("250004200523") and is_valid_gtin(weight)
    label = parse_in_store(weight)
    assert label is not None and label.kind == "weight" and label.weight_g == 523 and label.price is None
    assert label.item == "00042" and label.item_code == make_in_store("25", 42, 0)
    price = parse_in_store(make_in_store("21", "00043", 1290))
    assert price is not None and price.kind == "price" and price.price == 1290 and price.weight_g is None


def test_other_codes_are_not_scale_labels() -> None:
    good = make_in_store("28", 7, 1500)
    broken = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert parse_in_store(broken) is None
    assert parse_in_store("6901234567892") is None
    assert parse_in_store("2500042") is None
    with pytest.raises(ValueError):
        make_in_store("30", 1, 1)
    with pytest.raises(ValueError):
        make_in_store("25", 1, 100_000)
