"""Smart transfers (智能调拨): move stock from stores with surplus or near-expiry stock to stores that
will run short before their next delivery, where the margin saved (and write-off avoided) beats the cost
of moving it."""

from __future__ import annotations

from dataclasses import dataclass

# Moving stock between stores: a fixed cost per transfer line and a handling cost per unit (fen).
FIXED_COST = 800
UNIT_COST = 30


@dataclass(frozen=True)
class Position:
    store_id: int
    available: int
    # stock needed to last until the next delivery (reorder point) and the level above which it is surplus
    need: int
    keep: int
    # units that will expire before they can be sold here (near-expiry), from the batches
    expiring_unsold: int = 0


@dataclass(frozen=True)
class Move:
    sku_id: int
    from_store_id: int
    to_store_id: int
    quantity: int
    benefit: int
    cost: int
    reason: str


def plan_transfers(
    sku_id: int,
    positions: list[Position],
    unit_margin: int,
    unit_cost_price: int,
    *,
    fixed_cost: int = FIXED_COST,
    unit_cost: int = UNIT_COST,
) -> list[Move]:
    """Greedy matching of the largest surplus to the largest shortage, kept only when worth it."""
    surplus = {
        p.store_id: max(p.available - p.keep, 0, min(p.expiring_unsold, p.available)) for p in positions
    }
    expiring = {p.store_id: min(p.expiring_unsold, p.available) for p in positions}
    short = {p.store_id: p.need - p.available for p in positions if p.available < p.need}
    moves: list[Move] = []
    for to_store, gap in sorted(short.items(), key=lambda kv: -kv[1]):
        for from_store in sorted(surplus, key=lambda s: -surplus[s]):
            if gap <= 0:
                break
            if from_store == to_store or surplus[from_store] <= 0:
                continue
            qty = min(gap, surplus[from_store])
            saved_writeoff = min(qty, expiring[from_store]) * unit_cost_price
            benefit = qty * unit_margin + saved_writeoff
            cost = fixed_cost + qty * unit_cost
            if benefit <= cost:
                continue
            why = "临期" if saved_writeoff else "富余"
            moves.append(
                Move(
                    sku_id,
                    from_store,
                    to_store,
                    qty,
                    benefit,
                    cost,
                    f"{why} stock at store {from_store} covers a shortfall of {gap} at store {to_store}",
                )
            )
            surplus[from_store] -= qty
            expiring[from_store] = max(expiring[from_store] - qty, 0)
            gap -= qty
    return moves
