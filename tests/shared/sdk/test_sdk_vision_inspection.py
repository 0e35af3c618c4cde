"""The SDK's photo search and store-audit calls against the real app."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import httpx

from backend.seed.pictures import PictureSpec, render
from shared import sdk
from tests.factories import PASSWORD, create_staff


def _jpeg(code: str, shape: str) -> bytes:
    buffer = io.BytesIO()
    render(PictureSpec(code, f"商品{code}", shape)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


async def test_sdk_photo_search_and_audit_flags(app, session):
    staff = await create_staff(session, ["hq_admin"])
    await session.commit()
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    async with sdk.AsyncClient(http=http) as hq:
        await hq.auth.staff_login(staff.username, PASSWORD)
        category = await hq.catalog.create_category("drinks", "饮料", "Drinks")
        ids = []
        for code, shape in (("SDKV-1", "bottle"), ("SDKV-2", "can"), ("SDKV-3", "bag")):
            product = await hq.catalog.create_product(
                code=code,
                category_id=category.id,
                name_zh=code,
                name_en=code,
                status="on_sale",
                skus=[{"code": f"{code}-1", "base_price": 500}],
            )
            await hq.catalog.upload_image(product.id, "p.jpg", _jpeg(code, shape), "image/jpeg")
            ids.append(product.id)
        status = await hq.vision.refresh_index()
        assert status.indexed_images == 3
        found = await hq.vision.search(_jpeg("SDKV-2", "can"), limit=2)
        assert found.method == "visual" and found.matches[0].product_id == ids[1]
        run = await hq.inspection.run(days=30, end=datetime(2026, 6, 1, tzinfo=UTC))
        assert run.flags == 0 and run.stores == 0
        flags = await hq.inspection.flags()
        assert flags.flags == [] and flags.period_end == datetime(2026, 6, 1, tzinfo=UTC)
