"""The store's appointments for one local day, per technician, soonest first; a technician sees their own
day and works a booking's work order on site: start it, quote labour and the parts scanned from the
store's stock, add photos before and after (real uploads), complete it once the customer has paid."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from apps.staff.viewmodels.base import StaffViewModel
from backend.appointments.schemas import Booking, WorkOrder
from shared.errors import NotFound, ValidationFailed
from shared.sdk import AsyncClient

PHOTO_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}


def photo_type(filename: str) -> str:
    """The content type the upload is sent with (the backend decodes the bytes to be sure)."""
    for ext, kind in PHOTO_TYPES.items():
        if filename.lower().endswith(ext):
            return kind
    return "application/octet-stream"


class AppointmentsVM(StaffViewModel):
    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.store_id: int | None = None
        self.tz = ZoneInfo("Asia/Shanghai")
        self.day: date | None = None
        self.bookings: list[Booking] = []
        self.technician_id: int | None = None
        # The work order being worked on, and what the technician typed for its quote.
        self.work: WorkOrder | None = None
        self.parts: dict[int, int] = {}
        self.part_names: dict[int, str] = {}
        self.labour = ""
        self.diagnosis = ""
        self.entry = ""

    def at_store(self, store_id: int | None, timezone: str = "Asia/Shanghai") -> None:
        if store_id != self.store_id:
            self.store_id, self.bookings = store_id, []
            self.tz = ZoneInfo(timezone)
            self.close()

    def for_staff(self, staff_id: int | None, roles: list[str] | tuple[str, ...]) -> None:
        """A technician (not a manager) sees their own day; managers see every technician's."""
        own = "technician" in roles and "store_manager" not in roles
        self.technician_id = staff_id if own else None
        self.notify()

    def today(self) -> date:
        return datetime.now(self.tz).date()

    @property
    def shown(self) -> list[Booking]:
        """The day's bookings (one technician's when chosen), cancelled ones left out."""
        return [
            b
            for b in self.bookings
            if b.cancelled_at is None
            and (self.technician_id is None or b.technician_id == self.technician_id)
        ]

    async def load(self, day: date | None = None) -> bool:
        if self.store_id is None:
            return False
        self.day = day or self.day or self.today()
        begin = datetime.combine(self.day, time.min, self.tz)
        found = await self._run(self.client.appointments.store_bookings(self.store_id))
        if found is None:
            return False
        end = begin + timedelta(days=1)
        self.bookings = sorted(
            (b for b in found if begin <= b.start_at.astimezone(self.tz) < end), key=lambda b: b.start_at
        )
        self.notify()
        return True

    def only(self, technician_id: int | None) -> None:
        self.technician_id = technician_id
        self.notify()

    # --- the work order of a booking

    async def start(self, booking_id: int) -> bool:
        """Open (or reopen: the same one comes back) the booking's work order on arrival."""
        work = await self._run(self.client.appointments.open_work_order(booking_id, self.diagnosis.strip()))
        if work is None:
            return False
        self._show(work)
        return True

    def _show(self, work: WorkOrder) -> None:
        self.work = work
        self.parts = {p.sku_id: p.quantity for p in work.parts}
        self.part_names.update({p.sku_id: p.name_zh for p in work.parts})
        if work.labour and not self.labour:
            self.labour = f"{work.labour / 100:.2f}"
        self.diagnosis = work.diagnosis or self.diagnosis
        self.notify()

    async def reload(self) -> bool:
        if self.work is None:
            return False
        work = await self._run(self.client.appointments.work_order(self.work.id))
        if work is None:
            return False
        self._show(work)
        return True

    def close(self) -> None:
        self.work, self.parts, self.labour, self.diagnosis, self.entry = None, {}, "", "", ""
        self.error = self.error_message = None
        self.notify()

    @property
    def editable(self) -> bool:
        return self.work is not None and self.work.status in ("open", "quoted")

    async def scan_part(self, code: str | None = None) -> bool:
        """A part's barcode from the store's stock adds one to the quote being written."""
        text = (code if code is not None else self.entry).strip()
        self.entry = ""
        if not text or self.store_id is None:
            self.notify()
            return False
        try:
            match = await self.client.catalog.lookup_barcode(text, store_id=self.store_id)
        except (NotFound, ValidationFailed):
            self.fail("staff.error.unknown_barcode")
            return False
        self.parts[match.sku.id] = self.parts.get(match.sku.id, 0) + 1
        self.part_names[match.sku.id] = match.product.name_zh
        self.error = self.error_message = None
        self.notify()
        return True

    def set_part(self, sku_id: int, quantity: int) -> None:
        if quantity <= 0:
            self.parts.pop(sku_id, None)
        else:
            self.parts[sku_id] = quantity
        self.notify()

    def labour_fen(self) -> int | None:
        try:
            value = Decimal(self.labour.strip() or "0")
        except InvalidOperation:
            return None
        if value < 0 or value != value.quantize(Decimal("0.01")):
            return None
        return int(value * 100)

    async def send_quote(self) -> bool:
        """Quote labour and the scanned parts (priced at the store by the backend)."""
        if self.work is None:
            return False
        labour = self.labour_fen()
        if labour is None:
            self.fail("staff.error.labour")
            return False
        work = await self._run(
            self.client.appointments.quote_work(
                self.work.id, labour, sorted(self.parts.items()), self.diagnosis.strip() or None
            )
        )
        if work is None:
            return False
        self._show(work)
        return True

    async def add_photo(self, stage: str, data: bytes, filename: str = "photo.jpg") -> bool:
        """Upload a photo taken before or after the work (the backend decodes it to be sure)."""
        if self.work is None or not data:
            self.fail("staff.error.photo_missing")
            return False
        photo = await self._run(
            self.client.appointments.add_work_photo(self.work.id, stage, data, filename, photo_type(filename))
        )
        if photo is None:
            return False
        return await self.reload()

    def photos(self, stage: str) -> int:
        return sum(1 for p in self.work.photos if p.stage == stage) if self.work else 0

    async def complete(self) -> bool:
        """Finish the job (the backend wants it confirmed, paid and photographed after)."""
        if self.work is None:
            return False
        work = await self._run(self.client.appointments.complete_work(self.work.id))
        if work is None:
            return False
        self._show(work)
        await self.load()
        return True
