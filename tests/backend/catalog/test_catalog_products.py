"""Categories, products, SKUs by spec, status, permissions and audit, through the HTTP API."""

from __future__ import annotations

from sqlalchemy import select

from backend.core.audit import AuditEntry
from tests.backend.catalog.factories import create_category, create_product, hq_headers, set_stock
from tests.backend.pricing.factories import create_price_list
from tests.factories import bearer, create_member, create_staff, create_store, member_token, staff_token

API = "/api/v1/catalog"


async def test_category_tree_nests_children_and_refuses_cycles(client, session):
    hq = await hq_headers(client, session)
    root = (
        await client.post(
            f"{API}/categories", json={"code": "food", "name_zh": "食品", "name_en": "Food"}, headers=hq
        )
    ).json()
    dairy = (
        await client.post(
            f"{API}/categories",
            json={"code": "dairy", "name_zh": "乳品", "name_en": "Dairy", "parent_id": root["id"]},
            headers=hq,
        )
    ).json()
    milk = (
        await client.post(
            f"{API}/categories",
            json={"code": "milk", "name_zh": "牛奶", "name_en": "Milk", "parent_id": dairy["id"]},
            headers=hq,
        )
    ).json()
    await client.post(
        f"{API}/categories", json={"code": "home", "name_zh": "日用品", "name_en": "Home"}, headers=hq
    )
    tree = (await client.get(f"{API}/categories")).json()
    assert [c["code"] for c in tree] == ["food", "home"]
    assert tree[0]["children"][0]["code"] == "dairy"
    assert tree[0]["children"][0]["children"][0]["code"] == "milk"

    cycle = await client.patch(f"{API}/categories/{root['id']}", json={"parent_id": milk["id"]}, headers=hq)
    assert cycle.status_code == 422 and cycle.json()["error"] == "category_cycle"
    itself = await client.patch(f"{API}/categories/{root['id']}", json={"parent_id": root["id"]}, headers=hq)
    assert itself.status_code == 422
    moved = await client.patch(f"{API}/categories/{milk['id']}", json={"parent_id": None}, headers=hq)
    assert moved.status_code == 200 and moved.json()["parent_id"] is None
    assert len((await client.get(f"{API}/categories")).json()) == 3

    dup = await client.post(
        f"{API}/categories", json={"code": "food", "name_zh": "食", "name_en": "F"}, headers=hq
    )
    assert dup.status_code == 409 and dup.json()["error"] == "duplicate_code"
    orphan = await client.post(
        f"{API}/categories",
        json={"code": "x", "name_zh": "x", "name_en": "x", "parent_id": 999_999},
        headers=hq,
    )
    assert orphan.status_code == 404 and orphan.json()["error"] == "category_not_found"


async def _category(session, client):
    hq = await hq_headers(client, session)
    category = await create_category(session)
    await session.commit()
    return hq, category


async def test_skus_must_give_exactly_the_product_spec_names_once(client, session):
    hq, category = await _category(session, client)
    body = {
        "code": "TSHIRT",
        "category_id": category.id,
        "name_zh": "男士T恤",
        "name_en": "Men's T-shirt",
        "spec_names": ["颜色", "尺码"],
        "skus": [
            {"code": "TS-W-M", "specs": {"颜色": "白", "尺码": "M"}, "base_price": 9900},
            {"code": "TS-W-L", "specs": {"颜色": "白", "尺码": "L"}, "base_price": 9900},
        ],
    }
    created = await client.post(f"{API}/products", json=body, headers=hq)
    assert created.status_code == 201, created.text
    product = created.json()
    assert product["spec_names"] == ["颜色", "尺码"] and len(product["skus"]) == 2
    assert product["status"] == "draft"

    missing = await client.post(
        f"{API}/products/{product['id']}/skus",
        json={"code": "TS-B", "specs": {"颜色": "黑"}, "base_price": 9900},
        headers=hq,
    )
    assert missing.status_code == 422 and missing.json()["error"] == "spec_mismatch"
    assert missing.json()["detail"]["missing"] == ["尺码"]
    extra = await client.post(
        f"{API}/products/{product['id']}/skus",
        json={"code": "TS-B", "specs": {"颜色": "黑", "尺码": "M", "材质": "棉"}, "base_price": 9900},
        headers=hq,
    )
    assert extra.status_code == 422 and extra.json()["detail"]["unknown"] == ["材质"]
    twin = await client.post(
        f"{API}/products/{product['id']}/skus",
        json={"code": "TS-W-M2", "specs": {"尺码": "M", "颜色": "白"}, "base_price": 9900},
        headers=hq,
    )
    assert twin.status_code == 409 and twin.json()["error"] == "duplicate_specs"
    black = await client.post(
        f"{API}/products/{product['id']}/skus",
        json={"code": "TS-B-M", "specs": {"颜色": "黑", "尺码": "M"}, "base_price": 10900},
        headers=hq,
    )
    assert black.status_code == 201 and black.json()["specs"] == {"颜色": "黑", "尺码": "M"}
    # Changing a SKU onto another's specs is refused too.
    clash = await client.patch(
        f"{API}/skus/{black.json()['id']}", json={"specs": {"颜色": "白", "尺码": "L"}}, headers=hq
    )
    assert clash.status_code == 409

    # The same duplicate inside one create request rolls the whole product back.
    body2 = {
        **body,
        "code": "TSHIRT2",
        "skus": [
            {"code": "T2-1", "specs": {"颜色": "白", "尺码": "M"}, "base_price": 100},
            {"code": "T2-2", "specs": {"颜色": "白", "尺码": "M"}, "base_price": 100},
        ],
    }
    refused = await client.post(f"{API}/products", json=body2, headers=hq)
    assert refused.status_code == 409
    staff_list = (await client.get(f"{API}/products", headers=hq)).json()
    assert [p["code"] for p in staff_list["items"]] == ["TSHIRT"]

    spec_change = await client.patch(
        f"{API}/products/{product['id']}", json={"spec_names": ["颜色"]}, headers=hq
    )
    assert spec_change.status_code == 409 and spec_change.json()["error"] == "product_state"


async def test_product_without_specs_has_one_sku(client, session):
    hq, category = await _category(session, client)
    body = {
        "code": "SOAP",
        "category_id": category.id,
        "name_zh": "香皂",
        "name_en": "Soap",
        "skus": [{"code": "SOAP-1", "base_price": 500}],
    }
    product = (await client.post(f"{API}/products", json=body, headers=hq)).json()
    second = await client.post(
        f"{API}/products/{product['id']}/skus", json={"code": "SOAP-2", "base_price": 600}, headers=hq
    )
    assert second.status_code == 409 and second.json()["error"] == "duplicate_specs"


async def test_status_rules_and_shopper_visibility(client, session, app):
    hq, category = await _category(session, client)
    empty = await client.post(
        f"{API}/products",
        json={
            "code": "E1",
            "category_id": category.id,
            "name_zh": "空",
            "name_en": "Empty",
            "status": "on_sale",
        },
        headers=hq,
    )
    assert empty.status_code == 409 and empty.json()["error"] == "product_state"
    body = {
        "code": "P1",
        "category_id": category.id,
        "name_zh": "矿泉水",
        "name_en": "Water",
        "skus": [{"code": "P1-1", "base_price": 200}],
    }
    product = (await client.post(f"{API}/products", json=body, headers=hq)).json()
    member = await create_member(session)
    await session.commit()
    shopper = bearer(await member_token(client, app, member.phone))
    for headers in ({}, shopper):
        assert (await client.get(f"{API}/products/{product['id']}", headers=headers)).status_code == 404
        assert (await client.get(f"{API}/products", headers=headers)).json()["total"] == 0

    skip = await client.patch(f"{API}/products/{product['id']}", json={"status": "off_shelf"}, headers=hq)
    assert skip.status_code == 409 and skip.json()["detail"]["allowed"] == ["on_sale"]
    live = await client.patch(f"{API}/products/{product['id']}", json={"status": "on_sale"}, headers=hq)
    assert live.status_code == 200 and live.json()["published_at"] is not None
    seen = await client.get(f"{API}/products/{product['id']}", headers=shopper)
    assert seen.status_code == 200 and seen.json()["skus"][0]["cost_price"] is None
    assert (await client.get(f"{API}/products", params={"q": "kuangquanshui"})).json()["total"] == 1

    off = await client.patch(f"{API}/products/{product['id']}", json={"status": "off_shelf"}, headers=hq)
    assert off.status_code == 200
    assert (await client.get(f"{API}/products/{product['id']}")).status_code == 404
    assert (await client.get(f"{API}/products", params={"q": "kuangquanshui"})).json()["total"] == 0
    assert (await client.get(f"{API}/products", params={"q": "kuangquanshui"}, headers=hq)).json()[
        "total"
    ] == 1


async def test_only_hq_changes_the_catalog(client, session, app):
    category = await create_category(session)
    product, skus = await create_product(session, category)
    store = await create_store(session)
    manager = await create_staff(session, roles=["store_manager"], stores=[store])
    member = await create_member(session)
    await session.commit()
    staff_headers = bearer(await staff_token(client, manager))
    member_headers = bearer(await member_token(client, app, member.phone))
    writes = [
        ("post", f"{API}/categories", {"code": "x", "name_zh": "x", "name_en": "x"}),
        ("patch", f"{API}/categories/{category.id}", {"name_zh": "改"}),
        (
            "post",
            f"{API}/products",
            {"code": "X", "category_id": category.id, "name_zh": "x", "name_en": "x"},
        ),
        ("patch", f"{API}/products/{product.id}", {"name_zh": "改"}),
        ("post", f"{API}/products/{product.id}/skus", {"code": "X-1", "base_price": 100}),
        ("patch", f"{API}/skus/{skus[0].id}", {"base_price": 1}),
        ("post", f"{API}/skus/{skus[0].id}/barcodes", {"code": "6901234567892"}),
    ]
    for method, url, body in writes:
        assert (await client.request(method, url, json=body)).status_code == 401, url
        for headers in (staff_headers, member_headers):
            response = await client.request(method, url, json=body, headers=headers)
            assert response.status_code == 403, (url, response.text)
    assert (await client.get(f"{API}/products/{product.id}")).json()["skus"][0]["base_price"] == 1000


async def test_base_price_change_is_audited_and_bad_prices_refused(client, session):
    hq, category = await _category(session, client)
    product, skus = await create_product(session, category, prices=[1500])
    await session.commit()
    changed = await client.patch(f"{API}/skus/{skus[0].id}", json={"base_price": 1800}, headers=hq)
    assert changed.status_code == 200 and changed.json()["base_price"] == 1800
    entries = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "sku.price_change")))
    await session.commit()
    assert len(entries) == 1
    assert entries[0].before == {"base_price": 1500} and entries[0].after == {"base_price": 1800}
    assert entries[0].entity_id == str(skus[0].id) and entries[0].actor_kind == "staff"
    for bad in (0, -5, 1.5, "12", 10**10):
        response = await client.patch(f"{API}/skus/{skus[0].id}", json={"base_price": bad}, headers=hq)
        assert response.status_code == 422, bad
        assert response.json()["detail"][0]["loc"][-1] == "base_price"
    nothing = await client.patch(f"{API}/skus/{skus[0].id}", json={}, headers=hq)
    assert nothing.status_code == 422


async def test_bad_product_input_gets_reasons(client, session):
    hq, category = await _category(session, client)
    cases = [
        ({"code": "has space", "category_id": category.id, "name_zh": "x", "name_en": "x"}, "code"),
        ({"code": "OK", "category_id": category.id, "name_zh": "  ", "name_en": "x"}, "name_zh"),
        ({"code": "OK", "category_id": category.id, "name_zh": "x", "name_en": "x", "kind": "gift"}, "kind"),
        (
            {
                "code": "OK",
                "category_id": category.id,
                "name_zh": "x",
                "name_en": "x",
                "spec_names": ["色", "色"],
            },
            "spec_names",
        ),
        (
            {
                "code": "OK",
                "category_id": category.id,
                "name_zh": "x",
                "name_en": "x",
                "skus": [{"code": "S", "base_price": 0}],
            },
            "base_price",
        ),
    ]
    for body, field in cases:
        response = await client.post(f"{API}/products", json=body, headers=hq)
        assert response.status_code == 422, (body, response.text)
        assert field in response.json()["message"], response.json()
    unknown = await client.post(
        f"{API}/products",
        json={"code": "OK", "category_id": 999_999, "name_zh": "x", "name_en": "x"},
        headers=hq,
    )
    assert unknown.status_code == 404 and unknown.json()["error"] == "category_not_found"
    await client.post(
        f"{API}/products",
        json={"code": "DUP", "category_id": category.id, "name_zh": "x", "name_en": "x"},
        headers=hq,
    )
    dup = await client.post(
        f"{API}/products",
        json={"code": "DUP", "category_id": category.id, "name_zh": "y", "name_en": "y"},
        headers=hq,
    )
    assert dup.status_code == 409 and dup.json()["error"] == "duplicate_code"
    assert (await client.get(f"{API}/products/999999")).status_code == 404


async def test_detail_at_a_store_has_prices_and_stock_per_sku(client, session):
    category = await create_category(session)
    product, skus = await create_product(session, category, prices=[1000, 2000])
    store = await create_store(session)
    await set_stock(session, store, skus[0], on_hand=7, reserved=3)
    await create_price_list(session, "store", store.id, {skus[1]: 1800})
    await session.commit()
    plain = (await client.get(f"{API}/products/{product.id}")).json()
    assert [s["price"] for s in plain["skus"]] == [None, None]
    detail = (await client.get(f"{API}/products/{product.id}", params={"store_id": store.id})).json()
    by_code = {s["code"]: s for s in detail["skus"]}
    first, second = by_code[skus[0].code], by_code[skus[1].code]
    assert (first["price"], first["price_reason"], first["available"]) == (1000, "base", 4)
    assert (second["price"], second["price_reason"], second["available"]) == (1800, "store", 0)
    assert second["price_list"]["scope"] == "store"
    assert detail["category_path"][0]["id"] == category.id
    missing = await client.get(f"{API}/products/{product.id}", params={"store_id": 999_999})
    assert missing.status_code == 404 and missing.json()["error"] == "store_not_found"
