"""The points mall (积分商城): members exchange points for coupons or goods, within the item's stock and
per-member limit, with the points taken in the same transaction (ledger ref ``mall``/redemption id)."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.core import audit
from backend.core.errors import Conflict, InvalidState, NotFound, ValidationFailed
from backend.core.time import utcnow
from backend.inventory.service import stock as inventory
from backend.marketing import coupons
from backend.members import wallet
from backend.members.models import MallItem, MallRedemption
from backend.members.schemas import MallItemCreate, MallItemUpdate


class MallItemNotFound(NotFound):
    code = "mall_item_not_found"
    default_message = "积分商城没有这件商品 / No such points mall item."


class MallSoldOut(Conflict):
    code = "mall_sold_out"
    default_message = "已兑完 / This item is sold out."


class MallLimitReached(Conflict):
    code = "mall_limit_reached"
    default_message = "已达到兑换上限 / You have reached the exchange limit for this item."


async def create_item(session: AsyncSession, actor: Principal, body: MallItemCreate) -> MallItem:
    item = MallItem(**body.model_dump(), redeemed=0)
    session.add(item)
    await session.flush()
    audit.record(session, actor, "mall_item.create", "mall_item", item.id, after=body.model_dump(mode="json"))
    return item


async def update_item(
    session: AsyncSession, actor: Principal, item_id: int, body: MallItemUpdate
) -> MallItem:
    item = await session.get(MallItem, item_id)
    if item is None:
        raise MallItemNotFound()
    changes = body.model_dump(exclude_unset=True)
    if "stock" in changes and changes["stock"] < item.redeemed:
        raise ValidationFailed(
            "Stock cannot go below what was exchanged.", detail={"redeemed": item.redeemed}
        )
    before = {k: getattr(item, k) for k in changes}
    for key, value in changes.items():
        setattr(item, key, value)
    await session.flush()
    audit.record(session, actor, "mall_item.update", "mall_item", item.id, before=before, after=changes)
    return item


async def items(session: AsyncSession, *, active_only: bool = True) -> list[MallItem]:
    query = select(MallItem).order_by(MallItem.points, MallItem.id)
    if active_only:
        query = query.where(MallItem.active.is_(True))
    return list(await session.scalars(query))


async def redeem(
    session: AsyncSession, member_id: int, item_id: int, client_key: str
) -> tuple[MallRedemption, bool]:
    """Exchange points for an item; the same ``client_key`` returns the first exchange ``(row, True)``."""
    existing = await session.scalar(
        select(MallRedemption).where(
            MallRedemption.member_id == member_id, MallRedemption.client_key == client_key
        )
    )
    if existing is not None:
        return existing, True
    item = await session.get(MallItem, item_id)
    if item is None or not item.active:
        raise MallItemNotFound(detail={"item_id": item_id})
    # Taking from the stock first locks the item's row, so the member's count below is current.
    taken = await session.execute(
        update(MallItem)
        .where(MallItem.id == item_id, MallItem.redeemed < MallItem.stock)
        .values(redeemed=MallItem.redeemed + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise MallSoldOut(detail={"item_id": item_id})
    done = int(
        await session.scalar(
            select(func.count()).where(
                MallRedemption.item_id == item_id, MallRedemption.member_id == member_id
            )
        )
        or 0
    )
    if done >= item.per_member_limit:
        raise MallLimitReached(detail={"limit": item.per_member_limit})
    row = MallRedemption(
        item_id=item_id,
        member_id=member_id,
        seq=done + 1,
        client_key=client_key,
        points=item.points,
        status="issued" if item.kind == "coupon" else "to_collect",
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError as exc:
        raise MallLimitReached(detail={"limit": item.per_member_limit}) from exc
    await wallet.redeem_points(session, member_id, item.points, "mall", str(row.id), item.name_zh)
    if item.kind == "coupon":
        assert item.template_id is not None
        coupon = await coupons.issue(session, member_id, item.template_id, "points_mall")
        if coupon is None:
            raise MallSoldOut(
                "该优惠券已发完 / The coupon behind this item is used up.", detail={"item_id": item_id}
            )
        row.coupon_id = coupon.id
    await session.flush()
    return row, False


async def redemptions(session: AsyncSession, member_id: int, limit: int = 50) -> list[MallRedemption]:
    rows = await session.scalars(
        select(MallRedemption)
        .where(MallRedemption.member_id == member_id)
        .order_by(MallRedemption.id.desc())
        .limit(limit)
    )
    return list(rows)


async def collect(
    session: AsyncSession, actor: Principal, redemption_id: int, store_id: int
) -> MallRedemption:
    """Hand an exchanged SKU over at a store: its stock leaves that store (once)."""
    actor.require_store(store_id)
    row = await session.get(MallRedemption, redemption_id)
    if row is None:
        raise NotFound("No such exchange.", detail={"redemption_id": redemption_id})
    if row.status != "to_collect":
        raise InvalidState("This exchange is not waiting to be collected.", detail={"status": row.status})
    item = await session.get(MallItem, row.item_id)
    assert item is not None and item.sku_id is not None
    await inventory.sell(session, store_id, [(item.sku_id, 1)], "mall_redemption", str(row.id), actor)
    row.status = "collected"
    row.collected_store_id = store_id
    row.collected_at = utcnow()
    await session.flush()
    audit.record(session, actor, "mall.collect", "mall_redemption", row.id, store_id=store_id)
    return row
