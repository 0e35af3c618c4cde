"""Stock work at the active store: receiving against a document, stocktakes by scanning with a
variance review, transfers between stores, adjustments with a reason, the near-expiry list."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

from apps.staff.viewmodels.base import StaffViewModel, error_key
from apps.staff.viewmodels.sync import COUNT, SyncVM
from backend.inventory.schemas import Batch, Document, Stock, Stocktake, Transfer, Variance
from shared.errors import NotFound, RetailError, ValidationFailed
from shared.sdk import AsyncClient, NetworkError, idempotency_key


@dataclass
class Known:
    sku_id: int
    name_zh: str
    name_en: str


class _StoreVM(StaffViewModel):
    """A stock view-model bound to the active store, resolving scanned barcodes to SKUs (and keeping
    them, so counting can go on while the backend is away)."""

    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.store_id: int | None = None
        self.known: dict[str, Known] = {}
        self.names: dict[int, Known] = {}

    def at_store(self, store_id: int | None) -> None:
        if store_id != self.store_id:
            self.store_id = store_id
            self.clear()

    def clear(self) -> None:
        self.error = self.error_message = None
        self.notify()

    async def resolve(self, code: str) -> Known | None:
        """The SKU of a barcode; None (with the error set) if unknown or unreachable and not kept."""
        code = code.strip()
        if code in self.known:
            return self.known[code]
        try:
            match = await self.client.catalog.lookup_barcode(code, store_id=self.store_id)
        except (NotFound, ValidationFailed):
            self.fail("staff.error.unknown_barcode")
            return None
        except NetworkError:
            self.fail("staff.error.offline_unknown")
            return None
        found = Known(match.sku.id, match.product.name_zh, match.product.name_en)
        self.known[code] = found
        self.names[found.sku_id] = found
        return found

    async def learn(self, sku_ids: list[int]) -> None:
        """Names of SKUs on a document or transfer, from this store's stock list."""
        missing = [s for s in dict.fromkeys(sku_ids) if s not in self.names]
        if not missing or self.store_id is None:
            return
        try:
            page = await self.client.inventory.store_stock(self.store_id, sku_ids=missing, page_size=100)
        except RetailError:
            return
        for row in page.items:
            self.names[row.sku_id] = Known(row.sku_id, row.name_zh, row.name_en)

    def name(self, sku_id: int, lang: str) -> str:
        known = self.names.get(sku_id)
        if known is None:
            return f"#{sku_id}"
        return known.name_en if lang == "en" and known.name_en else known.name_zh


class StocktakeVM(_StoreVM):
    """Count a shelf zone (or the whole store) by scanning; review the variance; submit and post."""

    def __init__(self, client: AsyncClient, sync: SyncVM) -> None:
        super().__init__(client)
        self.sync = sync
        self.take: Stocktake | None = None
        self.counted: dict[int, int] = {}
        self.variance: Variance | None = None
        self.open_takes: list[Stocktake] = []
        self.entry = ""

    def clear(self) -> None:
        self.take, self.counted, self.variance, self.open_takes = None, {}, None, []
        super().clear()

    async def load(self) -> bool:
        if self.store_id is None:
            return False
        takes = await self._run(self.client.inventory.stocktakes(store_id=self.store_id))
        if takes is None:
            return False
        self.open_takes = [t for t in takes if t.status in ("open", "submitted")]
        self.notify()
        return True

    async def start(self, shelf_zone: str | None = None, note: str | None = None) -> bool:
        if self.store_id is None:
            return False
        take = await self._run(
            self.client.inventory.create_stocktake(
                self.store_id, shelf_zone=shelf_zone or None, note=note, key=idempotency_key()
            )
        )
        if take is None:
            return False
        self._opened(take)
        return True

    async def open(self, stocktake_id: int) -> bool:
        take = await self._run(self.client.inventory.stocktake(stocktake_id))
        if take is None:
            return False
        self._opened(take)
        return True

    def _opened(self, take: Stocktake) -> None:
        self.take, self.variance = take, None
        self.counted = {ln.sku_id: ln.counted for ln in take.lines if ln.counted}
        self.notify()

    async def scan(self, entry: str | None = None, quantity: int = 1) -> bool:
        """Count units of the scanned item; offline, the count waits in the outbox with its client id."""
        code = (entry if entry is not None else self.entry).strip()
        self.entry = ""
        if self.take is None or not code:
            self.notify()
            return False
        client_id = idempotency_key()
        path = f"/inventory/stocktakes/{self.take.id}/scans"
        body = {"barcode": code, "sku_id": None, "quantity": quantity, "client_id": client_id}
        try:
            result = await self.client.inventory.scan(
                self.take.id, barcode=code, quantity=quantity, client_id=client_id
            )
        except NetworkError:
            self.sync.queue(COUNT, "POST", path, body, key=client_id)
            known = self.known.get(code)
            if known is not None:
                self.counted[known.sku_id] = self.counted.get(known.sku_id, 0) + quantity
            self.error = self.error_message = None
            self.notify()
            return True
        except RetailError as exc:
            self.fail(error_key(exc))
            return False
        self.sync.online = True
        self.counted[result.sku_id] = result.counted
        if code not in self.known:
            await self.resolve(code)
        self.error = self.error_message = None
        self.notify()
        return True

    async def review(self) -> bool:
        """Counted against expected, with the value of what is over and short."""
        if self.take is None:
            return False
        variance = await self._run(self.client.inventory.variance(self.take.id))
        if variance is None:
            return False
        self.variance = variance
        await self.learn([ln.sku_id for ln in variance.lines])
        self.notify()
        return True

    async def act(self, action: str) -> bool:
        """submit (clerk), post (manager: stock is set to the counts), reopen or cancel."""
        if self.take is None:
            return False
        take = await self._run(self.client.inventory.stocktake_action(self.take.id, action))
        if take is None:
            return False
        if action in ("submit", "post"):
            # The variance is read before the new state shows, so the next step's button appears enabled.
            await self.review()
        self.take = take
        self.notify()
        return True


class TransferVM(_StoreVM):
    """Ask another store for stock, approve and ship what others asked of this store, receive."""

    def __init__(self, client: AsyncClient) -> None:
        super().__init__(client)
        self.transfers: list[Transfer] = []
        self.draft: dict[int, int] = {}
        self.current: Transfer | None = None

    def clear(self) -> None:
        self.transfers, self.draft, self.current = [], {}, None
        super().clear()

    @property
    def outgoing(self) -> list[Transfer]:
        return [t for t in self.transfers if t.from_store_id == self.store_id]

    @property
    def incoming(self) -> list[Transfer]:
        return [t for t in self.transfers if t.to_store_id == self.store_id]

    async def load(self) -> bool:
        if self.store_id is None:
            return False
        found = await self._run(self.client.inventory.transfers(store_id=self.store_id))
        if found is None:
            return False
        live = [t for t in found if t.status not in ("received", "cancelled")]
        # The list leaves the lines out; the few open transfers are read whole.
        whole = await self._run(asyncio.gather(*(self.client.inventory.transfer(t.id) for t in live)))
        self.transfers = list(whole) if whole is not None else live
        await self.learn([ln.sku_id for t in self.transfers for ln in t.lines])
        self.notify()
        return True

    async def add(self, code: str, quantity: int = 1) -> bool:
        """Put a scanned item on the request being drafted."""
        known = await self.resolve(code)
        if known is None:
            return False
        self.draft[known.sku_id] = self.draft.get(known.sku_id, 0) + quantity
        self.error = None
        self.notify()
        return True

    async def request(self, from_store_id: int, note: str | None = None) -> bool:
        """Ask ``from_store_id`` to send the drafted items to this store."""
        if self.store_id is None or not self.draft:
            self.fail("staff.error.empty_transfer")
            return False
        made = await self._run(
            self.client.inventory.create_transfer(
                from_store_id, self.store_id, list(self.draft.items()), note=note, key=idempotency_key()
            )
        )
        if made is None:
            return False
        self.current, self.draft = made, {}
        await self.load()
        return True

    async def act(self, transfer_id: int, action: str) -> bool:
        """approve or ship (the sending store), cancel."""
        done = await self._run(self.client.inventory.transfer_action(transfer_id, action))
        if done is None:
            return False
        self.current = done
        await self.load()
        return True

    async def receive(self, transfer_id: int, short: list[tuple[int, int, str]] | None = None) -> bool:
        """Take in a shipped transfer; lines that arrived short say how many came and why."""
        done = await self._run(self.client.inventory.receive_transfer(transfer_id, short or []))
        if done is None:
            return False
        self.current = done
        await self.load()
        return True


class ReceivingVM(_StoreVM):
    """Check a delivery against its receipt document by scanning, then post it into stock."""

    def __init__(self, client: AsyncClient) -> None:
        super().__init__(client)
        self.documents: list[Document] = []
        self.document: Document | None = None
        self.checked: dict[int, int] = {}

    def clear(self) -> None:
        self.documents, self.document, self.checked = [], None, {}
        super().clear()

    async def load(self) -> bool:
        if self.store_id is None:
            return False
        docs = await self._run(self.client.inventory.documents(store_id=self.store_id, kind="receipt"))
        if docs is None:
            return False
        self.documents = [d for d in docs if d.status in ("draft", "submitted", "approved")]
        self.notify()
        return True

    async def open(self, doc_id: int) -> bool:
        doc = await self._run(self.client.inventory.document(doc_id))
        if doc is None:
            return False
        self.document, self.checked = doc, {}
        await self.learn([ln.sku_id for ln in doc.lines])
        self.notify()
        return True

    def expected(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for line in self.document.lines if self.document else []:
            out[line.sku_id] = out.get(line.sku_id, 0) + line.quantity
        return out

    async def scan(self, code: str, quantity: int = 1) -> bool:
        """Tick off units of a delivered item; an item not on the document is refused."""
        known = await self.resolve(code)
        if known is None or self.document is None:
            return False
        if known.sku_id not in self.expected():
            self.fail("staff.error.not_on_document")
            return False
        self.checked[known.sku_id] = self.checked.get(known.sku_id, 0) + quantity
        self.error = None
        self.notify()
        return True

    @property
    def differences(self) -> dict[int, int]:
        """Per SKU: checked minus expected, only where they differ."""
        expected = self.expected()
        return {
            sku: self.checked.get(sku, 0) - qty
            for sku, qty in expected.items()
            if self.checked.get(sku, 0) != qty
        }

    async def post(self) -> bool:
        """Move the document on to posted (submit, approve, post as the role allows); stock goes up."""
        if self.document is None:
            return False
        if self.differences:
            self.fail("staff.error.delivery_differs")
            return False
        steps = {"draft": "submit", "submitted": "approve", "approved": "post"}
        while self.document.status in steps:
            doc = await self._run(
                self.client.inventory.document_action(self.document.id, steps[self.document.status])
            )
            if doc is None:
                return False
            self.document = doc
        await self.load()
        return True


class AdjustVM(_StoreVM):
    """Correct the count of one item, with the reason written to the ledger (manager)."""

    REASONS = ("damaged", "lost", "found", "expired", "count_correction")

    def __init__(self, client: AsyncClient) -> None:
        super().__init__(client)
        self.item: Known | None = None
        self.stock: Stock | None = None

    def clear(self) -> None:
        self.item, self.stock = None, None
        super().clear()

    async def choose(self, code: str) -> bool:
        known = await self.resolve(code)
        if known is None:
            return False
        self.item, self.stock = known, None
        self.error = None
        self.notify()
        return True

    async def adjust(self, delta: int, reason: str) -> bool:
        if self.item is None or self.store_id is None or delta == 0:
            self.fail("staff.error.adjust_nothing")
            return False
        if reason not in self.REASONS:
            self.fail("staff.error.adjust_reason")
            return False
        stock = await self._run(
            self.client.inventory.adjust(
                self.store_id, self.item.sku_id, delta, reason, key=idempotency_key()
            )
        )
        if stock is None:
            return False
        self.stock = stock
        self.notify()
        return True


# The one-tap markdown on a near-expiry batch (basis points off).
MARKDOWN_BP = 3000


class ExpiryVM(_StoreVM):
    """Batches that expire soon, soonest first, so they go to the front or are marked down (one tap)."""

    def __init__(self, client: AsyncClient) -> None:
        super().__init__(client)
        self.batches: list[Batch] = []
        self.days = 7
        # batch id -> basis points off in force; SKU id -> its price at the store now.
        self.marked: dict[int, int] = {}
        self.prices: dict[int, int] = {}

    def clear(self) -> None:
        self.batches, self.marked, self.prices = [], {}, {}
        super().clear()

    async def mark_down(self, batch_id: int, percent_bp: int = MARKDOWN_BP) -> bool:
        """Mark a near-expiry batch down at this store; the shelf price follows at once."""
        if self.store_id is None:
            return False
        done = await self._run(self.client.pricing.mark_down(self.store_id, batch_id, percent_bp))
        if done is None:
            return False
        self.marked[batch_id] = done.percent_bp
        price = await self._run(self.client.pricing.price(done.sku_id, self.store_id))
        if price is not None:
            self.prices[done.sku_id] = price.price
        self.notify()
        return True

    async def load(self, days: int | None = None) -> bool:
        if self.store_id is None:
            return False
        self.days = days or self.days
        found = await self._run(self.client.inventory.batches(self.store_id, expiring_within_days=self.days))
        if found is None:
            return False
        self.batches = sorted((b for b in found if b.quantity > 0), key=lambda b: b.expires_on or date.max)
        await self.learn([b.sku_id for b in self.batches])
        try:
            markdowns = await self.client.pricing.markdowns(self.store_id)
        except RetailError:
            markdowns = []
        self.marked = {m.batch_id: m.percent_bp for m in markdowns}
        self.notify()
        return True
