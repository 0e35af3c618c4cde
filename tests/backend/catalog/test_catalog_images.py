"""Product images: decoded to be sure they are images, stored, served and listed."""

from __future__ import annotations

import io

from PIL import Image

from tests.backend.catalog.factories import create_category, create_product, hq_headers
from tests.factories import bearer, create_staff, create_store, staff_token

API = "/api/v1/catalog"


def picture(fmt: str, size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


async def _setup(client, session):
    hq = await hq_headers(client, session)
    product, _ = await create_product(session, await create_category(session))
    await session.commit()
    return hq, product


async def test_png_and_jpeg_are_stored_served_and_listed(client, session, settings):
    hq, product = await _setup(client, session)
    png = picture("PNG")
    uploaded = await client.post(
        f"{API}/products/{product.id}/images", files={"file": ("milk.png", png, "image/png")}, headers=hq
    )
    assert uploaded.status_code == 201, uploaded.text
    image = uploaded.json()
    assert (image["width"], image["height"], image["content_type"]) == (40, 30, "image/png")
    # The JPEG is recognised by its content, whatever name and type the client gives.
    jpeg = picture("JPEG", (64, 48))
    second = await client.post(
        f"{API}/products/{product.id}/images",
        files={"file": ("photo.bin", jpeg, "application/octet-stream")},
        headers=hq,
    )
    assert second.status_code == 201 and second.json()["content_type"] == "image/jpeg"
    assert (second.json()["width"], second.json()["height"]) == (64, 48)

    served = await client.get(image["url"])
    assert served.status_code == 200 and served.content == png
    assert served.headers["content-type"] == "image/png"
    assert list((settings.var_dir / "media" / "products" / str(product.id)).iterdir())

    listed = (await client.get(f"{API}/products")).json()["items"][0]
    assert listed["image_urls"] == [image["url"], second.json()["url"]]
    detail = (await client.get(f"{API}/products/{product.id}")).json()
    assert [i["id"] for i in detail["images"]] == [image["id"], second.json()["id"]]

    removed = await client.delete(f"/api/v1/catalog/images/{image['id']}", headers=hq)
    assert removed.status_code == 204
    assert (await client.get(image["url"])).status_code == 404
    assert (await client.get(f"{API}/products")).json()["items"][0]["image_urls"] == [second.json()["url"]]


async def test_non_images_damaged_and_oversized_files_are_refused(client, session):
    hq, product = await _setup(client, session)
    url = f"{API}/products/{product.id}/images"
    text = await client.post(
        url, files={"file": ("evil.png", b"<script>alert(1)</script>", "image/png")}, headers=hq
    )
    assert text.status_code == 422 and text.json()["error"] == "invalid_image"
    truncated = await client.post(
        url, files={"file": ("cut.png", picture("PNG")[:60], "image/png")}, headers=hq
    )
    assert truncated.status_code == 422 and truncated.json()["error"] == "invalid_image"
    empty = await client.post(url, files={"file": ("empty.png", b"", "image/png")}, headers=hq)
    assert empty.status_code == 422
    bmp = await client.post(url, files={"file": ("x.bmp", picture("BMP"), "image/bmp")}, headers=hq)
    assert bmp.status_code == 422 and "BMP" in str(bmp.json()["detail"])
    huge = picture("PNG") + b"\0" * (5 * 1024 * 1024)
    too_big = await client.post(url, files={"file": ("big.png", huge, "image/png")}, headers=hq)
    assert too_big.status_code == 413 and too_big.json()["error"] == "image_too_large"
    giant = await client.post(
        url, files={"file": ("wide.png", picture("PNG", (9000, 1)), "image/png")}, headers=hq
    )
    assert giant.status_code == 413
    missing = await client.post(url, headers=hq)
    assert missing.status_code == 422
    assert (await client.get(f"{API}/products/{product.id}")).json()["images"] == []


async def test_only_hq_uploads_images(client, session):
    _, product = await _setup(client, session)
    store = await create_store(session)
    manager = await create_staff(session, roles=["store_manager"], stores=[store])
    await session.commit()
    headers = bearer(await staff_token(client, manager))
    files = {"file": ("a.png", picture("PNG"), "image/png")}
    assert (
        await client.post(f"{API}/products/{product.id}/images", files=files, headers=headers)
    ).status_code == 403
    assert (await client.post(f"{API}/products/{product.id}/images", files=files)).status_code == 401
    hq = await hq_headers(client, session)
    assert (await client.post(f"{API}/products/999999/images", files=files, headers=hq)).status_code == 404
