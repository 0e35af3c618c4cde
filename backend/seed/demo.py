"""Load the demo chain (``omo seed demo``) through the domain services, so it obeys their rules.

Idempotent: every row is looked up by its natural key (codes, usernames, phones, price-list names,
receipt client ids) and only what is missing is added, so a second run changes nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.models import StaffStore, StaffUser
from backend.auth.principal import Principal, StaffRole
from backend.catalog import images as catalog_images
from backend.catalog import service as catalog
from backend.catalog.models import Category, Product, ProductImage, Sku
from backend.catalog.schemas import CategoryCreate, ProductCreate, SkuCreate
from backend.core import audit
from backend.core.db import Database
from backend.core.events import emit
from backend.core.security import hash_password
from backend.core.settings import Settings
from backend.core.time import utcnow
from backend.franchise.models import Merchant
from backend.inventory import repository as inventory_repo
from backend.inventory.models import MovementKind, Stock, StockBatch, StockDocument, StockMovement
from backend.inventory.schemas import DocumentCreate, DocumentLineIn
from backend.inventory.service import alerts as inventory_alerts
from backend.inventory.service import documents as inventory_documents
from backend.inventory.service import stock as inventory_stock
from backend.members import repository as members_repo
from backend.members.models import Member
from backend.orders.demo import seed_orders
from backend.orders.models import Order
from backend.pricing import service as pricing
from backend.pricing.models import PriceList
from backend.pricing.schemas import PriceListCreate, PriceListItemIn
from backend.seed import data
from backend.seed.campaigns import seed_campaigns
from backend.seed.history import seed_history
from backend.seed.marketing import seed_marketing
from backend.seed.pictures import COLOURS, PictureSpec, ensure_picture, ensure_pictures
from backend.seed.services import seed_services
from backend.stores import service as stores_service
from backend.stores.models import Region, Store
from backend.stores.schemas import RegionCreate, StoreCreate

RECEIPT_PREFIX = "demo-seed-receipt"
LINES_PER_RECEIPT = 400


def picture_specs(product: data.ProductDef) -> list[PictureSpec]:
    """One picture per product, or one per colour for products sold in several colours."""
    colours = product.specs.get("颜色") if product.kind == "goods" else None
    if not colours:
        return [
            PictureSpec(
                product.code, product.name_zh, product.shape, product.colour, product.brand, product.name_en
            )
        ]
    return [
        PictureSpec(
            f"{product.code}-{i + 1:02d}",
            f"{product.name_zh} {colour}",
            product.shape,
            COLOURS[colour],
            product.brand,
            product.name_en,
        )
        for i, colour in enumerate(colours)
    ]


def local_today() -> date:
    return datetime.now(ZoneInfo(data.TIMEZONE)).date()


class Loader:
    def __init__(self, session: AsyncSession, settings: Settings, console: Console | None) -> None:
        self.session = session
        self.settings = settings
        self.console = console
        self.added: Counter[str] = Counter()
        self.actor: Principal | None = None
        self._password_hash: str | None = None
        self.started = time.perf_counter()

    def say(self, text: str) -> None:
        if self.console is not None:
            self.console.print(f"{text}  [dim]({time.perf_counter() - self.started:.1f} s)[/]")

    def password_hash(self) -> str:
        # One hash of the shared, documented demo password serves every demo account.
        if self._password_hash is None:
            self._password_hash = hash_password(data.DEMO_PASSWORD)
        return self._password_hash

    async def ids(self, model: Any, key: Any) -> dict[str, int]:
        rows = await self.session.execute(select(key, model.id))
        return {k: i for k, i in rows.all()}

    # --- organisation

    async def merchants(self) -> dict[str, int]:
        existing = await self.ids(Merchant, Merchant.code)
        for m in data.MERCHANTS:
            if m.code not in existing:
                merchant = Merchant(
                    code=m.code, name=m.name, contact_phone=m.contact_phone, commission_bp=m.commission_bp
                )
                self.session.add(merchant)
                await self.session.flush()
                existing[m.code] = merchant.id
                self.added["merchants"] += 1
        return existing

    async def staff(self, store_ids: dict[str, int], merchant_ids: dict[str, int], *, hq_only: bool) -> None:
        existing = await self.ids(StaffUser, StaffUser.username)
        for s in data.STAFF:
            is_hq = StaffRole.HQ_ADMIN in s.roles
            if s.username in existing or (hq_only and not is_hq):
                continue
            user = StaffUser(
                username=s.username,
                name=s.name,
                phone=s.phone,
                password_hash=self.password_hash(),
                roles=list(s.roles),
                merchant_id=merchant_ids.get(s.merchant) if s.merchant else None,
            )
            self.session.add(user)
            await self.session.flush()
            existing[s.username] = user.id
            self.session.add_all(StaffStore(staff_id=user.id, store_id=store_ids[code]) for code in s.stores)
            self.added["staff"] += 1
        await self.session.flush()
        hq = existing[data.STAFF[0].username]
        self.actor = Principal(kind="staff", id=hq, roles=frozenset({StaffRole.HQ_ADMIN}), store_ids=None)

    async def regions_and_stores(self, merchant_ids: dict[str, int]) -> dict[str, int]:
        assert self.actor is not None
        regions = await self.ids(Region, Region.code)
        for r in data.REGIONS:
            if r.code not in regions:
                region = await stores_service.create_region(
                    self.session, self.actor, RegionCreate(code=r.code, name_zh=r.name_zh, name_en=r.name_en)
                )
                regions[r.code] = region.id
                self.added["regions"] += 1
        stores = await self.ids(Store, Store.code)
        for s in data.STORES:
            if s.code in stores:
                continue
            store = await stores_service.create_store(
                self.session,
                self.actor,
                StoreCreate(
                    code=s.code,
                    name_zh=s.name_zh,
                    name_en=s.name_en,
                    kind=s.kind,
                    city=s.city,
                    city_tier=s.city_tier,
                    address=s.address,
                    phone=s.phone,
                    latitude=s.latitude,
                    longitude=s.longitude,
                    timezone=data.TIMEZONE,
                    opening_hours=s.opening_hours,
                    area_sqm=s.area_sqm,
                    pickup_enabled=s.pickup_enabled,
                    delivery_enabled=s.delivery_enabled,
                    delivery_radius_m=s.delivery_radius_m,
                    region_id=regions[s.region],
                    merchant_id=merchant_ids[s.merchant] if s.merchant else None,
                ),
            )
            stores[s.code] = store.id
            self.added["stores"] += 1
        return stores

    # --- catalog

    async def categories(self) -> dict[str, int]:
        assert self.actor is not None
        existing = await self.ids(Category, Category.code)
        for order, c in enumerate(data.CATEGORIES):
            if c.code in existing:
                continue
            category = await catalog.create_category(
                self.session,
                self.actor,
                CategoryCreate(
                    code=c.code,
                    name_zh=c.name_zh,
                    name_en=c.name_en,
                    parent_id=existing[c.parent] if c.parent else None,
                    sort_order=order,
                ),
            )
            existing[c.code] = category.id
            self.added["categories"] += 1
        return existing

    async def products(self, category_ids: dict[str, int]) -> dict[str, int]:
        assert self.actor is not None
        existing = await self.ids(Product, Product.code)
        slow = {code.split("-")[0] for code in data.SLOW_MOVERS}
        for p in data.PRODUCTS:
            if p.code in existing:
                continue
            product = await catalog.create_product(
                self.session,
                self.actor,
                ProductCreate(
                    code=p.code,
                    category_id=category_ids[p.category],
                    name_zh=p.name_zh,
                    name_en=p.name_en,
                    brand=p.brand,
                    description_zh=p.description_zh,
                    description_en=p.description_en,
                    kind=p.kind,
                    unit=p.unit,
                    attributes=p.attributes,
                    spec_names=list(p.specs),
                    shelf_life_days=p.shelf_life_days,
                    status="on_sale",
                    skus=[
                        SkuCreate(
                            code=s.code,
                            specs=s.specs,
                            base_price=s.base_price,
                            cost_price=s.cost_price,
                            shelf_location=s.shelf_location,
                            weight_g=s.weight_g,
                            barcodes=[s.barcode] if s.barcode else [],
                        )
                        for s in p.skus
                    ],
                ),
            )
            product.sales_count = 0 if p.code in slow else data.historic_sales(p.code)
            existing[p.code] = product.id
            self.added["products"] += 1
            self.added["skus"] += len(p.skus)
        await self.session.flush()
        return existing

    async def pictures(self, product_ids: dict[str, int]) -> None:
        assert self.actor is not None
        with_images = set((await self.session.scalars(select(ProductImage.product_id).distinct())).all())
        cache = catalog_images.media_root(self.settings.var_dir) / "demo"
        wanted = [p for p in data.PRODUCTS if product_ids[p.code] not in with_images]
        await asyncio.to_thread(ensure_pictures, cache, [s for p in wanted for s in picture_specs(p)])
        for p in data.PRODUCTS:
            product_id = product_ids[p.code]
            if product_id in with_images:
                continue
            for spec in picture_specs(p):
                path = ensure_picture(cache, spec)
                await catalog_images.add_image(
                    self.session, self.actor, self.settings.var_dir, product_id, path.read_bytes()
                )
                self.added["images"] += 1

    # --- prices

    async def price_lists(self, store_ids: dict[str, int], region_ids: dict[str, int]) -> None:
        assert self.actor is not None
        sku_ids = await self.ids(Sku, Sku.code)
        existing = {
            (name, scope, value)
            for name, scope, value in await self.session.execute(
                select(PriceList.name, PriceList.scope, PriceList.scope_value)
            )
        }
        for pl in data.PRICE_LISTS:
            if pl.scope == "store":
                value = store_ids[str(pl.scope_key)]
            elif pl.scope == "region":
                value = region_ids[str(pl.scope_key)]
            else:
                value = int(pl.scope_key)
            if (pl.name, pl.scope, value) in existing:
                continue
            await pricing.create_list(
                self.session,
                self.actor,
                PriceListCreate(
                    name=pl.name,
                    scope=pl.scope,
                    scope_value=value,
                    priority=pl.priority,
                    items=[
                        PriceListItemIn(sku_id=sku_ids[code], price=price)
                        for code, price in sorted(pl.prices.items())
                    ],
                ),
            )
            self.added["price_lists"] += 1

    # --- stock

    async def stock(self, store_ids: dict[str, int], today: date) -> None:
        """Opening stock per store: receipt documents (入库单) made and approved through the inventory
        service, posted in bulk (stock rows, batches and one ledger row per batch, which balance exactly
        as the per-line posting would), then the near-expiry alerts (the inventory sweeper's scan)."""
        assert self.actor is not None
        sku_ids = await self.ids(Sku, Sku.code)
        seeded = set(
            (
                await self.session.scalars(
                    select(StockDocument.client_id).where(StockDocument.client_id.like(f"{RECEIPT_PREFIX}-%"))
                )
            ).all()
        )
        plans_by_store: dict[str, list[data.StockPlan]] = {}
        for plan in data.stock_plans(today):
            plans_by_store.setdefault(plan.store, []).append(plan)
        for store in data.STORES:
            if f"{RECEIPT_PREFIX}-{store.code}-1" in seeded:
                continue
            await self._opening_stock(
                store, store_ids[store.code], plans_by_store.get(store.code, []), sku_ids
            )
            await self.session.commit()
            self.session.expunge_all()
        if self.added["receipts"]:
            self.added["near_expiry_alerts"] += await inventory_alerts.scan_near_expiry(self.session, today)

    async def _opening_stock(
        self, store: data.StoreDef, store_id: int, plans: list[data.StockPlan], sku_ids: dict[str, int]
    ) -> None:
        assert self.actor is not None
        have = set((await self.session.scalars(select(Stock.sku_id).where(Stock.store_id == store_id))).all())
        pieces = [(p, b) for p in plans for b in p.batches]
        supplier = "品牌供应商直送" if store.kind == "warehouse" else "上海嘉定中心仓"
        now = utcnow()
        for n, start in enumerate(range(0, len(pieces), LINES_PER_RECEIPT), start=1):
            chunk = pieces[start : start + LINES_PER_RECEIPT]
            doc = await inventory_documents.create_document(
                self.session,
                self.actor,
                DocumentCreate(
                    kind="receipt",
                    store_id=store_id,
                    supplier=supplier,
                    note="开业备货（演示数据）",
                    lines=[
                        DocumentLineIn(
                            sku_id=sku_ids[p.sku],
                            quantity=b.quantity,
                            batch_no=b.batch_no or None,
                            expires_on=b.expires_on,
                            unit_cost=p.unit_cost,
                        )
                        for p, b in chunk
                    ],
                ),
                f"{RECEIPT_PREFIX}-{store.code}-{n}",
            )
            for action in ("submit", "approve"):
                await inventory_documents.document_action(self.session, self.actor, doc.id, action)
            batches = [
                StockBatch(
                    store_id=store_id,
                    sku_id=sku_ids[p.sku],
                    batch_no=b.batch_no,
                    batch_key=inventory_repo.batch_key(b.batch_no, b.expires_on),
                    expires_on=b.expires_on,
                    quantity=b.quantity,
                    received_at=now,
                )
                for p, b in chunk
            ]
            self.session.add_all(batches)
            await self.session.flush()
            self.session.add_all(
                StockMovement(
                    store_id=store_id,
                    sku_id=batch.sku_id,
                    kind=MovementKind.RECEIPT,
                    on_hand_delta=batch.quantity,
                    quantity=batch.quantity,
                    batch_id=batch.id,
                    ref_type="receipt",
                    ref_id=str(doc.id),
                    actor_kind="staff",
                    actor_id=self.actor.id,
                )
                for batch in batches
            )
            doc.status, doc.posted_by, doc.posted_at = "posted", self.actor.id, now
            audit.record(
                self.session,
                self.actor,
                "receipt.post",
                "stock_document",
                doc.id,
                after={"status": "posted"},
                store_id=store_id,
            )
            emit(
                self.session,
                inventory_stock.topic(store_id),
                "receipt.posted",
                {"document_id": doc.id, "status": "posted"},
            )
            self.added["receipts"] += 1
            self.added["batches"] += len(batches)
        received: Counter[int] = Counter()
        for p, b in pieces:
            received[sku_ids[p.sku]] += b.quantity
        self.session.add_all(
            Stock(
                store_id=store_id,
                sku_id=sku_ids[p.sku],
                on_hand=p.on_hand,
                reserved=0,
                safety_stock=p.safety_stock,
                reorder_point=p.reorder_point,
            )
            for p in plans
            if sku_ids[p.sku] not in have
        )
        await self.session.flush()
        for sku_id in sorted(have & received.keys()):
            await inventory_repo.add_units(self.session, store_id, sku_id, received[sku_id])
        self.added["stock_rows"] += len(plans)

    # --- members

    async def members(self, store_ids: dict[str, int], today: date) -> None:
        wanted = data.build_members(today)
        existing = set(
            (
                await self.session.scalars(
                    select(Member.phone).where(Member.phone.in_([m.phone for m in wanted]))
                )
            ).all()
        )
        for m in wanted:
            if m.phone in existing:
                continue
            await members_repo.create(
                self.session,
                m.phone,
                name=m.name,
                birthday=m.birthday,
                language=m.language,
                marketing_consent=m.marketing_consent,
                consent_at=datetime.now(ZoneInfo("UTC")) if m.marketing_consent else None,
                home_store_id=store_ids[m.home_store],
            )
            self.added["members"] += 1


async def run(settings: Settings, console: Console | None = None) -> str:
    """Load (or complete) the demo chain in ``settings.database_url``; returns a one-paragraph summary."""
    started = time.perf_counter()
    today = local_today()
    db = Database(settings.database_url)
    try:
        async with db.sessionmaker() as session:
            loader = Loader(session, settings, console)
            loader.say("[bold]Demo chain[/]: organisation")
            merchant_ids = await loader.merchants()
            await loader.staff({}, merchant_ids, hq_only=True)
            store_ids = await loader.regions_and_stores(merchant_ids)
            region_ids = await loader.ids(Region, Region.code)
            await loader.staff(store_ids, merchant_ids, hq_only=False)
            await session.commit()
            loader.say("[bold]Demo chain[/]: catalog")
            category_ids = await loader.categories()
            product_ids = await loader.products(category_ids)
            loader.say("[bold]Demo chain[/]: pictures and prices")
            await loader.pictures(product_ids)
            await loader.price_lists(store_ids, region_ids)
            await session.commit()
            loader.say("[bold]Demo chain[/]: opening stock")
            await loader.stock(store_ids, today)
            loader.say("[bold]Demo chain[/]: members")
            await loader.members(store_ids, today)
            await session.commit()
            loader.say("[bold]Demo chain[/]: orders in every state")
            loader.added["orders"] = await seed_orders(session, settings)
            loader.added["services"] = await seed_services(session, settings)
            await session.commit()
            loader.say("[bold]Demo chain[/]: eight weeks of sales history")
            loader.added["history orders"] = await seed_history(session, today, data.TIMEZONE)
            loader.added["marketing"] = await seed_marketing(session, settings)
            loader.added["campaigns"] = await seed_campaigns(session, settings)
            await session.commit()
            loader.say("[bold]Demo chain[/]: done")
            totals = {
                "stores": await session.scalar(select(func.count()).select_from(Store)),
                "products": await session.scalar(select(func.count()).select_from(Product)),
                "skus": await session.scalar(select(func.count()).select_from(Sku)),
                "staff": await session.scalar(select(func.count()).select_from(StaffUser)),
                "members": await session.scalar(select(func.count()).select_from(Member)),
                "orders": await session.scalar(select(func.count()).select_from(Order)),
            }
    finally:
        await db.dispose()
    elapsed = time.perf_counter() - started
    added = ", ".join(f"{k} {v}" for k, v in loader.added.items() if v) or "nothing (already complete)"
    have = ", ".join(f"{k} {v}" for k, v in totals.items())
    return (
        f"Demo chain ready in {elapsed:.1f} s. Added: {added}. In the database: {have}. "
        f"Sign in as {data.STAFF[0].username} / {data.DEMO_PASSWORD} (see docs/demo-chain.md)."
    )
