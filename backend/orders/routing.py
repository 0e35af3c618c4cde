"""Smart routing (智能分单): which store fills an online order.

Every open candidate store (stores for same-city delivery, within their radius; stores and warehouses
for shipping) gets a score from HQ's weights: the share of the order's units it has in stock, how
close it is to the shopper, and how busy its pickers are (open picking tasks per picker). A store that
can fill every line wins by score. Only when none can is the order split, greedily: each round takes
the store that covers the most remaining units (score breaks ties), so as few stores as possible
are used. Every decision is stored with all candidates and their scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.geo import haversine_m
from backend.orders import repository as repo
from backend.orders.errors import NotDeliverable
from backend.orders.models import RoutingConfig, RoutingDecision
from backend.stores.models import Store
from backend.stores.service import delivery_fee

PICKER_ROLES = frozenset({"picker"})


@dataclass
class Route:
    strategy: str
    # store_id -> [(sku_id, qty)]
    assignments: dict[int, list[tuple[int, int]]]
    stores: dict[int, Store]
    distances: dict[int, float | None]
    candidates: list[dict[str, Any]]
    weights: dict[str, Any]

    def save(self, session: AsyncSession, order_id: int) -> RoutingDecision:
        decision = RoutingDecision(
            order_id=order_id,
            strategy=self.strategy,
            store_ids=list(self.assignments),
            candidates=self.candidates,
            weights=self.weights,
        )
        session.add(decision)
        return decision


def weights_of(config: RoutingConfig) -> dict[str, Any]:
    return {
        "stock": config.weight_stock,
        "distance": config.weight_distance,
        "load": config.weight_load,
        "max_distance_m": config.max_distance_m,
    }


async def route(
    session: AsyncSession,
    lines: list[tuple[int, int]],
    fulfilment: str,
    latitude: float | None,
    longitude: float | None,
) -> Route:
    config = await repo.routing_config(session)
    weights = weights_of(config)
    kinds = ("store",) if fulfilment == "delivery" else ("store", "warehouse")
    stores = await repo.routable_stores(session, kinds)
    distances: dict[int, float | None] = {}
    eligible: list[Store] = []
    excluded: list[dict[str, Any]] = []
    for store in stores:
        distance = (
            None
            if latitude is None or longitude is None
            else haversine_m(latitude, longitude, store.latitude, store.longitude)
        )
        distances[store.id] = distance
        if fulfilment == "delivery" and (distance is None or delivery_fee(store, distance) is None):
            excluded.append(
                {
                    "store_id": store.id,
                    "code": store.code,
                    "name_zh": store.name_zh,
                    "distance_m": None if distance is None else round(distance),
                    "eligible": False,
                    "reason": "outside delivery area",
                }
            )
            continue
        eligible.append(store)
    ids = [s.id for s in eligible]
    stock = await repo.availability(session, ids, [sku for sku, _ in lines])
    tasks = await repo.open_tasks_by_store(session, ids)
    staff = await repo.staff_roles_by_store(session, ids)
    needed = sum(qty for _, qty in lines)
    total_weight = max(1, config.weight_stock + config.weight_distance + config.weight_load)
    candidates: list[dict[str, Any]] = []
    for store in eligible:
        covered = sum(min(qty, max(0, stock.get((store.id, sku), 0))) for sku, qty in lines)
        fill = covered / needed if needed else 0.0
        distance = distances[store.id]
        distance_score = 0.5 if distance is None else max(0.0, 1 - distance / max(1, config.max_distance_m))
        pickers = sum(1 for roles in staff.get(store.id, []) if PICKER_ROLES.intersection(roles))
        open_tasks = tasks.get(store.id, 0)
        load = open_tasks / max(1, pickers)
        load_score = 1 / (1 + load)
        score = (
            config.weight_stock * fill
            + config.weight_distance * distance_score
            + config.weight_load * load_score
        ) / total_weight
        candidates.append(
            {
                "store_id": store.id,
                "code": store.code,
                "name_zh": store.name_zh,
                "kind": store.kind,
                "eligible": True,
                "distance_m": None if distance is None else round(distance),
                "can_fill_all": all(stock.get((store.id, sku), 0) >= qty for sku, qty in lines),
                "units_available": covered,
                "units_needed": needed,
                "open_tasks": open_tasks,
                "pickers": pickers,
                "scores": {
                    "stock": round(fill, 4),
                    "distance": round(distance_score, 4),
                    "load": round(load_score, 4),
                },
                "score": round(score, 6),
            }
        )
    candidates.sort(key=lambda c: (-c["score"], c["store_id"]))
    by_id = {s.id: s for s in eligible}
    full = [c for c in candidates if c["can_fill_all"]]
    if full:
        best = full[0]
        best["chosen"] = True
        best["reason"] = "fills every line with the best score"
        return Route(
            "single", {best["store_id"]: list(lines)}, by_id, distances, candidates + excluded, weights
        )
    remaining = {sku: qty for sku, qty in lines}
    left = {
        (c["store_id"], sku): max(0, stock.get((c["store_id"], sku), 0))
        for c in candidates
        for sku in remaining
    }
    assignments: dict[int, list[tuple[int, int]]] = {}
    while any(remaining.values()):

        def cover(c: dict[str, Any]) -> int:
            return sum(min(q, left[(c["store_id"], sku)]) for sku, q in remaining.items())

        pool = [c for c in candidates if c["store_id"] not in assignments and cover(c) > 0]
        if not pool:
            short = [{"sku_id": sku, "quantity": q} for sku, q in remaining.items() if q]
            raise NotDeliverable(
                "没有门店能满足此订单 / No store (or set of stores) has enough stock for this order.",
                detail={"missing": short, "candidates": candidates + excluded},
            )
        best = max(pool, key=lambda c: (cover(c), c["score"], -c["store_id"]))
        take: list[tuple[int, int]] = []
        for sku, q in remaining.items():
            n = min(q, left[(best["store_id"], sku)])
            if n:
                take.append((sku, n))
                remaining[sku] = q - n
        assignments[best["store_id"]] = take
        best["chosen"] = True
        best["reason"] = (
            f"split round {len(assignments)}: covers {sum(n for _, n in take)} of the remaining units"
        )
    return Route("split", assignments, by_id, distances, candidates + excluded, weights)
