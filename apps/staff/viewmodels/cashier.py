"""The till: scan or search items, identify the member by their code, see the engine's price with its
promotions, take tenders, print the receipt; returns at the till. When the backend cannot be reached
the sale is kept in the outbox (with its client id) and replayed once later."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, get_args

from apps.staff.viewmodels.base import StaffViewModel, error_key
from apps.staff.viewmodels.sync import SALE, SyncVM
from backend.catalog.schemas import ProductSummary
from backend.marketing.schemas import Quote
from backend.members.schemas import MemberSummary
from backend.orders.schemas import Order, Receipt, ReturnOut, TenderIn
from shared.errors import NotFound, RetailError, ValidationFailed
from shared.sdk import AsyncClient, NetworkError, idempotency_key

# Tender methods the backend's till accepts (stored value and points once the backend takes them).
TENDERS = tuple(get_args(TenderIn.model_fields["method"].annotation))
CASH = "cash"


@dataclass
class Item:
    """A sellable SKU as the till knows it (kept, so a sale can go on while the backend is away)."""

    sku_id: int
    name_zh: str
    name_en: str
    unit_price: int
    barcode: str | None = None


@dataclass
class TillLine:
    item: Item
    quantity: int
    # A scale label's embedded weight (grams) or price (fen), shown on the line.
    label: str | None = None

    @property
    def estimate(self) -> int:
        return self.item.unit_price * self.quantity


def code_kind(text: str) -> str:
    parts = text.split(".")
    return parts[1] if len(parts) == 4 and parts[0] == "OMO1" else "barcode"


def receipt_number(qr: str) -> str | None:
    """The order number a signed e-receipt QR names (the backend checks the order itself)."""
    try:
        payload = qr.split(".")[2]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None
    number = data.get("n") if isinstance(data, dict) else None
    return str(number) if number else None


class CashierVM(StaffViewModel):
    def __init__(self, client: AsyncClient, sync: SyncVM) -> None:
        super().__init__()
        self.client = client
        self.sync = sync
        self.store_id: int | None = None
        self.lines: list[TillLine] = []
        self.known: dict[str, Item] = {}
        self.member: MemberSummary | None = None
        # The member's signed code as scanned: it lets the sale spend their coupons, points and stored
        # value (a member found by phone number earns points but spends nothing).
        self.member_code: str | None = None
        self.quote: Quote | None = None
        self.entry = ""
        self.results: list[ProductSummary] = []
        self.order: Order | None = None
        self.receipt: Receipt | None = None
        self.queued_sale: dict[str, Any] | None = None
        self.client_id = idempotency_key()
        # Returns at the till.
        self.return_order: Order | None = None
        self.returned: ReturnOut | None = None

    # --- basket

    def at_store(self, store_id: int | None) -> None:
        if store_id != self.store_id:
            self.store_id = store_id
            self.new_sale()

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def due(self) -> int:
        """The engine's total when it priced this basket; while offline, the shelf prices added up."""
        if self.quote is not None and self.sync.online:
            return self.quote.total
        return sum(line.estimate for line in self.lines)

    @property
    def discount(self) -> int:
        return self.quote.discount_total if self.quote is not None and self.sync.online else 0

    @property
    def tenders(self) -> tuple[str, ...]:
        return TENDERS

    async def scan(self, entry: str | None = None) -> bool:
        """One scanned or typed code: a member's QR identifies the member, a receipt QR opens a return,
        anything else is an item barcode (a scale label adds the units it stands for)."""
        text = (entry if entry is not None else self.entry).strip()
        self.entry = ""
        if not text or self.store_id is None:
            self.notify()
            return False
        kind = code_kind(text)
        if kind == "member":
            return await self.identify(text)
        if kind == "receipt":
            number = receipt_number(text)
            return await self.find_order(number or "")
        return await self._add_barcode(text)

    async def _add_barcode(self, code: str) -> bool:
        try:
            match = await self.client.catalog.lookup_barcode(code, store_id=self.store_id)
        except NetworkError:
            self.sync.went_offline()
            item = self.known.get(code)
            if item is None:
                self.fail("staff.error.offline_unknown")
                return False
            return await self._add(item, 1, None)
        except (NotFound, ValidationFailed):
            self.fail("staff.error.unknown_barcode")
            return False
        except RetailError as exc:
            return self._failed(exc)
        sku = match.sku
        price = sku.price if sku.price is not None else sku.base_price
        item = Item(sku.id, match.product.name_zh, match.product.name_en, price, code)
        label = None
        units = 1
        if match.embedded is not None:
            units = match.embedded.units
            label = (
                f"{match.embedded.weight_g} g"
                if match.embedded.kind == "weight"
                else f"¥{match.embedded.price / 100:.2f}"
            )
        else:
            self.known[code] = item
        return await self._add(item, units, label)

    async def search(self, query: str) -> bool:
        """Find items by name (Chinese, pinyin or English) for things without a readable barcode."""
        if not query.strip() or self.store_id is None:
            return False
        page = await self._run(
            self.client.catalog.products(query.strip(), store_id=self.store_id, page_size=8)
        )
        self.results = list(page.items) if page is not None else []
        self.notify()
        return page is not None

    async def add_product(self, product_id: int) -> bool:
        """Add one unit of a searched product (its first active SKU)."""
        detail = await self._run(self.client.catalog.product(product_id, store_id=self.store_id))
        if detail is None:
            return False
        sku = next((s for s in detail.skus if s.status == "active"), None)
        if sku is None:
            self.fail("staff.error.unknown_barcode")
            return False
        price = sku.price if sku.price is not None else sku.base_price
        barcode = sku.barcodes[0].code if sku.barcodes else None
        item = Item(sku.id, detail.name_zh, detail.name_en, price, barcode)
        if barcode:
            self.known[barcode] = item
        self.results = []
        return await self._add(item, 1, None)

    async def _add(self, item: Item, units: int, label: str | None) -> bool:
        line = next((ln for ln in self.lines if ln.item.sku_id == item.sku_id and ln.label is None), None)
        if line is None or label is not None:
            self.lines.append(TillLine(item, units, label))
        else:
            line.quantity += units
        self.error = self.error_message = None
        await self.reprice()
        return True

    async def set_quantity(self, sku_id: int, quantity: int) -> None:
        """Change (or with 0, remove) the units of an item."""
        for line in list(self.lines):
            if line.item.sku_id == sku_id:
                if quantity <= 0:
                    self.lines.remove(line)
                else:
                    line.quantity = quantity
                break
        await self.reprice()

    def _merged(self) -> dict[int, int]:
        merged: dict[int, int] = {}
        for line in self.lines:
            merged[line.item.sku_id] = merged.get(line.item.sku_id, 0) + line.quantity
        return merged

    async def reprice(self) -> None:
        """Price the basket exactly as the sale will charge it: promotions, and for a member identified
        by their code their best coupons and tier price (while the backend answers)."""
        self.quote = None
        if not self.lines or self.store_id is None:
            self.notify()
            return
        try:
            self.quote = await self.client.orders.pos_quote(
                self.store_id,
                list(self._merged().items()),
                member_id=self.member.id if self.member else None,
                member_code=self.member_code,
            )
            self.sync.online = True
        except NetworkError:
            self.quote = None
            self.sync.went_offline()
        except RetailError as exc:
            self._failed(exc)
        self.notify()

    # --- member

    async def identify(self, entry: str) -> bool:
        """The member's QR (from their app) or their phone number; only masked details come back."""
        text = entry.strip()
        if text.isdigit() and len(text) == 11:
            member = await self._run(self.client.members.lookup(text))
        else:
            member = await self._run(self.client.members.identify(text))
        if member is None:
            return False
        self.member = member
        self.member_code = None if text.isdigit() else text
        await self.reprice()
        return True

    async def forget_member(self) -> None:
        self.member, self.member_code = None, None
        await self.reprice()

    # --- paying

    def sale_body(self, tenders: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "store_id": self.store_id,
            "lines": [{"sku_id": sku, "quantity": qty} for sku, qty in self._merged().items()],
            "member_id": self.member.id if self.member else None,
            "member_code": self.member_code,
            "tenders": tenders,
            "created_at": datetime.now(UTC).isoformat(),
        }

    async def pay(self, method: str, amount: int | None = None, reference: str | None = None) -> bool:
        """Take one tender for the whole amount due (cash: the money handed over, change is given)."""
        if not self.lines or self.store_id is None:
            self.fail("staff.error.empty_sale")
            return False
        if method not in TENDERS:
            self.fail("staff.error.tender_unavailable")
            return False
        if method == "card" and not (reference or "").strip():
            self.fail("staff.error.card_reference")
            return False
        due = self.due
        given = amount if amount is not None else due
        if method == CASH and given < due:
            self.fail("staff.error.tender_short")
            return False
        tender: dict[str, Any] = {"method": method, "amount": given if method == CASH else due}
        if reference:
            tender["reference"] = reference
        body = self.sale_body([tender])
        try:
            try:
                order = await self._sell(body)
            except ValidationFailed as exc:
                # The member's own coupons can lower the total below the shelf quote: the backend
                # says the total, and a card or QR tender is for exactly that.
                total = exc.detail.get("total") if isinstance(exc.detail, dict) else None
                if method == CASH or not isinstance(total, int) or total >= tender["amount"]:
                    raise
                tender["amount"] = total
                order = await self._sell(body)
        except NetworkError:
            if method != CASH:
                self.sync.went_offline()
                self.fail("staff.error.offline_cash_only")
                return False
            self.sync.queue(SALE, "POST", "/pos/offline-sales", {"sales": [body]}, key=self.client_id)
            self.queued_sale, self.order, self.receipt = body, None, None
            self.notify()
            return True
        except RetailError as exc:
            return self._failed(exc)
        self.order, self.queued_sale = order, None
        self.sync.online = True
        self.receipt = await self._run(self.client.orders.receipt(order.id))
        return True

    async def _sell(self, body: dict[str, Any]) -> Order:
        return await self.client.orders.sell(
            body["tenders"],
            lines=body["lines"],
            store_id=self.store_id,
            member_id=body["member_id"],
            member_code=body["member_code"],
            client_id=self.client_id,
            created_at=body["created_at"],
        )

    @property
    def done(self) -> bool:
        return self.order is not None or self.queued_sale is not None

    def offline_receipt(self) -> str:
        """A slip for a sale kept offline: the items and the cash taken; the final receipt follows."""
        if self.queued_sale is None:
            return ""
        rows = [f"{ln.item.name_zh}  {ln.quantity} x {ln.item.unit_price / 100:.2f}" for ln in self.lines]
        cash = sum(t["amount"] for t in self.queued_sale["tenders"])
        rows += [f"cash {cash / 100:.2f}", f"id {self.client_id[:12]}"]
        return "\n".join(rows)

    def new_sale(self) -> None:
        self.lines, self.member, self.member_code, self.quote, self.results = [], None, None, None, []
        self.order = self.receipt = self.queued_sale = None
        self.return_order = self.returned = None
        self.client_id, self.entry = idempotency_key(), ""
        self.error = self.error_message = None
        self.notify()

    # --- returns at the till

    async def find_order(self, number: str) -> bool:
        """Open a sale for a return by its number (typed, or read from the e-receipt QR)."""
        if not number.strip():
            self.fail("staff.error.order_not_found")
            return False
        order = await self._run(self.client.orders.lookup(number.strip()))
        if order is None:
            return False
        self.return_order, self.returned = order, None
        self.notify()
        return True

    async def refund(self, lines: list[tuple[int, int]], reason: str = "七天无理由退货") -> bool:
        """Take back ``(order line id, quantity)``; the money goes back to the sale's own tenders."""
        if self.return_order is None or self.store_id is None or not lines:
            return False
        done = await self._run(
            self.client.orders.create_return(self.return_order.id, self.store_id, lines, reason=reason)
        )
        if done is None:
            return False
        self.returned = done
        self.return_order = await self._run(self.client.orders.get(self.return_order.id)) or self.return_order
        self.notify()
        return True

    def _failed(self, exc: RetailError) -> bool:
        self.error = error_key(exc)
        self.error_message = exc.message if exc.message != type(exc).default_message else None
        self.notify()
        return False
