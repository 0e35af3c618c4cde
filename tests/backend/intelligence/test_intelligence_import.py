"""Importing historical sales: column mapping, bad rows with line numbers, idempotent re-import."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backend.core.errors import BadRequest
from backend.intelligence.importer import import_rows, parse_mapping
from backend.intelligence.models import SaleHistory
from tests.factories import create_member, create_sku, create_store


async def _count(session) -> int:  # type: ignore[no-untyped-def]
    return int(await session.scalar(select(func.count(SaleHistory.id))))


async def test_import_maps_columns_and_is_idempotent(session) -> None:  # type: ignore[no-untyped-def]
    store = await create_store(session)
    sku = await create_sku(session)
    member = await create_member(session)
    await session.commit()
    text = (
        "Invoice,Customer,Shop,Item,Qty,Total,When\n"
        f"A1,{member.phone},{store.code},{sku.code},2,19.90,2025-03-01 10:00:00\n"
        f"A1,{member.phone},{store.code},{sku.code},1,9.95,2025-03-01 10:00:00\n"
        f'A2,guest-7,{store.code},{sku.code},1,"1,000.00",2025-03-02T09:30:00+08:00\n'
    )
    mapping = parse_mapping(
        [
            "order_id=Invoice",
            "customer=Customer",
            "store=Shop",
            "sku=Item",
            "quantity=Qty",
            "amount=Total",
            "time=When",
        ]
    )
    result = await import_rows(session, text.splitlines(keepends=True), mapping)
    await session.commit()
    assert result.summary() == {"rows": 3, "imported": 3, "already": 0, "bad": 0}
    rows = list(await session.scalars(select(SaleHistory).order_by(SaleHistory.id)))
    assert [(r.order_ref, r.line_no, r.quantity, r.amount) for r in rows] == [
        ("A1", 1, 2, 1990),
        ("A1", 2, 1, 995),
        ("A2", 1, 1, 100000),
    ]
    assert rows[0].member_id == member.id and rows[2].member_id is None and rows[2].customer_ref == "guest-7"
    assert rows[0].store_id == store.id and rows[0].sku_id == sku.id
    # 10:00 Shanghai time is 02:00 UTC
    assert rows[0].sold_at.hour == 2 and rows[2].sold_at.hour == 1

    again = await import_rows(session, text.splitlines(keepends=True), mapping)
    await session.commit()
    assert again.summary() == {"rows": 3, "imported": 0, "already": 3, "bad": 0}
    assert await _count(session) == 3


async def test_bad_rows_are_reported_by_line_and_nothing_is_written(session) -> None:  # type: ignore[no-untyped-def]
    store = await create_store(session)
    sku = await create_sku(session)
    await session.commit()
    text = (
        "order_id,customer,store,sku,quantity,amount,time\n"
        f"B1,,{store.code},{sku.code},1,5.00,2025-03-01 10:00\n"
        f"B2,,{store.code},NOPE,1,5.00,2025-03-01 10:00\n"
        f"B3,,{store.code},{sku.code},two,5.00,2025-03-01 10:00\n"
        f"B4,,ZZZ,{sku.code},1,5.00,2025-03-01 10:00\n"
        f"B5,,{store.code},{sku.code},1,5.00,yesterday\n"
    )
    result = await import_rows(session, text.splitlines(keepends=True))
    await session.rollback()
    assert [(e.line, e.reason.split(" ")[0]) for e in result.errors] == [
        (3, "'NOPE'"),
        (4, "quantity"),
        (5, "store"),
        (6, "time"),
    ]
    assert result.imported == 0 and await _count(session) == 0

    partial = await import_rows(session, text.splitlines(keepends=True), skip_bad=True)
    await session.commit()
    assert partial.imported == 1 and len(partial.errors) == 4 and await _count(session) == 1


async def test_missing_columns_and_bad_mapping_are_refused(session) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadRequest, match="no column for"):
        await import_rows(session, ["order_id,sku\n", "A,B\n"])
    with pytest.raises(BadRequest, match="bad --map"):
        parse_mapping(["colour=Colour"])
