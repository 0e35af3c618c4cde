"""Barcodes: check digits, symbology, duplicates and lookup, through the HTTP API."""

from __future__ import annotations

from tests.backend.catalog.factories import add_barcode, create_category, create_product, hq_headers
from tests.backend.pricing.factories import create_price_list
from tests.factories import create_store

API = "/api/v1/catalog"

# Real-world style codes with correct GS1 check digits.
EAN13 = "6901234567892"
EAN8 = "96385074"
UPCA = "036000291452"


async def _product_with_barcodes(client, session, barcodes, code="MILK"):
    hq = await hq_headers(client, session)
    category = await create_category(session)
    await session.commit()
    body = {
        "code": code,
        "category_id": category.id,
        "name_zh": "纯牛奶",
        "name_en": "Pure Milk",
        "status": "on_sale",
        "skus": [{"code": f"{code}-1", "base_price": 350, "barcodes": barcodes}],
    }
    return hq, await client.post(f"{API}/products", json=body, headers=hq)


async def test_valid_ean13_ean8_upca_are_accepted_with_their_symbology(client, session):
    hq, response = await _product_with_barcodes(client, session, [EAN13, EAN8, UPCA])
    assert response.status_code == 201, response.text
    barcodes = response.json()["skus"][0]["barcodes"]
    assert {(b["code"], b["symbology"]) for b in barcodes} == {
        (EAN13, "ean13"),
        (EAN8, "ean8"),
        (UPCA, "upca"),
    }


# code -> reason the API gives
INVALID = [
    ("6901234567891", "bad_check_digit"),
    ("96385073", "bad_check_digit"),
    ("036000291453", "bad_check_digit"),
    ("690123456789", "bad_check_digit"),  # 12 digits read as UPC-A, whose check digit is then wrong
    ("12345", "bad_length"),
    ("69012345678925", "bad_length"),
    ("69012345678X2", "not_digits"),
    ("６９０１２３４５６７８９２", "not_digits"),  # full-width digits
]


async def test_wrong_check_digits_and_malformed_codes_are_refused_with_the_reason(client, session):
    hq, created = await _product_with_barcodes(client, session, [EAN13])
    sku_id = created.json()["skus"][0]["id"]
    for code, reason in INVALID:
        response = await client.post(f"{API}/skus/{sku_id}/barcodes", json={"code": code}, headers=hq)
        assert response.status_code == 422, (code, response.text)
        body = response.json()
        assert body["error"] == "invalid_barcode" and body["detail"]["reason"] == reason, (code, body)
    wrong = await client.post(f"{API}/skus/{sku_id}/barcodes", json={"code": "6901234567891"}, headers=hq)
    assert wrong.json()["detail"]["expected_check_digit"] == 2
    assert "should be 2" in wrong.json()["message"]
    # A bad barcode inside a new product refuses the whole product.
    _, refused = await _product_with_barcodes(client, session, ["6901234567891"], code="OTHER")
    assert refused.status_code == 422
    assert (await client.get(f"{API}/products", headers=hq)).json()["total"] == 1


async def test_duplicate_barcodes_are_refused(client, session):
    hq, created = await _product_with_barcodes(client, session, [EAN13])
    _, second = await _product_with_barcodes(client, session, [EAN13], code="OTHER")
    assert second.status_code == 409 and second.json()["error"] == "duplicate_barcode"
    sku_id = created.json()["skus"][0]["id"]
    again = await client.post(f"{API}/skus/{sku_id}/barcodes", json={"code": EAN13}, headers=hq)
    assert again.status_code == 409
    _, twice = await _product_with_barcodes(client, session, [EAN8, EAN8], code="TWICE")
    assert twice.status_code == 409
    added = await client.post(f"{API}/skus/{sku_id}/barcodes", json={"code": UPCA}, headers=hq)
    assert added.status_code == 201 and added.json() == {"code": UPCA, "symbology": "upca"}


async def test_lookup_by_barcode(client, session):
    hq, created = await _product_with_barcodes(client, session, [EAN13, UPCA])
    product = created.json()
    found = await client.get(f"{API}/barcodes/{UPCA}")
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["product"]["id"] == product["id"] and body["sku"]["id"] == product["skus"][0]["id"]
    assert body["barcode"] == {"code": UPCA, "symbology": "upca"}
    assert body["product"]["price"] == 350

    bad = await client.get(f"{API}/barcodes/6901234567891")
    assert bad.status_code == 422 and bad.json()["detail"]["reason"] == "bad_check_digit"
    unknown = await client.get(f"{API}/barcodes/{EAN8}")
    assert unknown.status_code == 404 and unknown.json()["error"] == "barcode_not_found"

    removed = await client.delete(f"{API}/barcodes/{UPCA}", headers=hq)
    assert removed.status_code == 204
    assert (await client.get(f"{API}/barcodes/{UPCA}")).status_code == 404
    assert (await client.get(f"{API}/barcodes/{EAN13}")).status_code == 200


async def test_lookup_at_a_store_and_drafts_hidden_from_shoppers(client, session):
    hq = await hq_headers(client, session)
    category = await create_category(session)
    product, skus = await create_product(session, category, prices=[500], status="draft")
    on_sale, sale_skus = await create_product(session, category, prices=[800])
    await add_barcode(session, skus[0], EAN13)
    await add_barcode(session, sale_skus[0], EAN8, "ean8")
    store = await create_store(session)
    await create_price_list(session, "city_tier", store.city_tier, {sale_skus[0]: 750})
    await session.commit()
    assert (await client.get(f"{API}/barcodes/{EAN13}")).status_code == 404
    assert (await client.get(f"{API}/barcodes/{EAN13}", headers=hq)).status_code == 200
    at_store = (await client.get(f"{API}/barcodes/{EAN8}", params={"store_id": store.id})).json()
    assert at_store["sku"]["price"] == 750 and at_store["sku"]["price_reason"] == "city_tier"
    assert at_store["product"]["price"] == 750
