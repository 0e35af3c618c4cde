"""Safety stock and reorder points, low-stock and near-expiry (临期) alerts, expiry windows."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core import audit
from backend.core.errors import ValidationFailed
from backend.core.events import emit
from backend.core.time import utcnow
from backend.inventory import repository as repo
from backend.inventory import schemas
from backend.inventory.errors import AlertNotFound
from backend.inventory.models import ExpiryWindow, Stock, StockAlert
from backend.inventory.service import ledger
from backend.inventory.service.documents import check_skus, check_store

# Days before expiry a batch counts as near expiry when neither its category nor a default row says.
DEFAULT_NEAR_EXPIRY_DAYS = 7


def stock_out(row: Stock) -> schemas.Stock:
    return schemas.Stock(
        store_id=row.store_id,
        sku_id=row.sku_id,
        on_hand=row.on_hand,
        reserved=row.reserved,
        available=row.on_hand - row.reserved,
        safety_stock=row.safety_stock,
        reorder_point=row.reorder_point,
        updated_at=row.updated_at,
    )


async def set_levels(
    session: AsyncSession, actor: Principal, store_id: int, sku_id: int, body: schemas.StockUpdate
) -> Stock:
    """Set safety stock and reorder point; raises (or clears) the low-stock alert at once."""
    actor.require_store(store_id)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if not changes:
        raise ValidationFailed("Nothing to change.")
    await check_store(session, store_id)
    await check_skus(session, [sku_id])
    await repo.ensure_stock(session, store_id, sku_id)
    row = await repo.get_stock(session, store_id, sku_id)
    assert row is not None
    before = {key: getattr(row, key) for key in changes}
    for key, value in changes.items():
        setattr(row, key, value)
    await session.flush()
    audit.record(
        session,
        actor,
        "stock.levels",
        "stock",
        f"{store_id}:{sku_id}",
        before=before,
        after=changes,
        store_id=store_id,
    )
    available = row.on_hand - row.reserved
    if row.reorder_point > 0 and available <= row.reorder_point:
        await ledger.raise_low_stock(
            session, store_id, sku_id, available, row.reorder_point, row.safety_stock
        )
    else:
        await repo.close_alerts(session, store_id, sku_id, "low_stock", utcnow())
    emit(session, ledger.topic(store_id), "stock.levels", {"sku_id": sku_id, **changes})
    return row


async def acknowledge(session: AsyncSession, actor: Principal, alert_id: int) -> StockAlert:
    alert = await repo.get_alert(session, alert_id, actor.store_ids)
    if alert is None:
        raise AlertNotFound(detail={"id": alert_id})
    if alert.status == "open":
        alert.status = "acknowledged"
        alert.closed_at = utcnow()
        alert.closed_by = actor.id
        await session.flush()
        emit(
            session,
            ledger.topic(alert.store_id),
            "alert.acknowledged",
            {"alert_id": alert.id, "kind": alert.kind},
        )
    return alert


def window_scope(category_id: int | None) -> str:
    return "default" if category_id is None else f"category:{category_id}"


async def set_window(session: AsyncSession, actor: Principal, body: schemas.ExpiryWindowSet) -> ExpiryWindow:
    scope = window_scope(body.category_id)
    if body.category_id is not None:
        from backend.catalog.models import Category

        if await session.get(Category, body.category_id) is None:
            raise ValidationFailed("Unknown category.", detail={"category_id": body.category_id})
    window = await repo.expiry_window(session, scope)
    before = None if window is None else {"days": window.days}
    if window is None:
        window = ExpiryWindow(scope=scope, category_id=body.category_id, days=body.days)
        session.add(window)
    else:
        window.days = body.days
    await session.flush()
    audit.record(
        session, actor, "expiry_window.set", "expiry_window", scope, before=before, after={"days": body.days}
    )
    return window


async def windows_by_category(session: AsyncSession) -> tuple[int, dict[int, int]]:
    """The default window and each category's own window (inherited from the nearest parent with one)."""
    rows = await repo.expiry_windows(session)
    default = next((w.days for w in rows if w.category_id is None), DEFAULT_NEAR_EXPIRY_DAYS)
    own = {w.category_id: w.days for w in rows if w.category_id is not None}
    parents = await repo.category_parents(session)
    resolved: dict[int, int] = {}
    for category_id in parents:
        node: int | None = category_id
        seen: set[int] = set()
        while node is not None and node not in own and node not in seen:
            seen.add(node)
            node = parents.get(node)
        resolved[category_id] = own[node] if node is not None and node in own else default
    return default, resolved


async def scan_near_expiry(session: AsyncSession, today: date | None = None) -> int:
    """Raise a near-expiry alert (once per batch) for every batch with units inside its window, and
    resolve those whose batch is gone."""
    today = today or utcnow().date()
    await repo.resolve_emptied_batch_alerts(session, utcnow())
    default, windows = await windows_by_category(session)
    horizon = today + timedelta(days=max([default, *windows.values()]))
    raised = 0
    for batch, category_id in await repo.batches_expiring(session, horizon):
        days = windows.get(category_id, default)
        assert batch.expires_on is not None
        if batch.expires_on > today + timedelta(days=days):
            continue
        if await repo.batch_alerted(session, batch.id):
            continue
        detail = {
            "batch_no": batch.batch_no,
            "expires_on": batch.expires_on.isoformat(),
            "days_left": (batch.expires_on - today).days,
            "window_days": days,
        }
        alert = StockAlert(
            store_id=batch.store_id,
            sku_id=batch.sku_id,
            kind="near_expiry",
            batch_id=batch.id,
            quantity=batch.quantity,
            detail=detail,
        )
        session.add(alert)
        await session.flush()
        emit(
            session,
            ledger.topic(batch.store_id),
            "alert.near_expiry",
            {
                "alert_id": alert.id,
                "sku_id": batch.sku_id,
                "batch_id": batch.id,
                "quantity": batch.quantity,
                **detail,
            },
        )
        raised += 1
    return raised
