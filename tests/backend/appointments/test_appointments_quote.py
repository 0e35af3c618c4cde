"""Area pricing written out: what the spec covers, each extra m², each started 10 m², and the limits."""

from __future__ import annotations

import pytest

from backend.appointments.errors import AreaOutOfRange, AreaRequired
from backend.appointments.models import ServiceOffering
from backend.appointments.quote import quote


def offering(**fields) -> ServiceOffering:  # type: ignore[no-untyped-def]
    base = {
        "duration_min": 240,
        "included_m2": None,
        "max_m2": None,
        "price_per_m2": 0,
        "minutes_per_10m2": 0,
    }
    return ServiceOffering(**(base | fields))


def test_a_spec_priced_service_ignores_the_area():
    assert quote(offering(), 9900, None) == quote(offering(), 9900, 500)
    assert quote(offering(), 9900, None).price == 9900 and quote(offering(), 9900, None).duration_min == 240


def test_a_spec_with_a_ceiling_refuses_bigger_homes_even_without_area_pricing():
    with pytest.raises(AreaOutOfRange):
        quote(offering(max_m2=90), 9900, 91)
    assert quote(offering(max_m2=90), 9900, 90).price == 9900


def test_the_included_area_costs_nothing_extra():
    deep = offering(included_m2=90, max_m2=140, price_per_m2=400, minutes_per_10m2=20)
    assert (quote(deep, 39900, 60).price, quote(deep, 39900, 90).duration_min) == (39900, 240)


def test_each_extra_m2_adds_its_price_and_each_started_ten_adds_minutes():
    deep = offering(included_m2=90, max_m2=140, price_per_m2=400, minutes_per_10m2=20)
    one = quote(deep, 39900, 91)
    assert (one.price, one.duration_min, one.extra_m2) == (40300, 260, 1)
    ten = quote(deep, 39900, 100)
    assert (ten.price, ten.duration_min) == (43900, 260)
    eleven = quote(deep, 39900, 101)
    assert (eleven.price, eleven.duration_min) == (44300, 280)
    top = quote(deep, 39900, 140)
    assert (top.price, top.duration_min) == (59900, 340)


def test_area_priced_specs_need_the_area_and_stop_at_their_ceiling():
    deep = offering(included_m2=90, max_m2=140, price_per_m2=400, minutes_per_10m2=20)
    with pytest.raises(AreaRequired):
        quote(deep, 39900, None)
    with pytest.raises(AreaOutOfRange) as too_big:
        quote(deep, 39900, 141)
    assert too_big.value.detail == {"area_m2": 141, "max_m2": 140}
