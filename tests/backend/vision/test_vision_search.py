"""Photo search through the API: barcode first, else visual similarity over uploaded catalog pictures."""

from __future__ import annotations

import io

from PIL import Image, ImageEnhance

from backend.seed.pictures import PictureSpec, render
from tests.backend.catalog.factories import add_barcode, create_category, create_product, hq_headers
from tests.factories import bearer, create_staff, create_store, staff_token
from tests.shared.devices.barcode_samples import render_symbol

API = "/api/v1"
SHAPES = ["bottle", "carton", "can", "jar", "bag", "box"]


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def photo_of(picture: Image.Image, angle: float) -> bytes:
    """A shopper's photo of a catalog picture: cropped, turned, darker, on a plain grey table."""
    w, h = picture.size
    shot = picture.crop((int(w * 0.1), int(h * 0.08), int(w * 0.92), int(h * 0.9)))
    shot = ImageEnhance.Brightness(shot).enhance(0.75)
    mask = Image.new("L", shot.size, 255).rotate(angle, expand=True)
    shot = shot.rotate(angle, expand=True)
    scene = Image.new("RGB", (shot.width + 120, shot.height + 90), (128, 120, 110))
    scene.paste(shot, (60, 45), mask)
    return _jpeg(scene)


async def _catalog(client, session, count: int = 6):
    hq = await hq_headers(client, session)
    category = await create_category(session)
    products = []
    for _ in range(count):
        product, skus = await create_product(session, category)
        products.append((product, skus))
    await session.commit()
    pictures = {}
    image_ids = {}
    for i, (product, _) in enumerate(products):
        picture = render(PictureSpec(f"VIS-{i:03d}", f"测试商品{i}", SHAPES[i % len(SHAPES)]))
        response = await client.post(
            f"{API}/catalog/products/{product.id}/images",
            files={"file": ("p.jpg", _jpeg(picture), "image/jpeg")},
            headers=hq,
        )
        assert response.status_code in (200, 201), response.text
        pictures[product.id] = picture
        image_ids[product.id] = response.json()["id"]
    return hq, products, pictures, image_ids


async def test_a_photo_finds_its_product_first_with_scores(client, session):
    hq, products, pictures, image_ids = await _catalog(client, session)
    for n, (product_id, picture) in enumerate(pictures.items()):
        response = await client.post(
            f"{API}/vision/search",
            files={"image": ("shot.jpg", photo_of(picture, angle=(-20, 15, 25)[n % 3]), "image/jpeg")},
            params={"limit": 3},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["method"] == "visual"
        assert body["indexed_images"] == len(pictures)
        matches = body["matches"]
        assert len(matches) == 3
        assert matches[0]["product_id"] == product_id
        scores = [m["score"] for m in matches]
        assert scores == sorted(scores, reverse=True) and scores[0] > scores[1]


async def test_a_visible_barcode_wins_over_looks(client, session):
    hq, products, pictures, image_ids = await _catalog(client, session, count=5)
    product, skus = products[3]
    await add_barcode(session, skus[0], "6901234567892")
    await session.commit()
    # the barcode label held in front of another product's picture
    scene = pictures[products[0][0].id].copy()
    label = Image.fromarray(render_symbol("ean13", "6901234567892")).convert("RGB")
    label.thumbnail((420, 300))
    scene.paste(label, (90, 150))
    response = await client.post(
        f"{API}/vision/search", files={"image": ("b.png", _jpeg(scene), "image/jpeg")}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["method"] == "barcode"
    assert body["matches"][0]["product_id"] == product.id
    assert body["matches"][0]["sku_id"] == skus[0].id
    assert body["matches"][0]["barcode"] == "6901234567892"


async def test_new_pictures_are_indexed_and_deleted_ones_dropped(client, session):
    hq, products, pictures, image_ids = await _catalog(client, session, count=5)
    status = await client.post(f"{API}/vision/index", headers=hq)
    assert status.status_code == 200, status.text
    assert status.json()["indexed_images"] == 5
    again = await client.post(f"{API}/vision/index", headers=hq)
    assert again.json() == {"indexed_images": 5, "added": 0, "removed": 0}
    product_id = products[0][0].id
    deleted = await client.delete(f"{API}/catalog/images/{image_ids[product_id]}", headers=hq)
    assert deleted.status_code in (200, 204), deleted.text
    after = await client.post(f"{API}/vision/index", headers=hq)
    assert after.json() == {"indexed_images": 4, "added": 4, "removed": 1}
    found = await client.post(
        f"{API}/vision/search", files={"image": ("s.jpg", photo_of(pictures[product_id], 10), "image/jpeg")}
    )
    assert product_id not in [m["product_id"] for m in found.json()["matches"]]


async def test_bad_uploads_and_outsiders_are_refused(client, session):
    not_image = await client.post(
        f"{API}/vision/search", files={"image": ("x.jpg", b"<html>not a photo</html>", "image/jpeg")}
    )
    assert not_image.status_code in (400, 415, 422), not_image.text
    assert "error" in not_image.json()
    empty = await client.post(f"{API}/vision/search", files={"image": ("x.jpg", b"", "image/jpeg")})
    assert empty.status_code in (400, 415, 422)
    store = await create_store(session)
    clerk = await create_staff(session, roles=["clerk"], stores=[store])
    await session.commit()
    refused = await client.post(f"{API}/vision/index", headers=bearer(await staff_token(client, clerk)))
    assert refused.status_code == 403
    nobody = await client.post(f"{API}/vision/index")
    assert nobody.status_code == 401
