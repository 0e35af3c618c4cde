"""Scan-and-go (扫码购) in the store: scan goods into a list (barcode photo, live camera or typed code),
see it priced at the store with its promotions and the member's best coupons, change quantities, pay in
the gateway, and show the exit pass (a QR with the order number) that staff check at the door."""

from __future__ import annotations

from dataclasses import dataclass

from apps.shopper.viewmodels.base import ViewModel
from apps.shopper.viewmodels.cart import MAX_QUANTITY, QuoteCalls
from apps.shopper.viewmodels.scan import ScanVM
from backend.catalog.schemas import BarcodeMatch
from backend.marketing.schemas import Quote, QuotedLine
from backend.orders.schemas import Order, PaymentStart
from shared.sdk import AsyncClient
from shared.sdk.base import idempotency_key

EXIT_PREFIX = "OMO-EXIT:"


@dataclass
class ScanGoItem:
    """One scanned SKU: what the shelf label says and how many are in the basket."""

    sku_id: int
    code: str
    name_zh: str
    name_en: str
    specs: dict[str, str]
    shelf_price: int
    quantity: int = 1


class ScanGoVM(ViewModel):
    def __init__(self, client: AsyncClient, scan: ScanVM | None = None) -> None:
        super().__init__()
        self.client = client
        self.scan = scan or ScanVM(client)
        self.quotes = QuoteCalls(client.run)
        self.store_id: int | None = None
        self.items: dict[int, ScanGoItem] = {}
        self.quote: Quote | None = None
        self.order: Order | None = None
        self.payment: PaymentStart | None = None
        self._key: str | None = None

    def start(self, store_id: int) -> None:
        """Shop at ``store_id``; a list begun at another store is dropped."""
        if self.store_id != store_id:
            self.reset()
        self.store_id = store_id
        self.notify()

    def reset(self) -> None:
        self.items, self.quote, self.order, self.payment, self._key = {}, None, None, None, None
        self.error = None

    # --- scanning

    async def add_photo(self, data: bytes) -> bool:
        """Add the product whose barcode is in the photo."""
        if self.store_id is None or self.order is not None:
            return False
        if await self.scan.scan_photo(data, self.store_id) is None:
            self.error = self.scan.error
            self.notify()
            return False
        return await self._add(self.scan.match)

    async def add_code(self, code: str) -> bool:
        """Add the product with this barcode (typed in, or read by the live camera)."""
        if self.store_id is None or self.order is not None:
            return False
        if await self.scan.open_code(code, self.store_id) is None:
            self.error = self.scan.error
            self.notify()
            return False
        return await self._add(self.scan.match)

    async def _add(self, match: BarcodeMatch | None) -> bool:
        if match is None:
            return False
        if match.embedded is not None:
            # Weighed goods carry their price in the label: they are paid at the till.
            self.error = "scango.weighed"
            self.notify()
            return False
        item = self.items.get(match.sku.id)
        if item is None:
            self.items[match.sku.id] = ScanGoItem(
                sku_id=match.sku.id,
                code=match.barcode.code,
                name_zh=match.product.name_zh,
                name_en=match.product.name_en,
                specs=dict(match.sku.specs),
                shelf_price=match.sku.price if match.sku.price is not None else match.sku.base_price,
            )
        else:
            item.quantity = min(MAX_QUANTITY, item.quantity + 1)
        return await self._reprice()

    async def set_quantity(self, sku_id: int, quantity: int) -> bool:
        if sku_id not in self.items or self.order is not None:
            return False
        if quantity <= 0:
            del self.items[sku_id]
        else:
            self.items[sku_id].quantity = min(MAX_QUANTITY, quantity)
        return await self._reprice()

    async def _reprice(self) -> bool:
        """Price the list at the store with its promotions and the member's best coupons."""
        self._key = None
        if not self.items or self.store_id is None:
            self.quote = None
            self.notify()
            return True
        coupons = await self._run(self.client.marketing.my_coupons("unused")) or []
        quote = await self._run(self.quotes.quote(self.store_id, self.pairs, [c.id for c in coupons]))
        self.quote = quote
        self.notify()
        return quote is not None

    # --- what the screen shows

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return [(item.sku_id, item.quantity) for item in self.items.values()]

    @property
    def count(self) -> int:
        return sum(item.quantity for item in self.items.values())

    def priced(self, sku_id: int) -> QuotedLine | None:
        return next((ln for ln in self.quote.lines if ln.sku_id == sku_id), None) if self.quote else None

    @property
    def subtotal(self) -> int:
        return self.quote.subtotal if self.quote else 0

    @property
    def discount_total(self) -> int:
        return self.quote.discount_total if self.quote else 0

    @property
    def total(self) -> int:
        return self.quote.total if self.quote else 0

    @property
    def paid(self) -> bool:
        return self.order is not None and self.order.status == "completed"

    @property
    def exit_pass(self) -> str | None:
        """The QR text staff scan at the door, once the order is paid."""
        return f"{EXIT_PREFIX}{self.order.number}" if self.order is not None and self.paid else None

    # --- paying

    async def checkout(self) -> str | None:
        """Place the order and open the gateway payment; the pay page to confirm on (None: not started)."""
        if self.store_id is None or not self.items:
            return None
        if self.order is None:
            self._key = self._key or idempotency_key()
            self.order = await self._run(
                self.client.orders.place_scan_and_go(self.store_id, self.pairs, idempotency_key=self._key)
            )
            if self.order is None:
                return None
        if self.order.status != "pending_payment":
            return None
        self.payment = await self._run(self.client.orders.start_payment(self.order.id))
        if self.payment is not None and self.payment.provider == "none":
            await self._run(self.client.orders.pay(self.order.id))
            await self.reload()
            return None
        return self.payment.pay_url if self.payment else None

    async def check_payment(self) -> bool:
        """Ask the gateway now; True once the order is paid (and so completed: the exit pass shows)."""
        if self.order is None:
            return False
        if self.payment is not None and self.payment.payment_id:
            await self._run(self.client.payments.sync(int(self.payment.payment_id)))
        await self.reload()
        if not self.paid:
            self.error = "order.not_paid_yet"
            self.notify()
        return self.paid

    async def reload(self) -> None:
        if self.order is not None:
            order = await self._run(self.client.orders.get(self.order.id))
            if order is not None:
                self.order = order
        self.notify()

    def finish(self) -> None:
        """Start a new list at the same store after leaving."""
        store_id = self.store_id
        self.reset()
        self.store_id = store_id
        self.notify()
