"""What a service costs and how long it takes: by its spec (the SKU) and, when priced by area, the area."""

from __future__ import annotations

from dataclasses import dataclass

from backend.appointments.errors import AreaOutOfRange, AreaRequired
from backend.appointments.models import ServiceOffering


@dataclass(frozen=True, slots=True)
class ServiceQuote:
    price: int
    duration_min: int
    extra_m2: int = 0


def quote(offering: ServiceOffering, unit_price: int, area_m2: int | None) -> ServiceQuote:
    """The SKU's price covers the offering's ``included_m2``; each m² above adds ``price_per_m2`` fen and each
    started 10 m² above adds ``minutes_per_10m2`` minutes. Services without area pricing ignore the area."""
    if offering.included_m2 is None:
        if area_m2 is not None and offering.max_m2 is not None and area_m2 > offering.max_m2:
            raise AreaOutOfRange(detail={"area_m2": area_m2, "max_m2": offering.max_m2})
        return ServiceQuote(price=unit_price, duration_min=offering.duration_min)
    if area_m2 is None:
        raise AreaRequired(detail={"included_m2": offering.included_m2, "max_m2": offering.max_m2})
    if offering.max_m2 is not None and area_m2 > offering.max_m2:
        raise AreaOutOfRange(detail={"area_m2": area_m2, "max_m2": offering.max_m2})
    extra = max(0, area_m2 - offering.included_m2)
    tens = -(-extra // 10)
    return ServiceQuote(
        price=unit_price + extra * offering.price_per_m2,
        duration_min=offering.duration_min + tens * offering.minutes_per_10m2,
        extra_m2=extra,
    )
