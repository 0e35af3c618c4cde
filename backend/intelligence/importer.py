"""Import historical sales from another system (``omo import transactions FILE.csv``).

Each CSV row is one sale line: order id, customer, store, SKU or product code, quantity, amount (yuan)
and time. Other column names are mapped with ``--map field=Column``. Every row is checked first and bad
rows are reported with their line numbers; nothing is written unless all rows are good (or ``skip_bad``).
Re-importing the same file changes nothing: a line is keyed by its order id and its place in the order.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from backend.catalog.models import Product, Sku
from backend.core.errors import BadRequest
from backend.intelligence.models import SaleHistory
from backend.members.models import Member
from backend.stores.models import Store

FIELDS = ("order_id", "customer", "store", "sku", "quantity", "amount", "time")
REQUIRED = ("order_id", "sku", "quantity", "amount", "time")
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d")
CHUNK = 1000


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    already: int = 0
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "imported": self.imported,
            "already": self.already,
            "bad": len(self.errors),
        }


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """``["customer=CustomerID", ...]`` → {field: column}; unknown fields are refused."""
    mapping = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or name.strip() not in FIELDS or not column.strip():
            raise BadRequest(f"bad --map {pair!r}: use field=Column with field one of {', '.join(FIELDS)}")
        mapping[name.strip()] = column.strip()
    return mapping


def _time(text: str, tz: ZoneInfo) -> datetime:
    text = text.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
        for fmt in TIME_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if parsed is None:
            raise ValueError(f"time {text!r} is not a date-time (e.g. 2025-03-01 14:05:00)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(ZoneInfo("UTC"))


@dataclass(frozen=True)
class _Row:
    line: int
    order_ref: str
    customer: str | None
    store: str | None
    sku: str
    quantity: int
    amount: int
    at: datetime


def read_rows(
    lines: Iterable[str], mapping: dict[str, str], tz: str = "Asia/Shanghai"
) -> Iterator[_Row | RowError]:
    """Parse and check rows (line numbers count the header as line 1)."""
    zone = ZoneInfo(tz)
    reader = csv.DictReader(lines)
    columns = {name: mapping.get(name, name) for name in FIELDS}
    header = reader.fieldnames or []
    missing = [f"{name} (column {columns[name]!r})" for name in REQUIRED if columns[name] not in header]
    if missing:
        raise BadRequest(
            f"the file has no column for {', '.join(missing)}; found columns: {', '.join(header)}"
        )
    for number, raw in enumerate(reader, start=2):

        def get(name: str, raw: dict[str, str | None] = raw) -> str:
            return (raw.get(columns[name]) or "").strip()

        try:
            order_ref, sku = get("order_id"), get("sku")
            if not order_ref:
                raise ValueError("order id is empty")
            if not sku:
                raise ValueError("SKU / product code is empty")
            try:
                quantity = int(Decimal(get("quantity")))
            except InvalidOperation:
                raise ValueError(f"quantity {get('quantity')!r} is not a number") from None
            if quantity == 0:
                raise ValueError("quantity is 0")
            try:
                amount = int((Decimal(get("amount").replace(",", "")) * 100).quantize(Decimal(1)))
            except InvalidOperation:
                raise ValueError(f"amount {get('amount')!r} is not a number of yuan") from None
            yield _Row(
                number,
                order_ref[:64],
                get("customer")[:64] or None,
                get("store")[:32] or None,
                sku[:40],
                quantity,
                amount,
                _time(get("time"), zone),
            )
        except ValueError as exc:
            yield RowError(number, str(exc))


async def _lookups(
    session: AsyncSession, rows: list[_Row]
) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    stores = {r.store for r in rows if r.store}
    codes = {r.sku for r in rows}
    customers = {r.customer for r in rows if r.customer}
    store_ids = dict(
        (await session.execute(select(Store.code, Store.id).where(Store.code.in_(stores)))).all()
    )
    sku_ids = dict((await session.execute(select(Sku.code, Sku.id).where(Sku.code.in_(codes)))).all())
    by_product = await session.execute(
        select(Product.code, Sku.id).join(Sku, Sku.product_id == Product.id).where(Product.code.in_(codes))
    )
    for code, sku_id in by_product.all():
        sku_ids.setdefault(code, sku_id)
    members = dict(
        (await session.execute(select(Member.phone, Member.id).where(Member.phone.in_(customers)))).all()
    )
    return store_ids, sku_ids, members


async def import_rows(
    session: AsyncSession,
    lines: Iterable[str],
    mapping: dict[str, str] | None = None,
    *,
    tz: str = "Asia/Shanghai",
    skip_bad: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check every row, then write the new ones (the caller commits)."""
    result = ImportResult()
    good: list[_Row] = []
    for item in read_rows(lines, mapping or {}, tz):
        result.rows += 1
        if isinstance(item, RowError):
            result.errors.append(item)
        else:
            good.append(item)
    store_ids, sku_ids, members = await _lookups(session, good)
    checked = []
    for row in good:
        if row.store and row.store not in store_ids:
            result.errors.append(RowError(row.line, f"store {row.store!r} is not a store code"))
        elif row.sku not in sku_ids:
            result.errors.append(RowError(row.line, f"{row.sku!r} is neither a SKU code nor a product code"))
        else:
            checked.append(row)
    result.errors.sort(key=lambda e: e.line)
    if result.errors and not skip_bad:
        return result
    position: dict[str, int] = defaultdict(int)
    keyed = []
    for row in checked:
        position[row.order_ref] += 1
        keyed.append((row, position[row.order_ref]))
    for start in range(0, len(keyed), CHUNK):
        chunk = keyed[start : start + CHUNK]
        keys = [(row.order_ref, n) for row, n in chunk]
        existing = set(
            (
                await session.execute(
                    select(SaleHistory.order_ref, SaleHistory.line_no).where(
                        tuple_(SaleHistory.order_ref, SaleHistory.line_no).in_(keys)
                    )
                )
            ).all()
        )
        for row, n in chunk:
            if (row.order_ref, n) in existing:
                result.already += 1
                continue
            session.add(
                SaleHistory(
                    order_ref=row.order_ref,
                    line_no=n,
                    customer_ref=row.customer,
                    member_id=members.get(row.customer) if row.customer else None,
                    store_id=store_ids.get(row.store) if row.store else None,
                    store_code=row.store,
                    sku_id=sku_ids[row.sku],
                    sku_code=row.sku,
                    quantity=row.quantity,
                    amount=row.amount,
                    sold_at=row.at,
                )
            )
            result.imported += 1
        await session.flush()
        if progress is not None:
            progress(len(chunk))
    return result


def count_lines(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return max(sum(1 for _ in handle) - 1, 0)
