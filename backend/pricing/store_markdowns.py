"""One-tap markdowns at the store: a clerk or manager marks down a near-expiry batch of their own store.

The batch is found in the staff member's store in the query itself; it must still have units and be
inside its category's near-expiry window (the same window the near-expiry alerts use). The markdown
is kept with the batch (``rule_id`` None, so the rules job leaves it alone), applies through every
price lookup at that store while the batch has units, is audit-logged and announced to the store.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal, StaffRole
from backend.catalog.models import Product, Sku
from backend.core import audit
from backend.core.events import emit
from backend.core.time import utcnow
from backend.inventory.models import StockBatch
from backend.inventory.service.alerts import windows_by_category
from backend.pricing.days import local_date
from backend.pricing.errors import BatchNotFound, NotNearExpiry
from backend.pricing.models import Markdown
from backend.pricing.schemas import StoreMarkdownCreate

MARKDOWN_ROLES = (StaffRole.CLERK, StaffRole.STORE_MANAGER)


async def _batch_at_store(
    session: AsyncSession, store_id: int, batch_id: int
) -> tuple[StockBatch, int | None]:
    row = (
        await session.execute(
            select(StockBatch, Product.category_id)
            .join(Sku, Sku.id == StockBatch.sku_id)
            .join(Product, Product.id == Sku.product_id)
            .where(StockBatch.id == batch_id, StockBatch.store_id == store_id)
            .with_for_update(of=StockBatch)
        )
    ).first()
    if row is None:
        raise BatchNotFound(detail={"batch_id": batch_id, "store_id": store_id})
    return row[0], row[1]


async def mark_down(
    session: AsyncSession,
    principal: Principal,
    store_id: int,
    body: StoreMarkdownCreate,
    today: date | None = None,
) -> Markdown:
    """Put ``percent_bp`` off on a near-expiry batch at the caller's store (again: change it)."""
    principal.require_store(store_id)
    principal.require_role(*MARKDOWN_ROLES)
    batch, category_id = await _batch_at_store(session, store_id, body.batch_id)
    today = today or local_date(utcnow())
    default, windows = await windows_by_category(session)
    window = windows.get(category_id, default) if category_id is not None else default
    if (
        batch.quantity <= 0
        or batch.expires_on is None
        or batch.expires_on < today
        or batch.expires_on > today + timedelta(days=window)
    ):
        raise NotNearExpiry(
            detail={
                "batch_id": batch.id,
                "expires_on": batch.expires_on.isoformat() if batch.expires_on else None,
                "quantity": batch.quantity,
                "window_days": window,
            }
        )
    markdown = await session.scalar(select(Markdown).where(Markdown.batch_id == batch.id))
    before = None
    if markdown is None:
        markdown = Markdown(
            batch_id=batch.id,
            store_id=store_id,
            sku_id=batch.sku_id,
            rule_id=None,
            percent_bp=body.percent_bp,
            expires_on=batch.expires_on,
            marked_by=principal.id,
        )
        session.add(markdown)
    else:
        before = {"percent_bp": markdown.percent_bp, "rule_id": markdown.rule_id}
        markdown.rule_id, markdown.percent_bp, markdown.marked_by = None, body.percent_bp, principal.id
    await session.flush()
    audit.record(
        session,
        principal,
        "markdown.store_set",
        "markdown",
        markdown.id,
        before=before,
        after={"batch_id": batch.id, "sku_id": batch.sku_id, "percent_bp": body.percent_bp},
        store_id=store_id,
    )
    emit(
        session,
        f"store:{store_id}:stock",
        "pricing.markdown_changed",
        {"store_id": store_id, "sku_ids": [batch.sku_id]},
    )
    return markdown
