"""Server-side carts: one per member, one per kiosk session; a priced view that explains bad lines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.catalog.models import Product, Sku
from backend.core.errors import Forbidden, NotFound, ValidationFailed
from backend.orders import repository as repo
from backend.orders.models import Cart, CartLine
from backend.orders.pricer import CartContext, ContextLine, price
from backend.orders.schemas import Discount, PricedCartOut, PricedLine, Problem
from backend.stores.errors import StoreNotFound
from shared.devices.gtin import parse_in_store

MAX_QTY = 999


@dataclass(frozen=True, slots=True)
class ScaleLine:
    """Packs carrying the same scale label (in-store EAN-13 with the pack's net weight or price).

    Stock of a scale-labelled SKU is counted in labelled packs: one label is one unit of stock, its
    weight or printed price only sets what that pack costs."""

    code: str
    sku_id: int
    quantity: int
    weight_g: int | None = None
    price: int | None = None

    def context(self, store_id: int | None) -> ContextLine:
        return ContextLine(
            self.sku_id, self.quantity, store_id, weight_g=self.weight_g, label_price=self.price
        )


async def scale_line(session: AsyncSession, code: str, quantity: int = 1) -> ScaleLine | None:
    """The scale label ``code`` stands for (None if it is not one: a registered barcode or another code).

    Unknown items and labels carrying no weight or price are refused."""
    label = parse_in_store(code)
    if label is None or await repo.sku_id_by_barcode(session, code) is not None:
        return None
    sku_id = await repo.sku_id_by_barcode(session, label.item_code)
    if sku_id is None:
        raise NotFound("没有这个商品 / No such item on the scale label.", detail={"barcode": code})
    if label.value <= 0:
        raise ValidationFailed(
            "称重标签没有重量或价格 / The scale label carries no weight or price.", detail={"barcode": code}
        )
    return ScaleLine(code, sku_id, quantity, weight_g=label.weight_g, price=label.price)


def owner_key(principal: Principal, session_id: str | None) -> str:
    if principal.is_member:
        return f"member:{principal.id}"
    if principal.is_device:
        if not session_id:
            raise ValidationFailed("A kiosk cart needs its session_id.", detail={"field": "session_id"})
        return f"device:{principal.id}:{session_id}"
    raise Forbidden("Carts belong to shoppers and kiosk sessions.")


async def get_cart(
    session: AsyncSession, principal: Principal, session_id: str | None, *, create: bool
) -> Cart | None:
    key = owner_key(principal, session_id)
    cart = await repo.cart_by_owner(session, key)
    if cart is None and create:
        cart = Cart(
            owner_key=key,
            member_id=principal.id if principal.is_member else None,
            device_id=principal.id if principal.is_device else None,
            store_id=principal.device_store_id if principal.is_device else None,
        )
        session.add(cart)
        await session.flush()
    return cart


async def _check_sku(session: AsyncSession, sku_id: int) -> None:
    if not await repo.skus_with_products(session, [sku_id]):
        raise NotFound("没有这个商品 / No such SKU.", detail={"sku_id": sku_id})


async def add_line(session: AsyncSession, cart: Cart, sku_id: int, quantity: int) -> None:
    await _check_sku(session, sku_id)
    line = await repo.cart_line(session, cart.id, sku_id)
    if line is None:
        session.add(CartLine(cart_id=cart.id, sku_id=sku_id, quantity=quantity))
    else:
        line.quantity = min(MAX_QTY, line.quantity + quantity)
    await session.flush()


async def set_line(session: AsyncSession, cart: Cart, sku_id: int, quantity: int) -> None:
    line = await repo.cart_line(session, cart.id, sku_id)
    if line is None:
        raise NotFound("This SKU is not in the cart.", detail={"sku_id": sku_id})
    line.quantity = quantity
    await session.flush()


async def remove_line(session: AsyncSession, cart: Cart, sku_id: int) -> None:
    line = await repo.cart_line(session, cart.id, sku_id)
    if line is None:
        raise NotFound("This SKU is not in the cart.", detail={"sku_id": sku_id})
    await session.delete(line)
    await session.flush()


async def clear(session: AsyncSession, cart: Cart, sku_ids: list[int] | None = None) -> None:
    for line in await repo.cart_lines(session, cart.id):
        if sku_ids is None or line.sku_id in sku_ids:
            await session.delete(line)
    await session.flush()


async def set_store(session: AsyncSession, cart: Cart, store_id: int | None) -> None:
    if store_id is not None and await repo.get_store(session, store_id) is None:
        raise StoreNotFound(detail={"store_id": store_id})
    cart.store_id = store_id
    await session.flush()


def on_sale(sku: Sku, product: Product) -> bool:
    return product.status == "on_sale" and sku.status == "active"


async def describe(
    session: AsyncSession,
    store_id: int | None,
    lines: list[tuple[int, int]],
    *,
    member_id: int | None = None,
    channel: str = "online",
    fulfilment: str = "pickup",
    scale: Sequence[ScaleLine] = (),
) -> PricedCartOut:
    """Price lines at a store and say, per line, what stops it from being bought there.

    ``scale`` adds scale-labelled packs after the lines, each priced from its label."""
    labels: list[ScaleLine | None] = [None] * len(lines) + list(scale)
    lines = [*lines, *((s.sku_id, s.quantity) for s in scale)]
    catalog = await repo.skus_with_products(session, [sku for sku, _ in lines])
    stock = await repo.availability(session, [store_id], catalog) if store_id is not None else {}
    # Stock is asked for once per SKU, however many lines (plain and labelled packs) it is on.
    wanted: dict[int, int] = defaultdict(int)
    for sku_id, qty in lines:
        wanted[sku_id] += qty
    out: list[PricedLine] = []
    for (sku_id, qty), label in zip(lines, labels, strict=True):
        found = catalog.get(sku_id)
        if found is None:
            out.append(
                PricedLine(
                    sku_id=sku_id,
                    quantity=qty,
                    label=label.code if label else None,
                    problems=[Problem(code="unknown_sku", message="商品不存在 / No such product.")],
                )
            )
            continue
        sku, product = found
        line = PricedLine(
            sku_id=sku_id,
            quantity=qty,
            name_zh=product.name_zh,
            name_en=product.name_en,
            specs=sku.specs or {},
            store_id=store_id,
            label=label.code if label else None,
        )
        if not on_sale(sku, product):
            line.problems.append(
                Problem(code="off_shelf", message="商品已下架 / This product is off the shelf.")
            )
        if store_id is not None:
            available = stock.get((store_id, sku_id))
            line.available = available
            if available is None:
                line.problems.append(
                    Problem(code="not_sold_here", message="该门店不售此商品 / This store does not sell it.")
                )
            elif available <= 0:
                line.problems.append(
                    Problem(
                        code="out_of_stock", message="该门店已售罄 / Sold out at this store.", available=0
                    )
                )
            elif wanted[sku_id] > available:
                line.problems.append(
                    Problem(
                        code="quantity_above_available",
                        message=f"该门店仅剩 {available} 件 / Only {available} left at this store.",
                        available=available,
                    )
                )
        out.append(line)
    known = [(line, label) for line, label in zip(out, labels, strict=True) if line.sku_id in catalog]
    priced = await price(
        session,
        CartContext(
            lines=[
                label.context(store_id) if label else ContextLine(line.sku_id, line.quantity, store_id)
                for line, label in known
            ],
            member_id=member_id,
            channel=channel,
            fulfilment=fulfilment,
        ),
    )
    for (line, _), data in zip(known, priced.lines, strict=True):
        line.weight_g, line.price_per_kg, line.label_price = (
            data.weight_g,
            data.price_per_kg,
            data.label_price,
        )
        line.base_price = data.base_price
        line.unit_price = data.unit_price
        line.price_reason = data.price_reason
        line.discounts = [Discount(**d) for d in data.discounts]
        line.line_total = data.line_total
    return PricedCartOut(
        store_id=store_id,
        lines=out,
        subtotal=priced.subtotal,
        discounts=[Discount(**d) for d in priced.order_discounts],
        discount_total=priced.discount_total,
        shipping_fee=priced.shipping_fee,
        total=priced.total,
        valid=bool(out) and all(not line.problems for line in out),
    )


async def priced_view(session: AsyncSession, cart: Cart | None, store_id: int | None = None) -> PricedCartOut:
    if cart is None:
        return PricedCartOut(
            store_id=store_id,
            lines=[],
            subtotal=0,
            discounts=[],
            discount_total=0,
            shipping_fee=0,
            total=0,
            valid=False,
        )
    lines = [(line.sku_id, line.quantity) for line in await repo.cart_lines(session, cart.id)]
    # A kiosk session's cart is priced as the kiosk will sell it (kiosk channel, in store).
    kiosk = {"channel": "kiosk", "fulfilment": "in_store"} if cart.device_id is not None else {}
    return await describe(
        session, store_id if store_id is not None else cart.store_id, lines, member_id=cart.member_id, **kiosk
    )
