"""Scan-and-go and live camera scanning through the view-models against the real backend in-process:
barcode photos and camera frames decoded by zbar, the list priced with the store's promotions and the
member's coupon, paid on the sandbox page, the exit pass checked by the store's staff."""

from __future__ import annotations

import io

from PIL import Image
from skimage import data as skdata

from apps.shopper.viewmodels.camera import LiveScanVM, SimulatedCamera
from apps.shopper.viewmodels.scan import ScanVM
from apps.shopper.viewmodels.scango import ScanGoVM
from shared.errors import RetailError
from tests.apps.shopper.test_shopper_journey_viewmodels import in_process, pay_in_sandbox, seed_shop, sign_in
from tests.backend.catalog.factories import add_barcode
from tests.backend.marketing.factories import create_coupon, create_promotion, create_template
from tests.factories import PASSWORD, create_staff, create_store
from tests.shared.devices.barcode_samples import render_symbol


def barcode_photo(code: str) -> bytes:
    """A photo of a carton's EAN-13 on a real picture."""
    label = Image.fromarray(render_symbol("ean13", code))
    scene = Image.fromarray(skdata.coffee()).convert("L").resize((900, 700))
    scene.paste(label, (120, 160))
    out = io.BytesIO()
    scene.save(out, "JPEG", quality=90)
    return out.getvalue()


async def test_scan_and_go_prices_the_list_pays_and_shows_an_exit_pass_staff_accept(app, session):
    store, (small, big), cheese = await seed_shop(session)
    await add_barcode(session, small, "6901234560008")
    await add_barcode(session, big, "6901234560022")
    await create_promotion(
        session,
        {"type": "threshold", "tiers": [{"threshold": 3000, "off": 300}]},
        name_zh="满30减3",
        name_en="3 off 30",
    )
    other = await create_store(session)
    door = await create_staff(session, ["clerk"], [store])
    elsewhere = await create_staff(session, ["clerk"], [other])
    await session.commit()
    async with in_process(app) as client, in_process(app) as staff, in_process(app) as far:
        member_id = await sign_in(app, client, "13800000301")
        template = await create_template(session, name_zh="满20减2", amount=200, threshold=2000)
        await create_coupon(session, template, member_id)
        await session.commit()

        vm = ScanGoVM(client)
        vm.start(store.id)
        assert await vm.add_photo(barcode_photo("6901234560008"))
        assert await vm.add_code("6901234560022")
        assert await vm.add_code("6901234560022")
        assert [(i.sku_id, i.quantity) for i in vm.items.values()] == [(small.id, 1), (big.id, 2)]
        assert vm.items[small.id].name_zh == "光明纯牛奶" and vm.items[big.id].shelf_price == 1190
        # 650 + 2 × 1190 = 3030: the store's 满30减3 and the member's 满20减2 coupon both apply.
        assert vm.subtotal == 3030 and vm.discount_total == 500 and vm.total == 2530
        assert vm.priced(big.id).line_total + vm.priced(small.id).line_total == 2530
        assert await vm.set_quantity(big.id, 1)
        # 1840 is under both thresholds: nothing off.
        assert vm.subtotal == 1840 and vm.total == 1840 and vm.count == 2
        assert await vm.set_quantity(big.id, 2)
        # Unknown and unreadable codes say why and change nothing.
        assert not await vm.add_code("6900000000007") and vm.error == "scan.unknown_code"
        assert not await vm.add_photo(b"not a picture") and vm.error == "scan.unreadable"
        assert vm.count == 3

        pay_url = await vm.checkout()
        assert pay_url and vm.order is not None and vm.order.status == "pending_payment"
        assert (vm.order.channel, vm.order.fulfilment, vm.order.total) == ("scan_go", "in_store", 2530)
        assert vm.exit_pass is None
        assert not await vm.check_payment() and vm.error == "order.not_paid_yet"
        await pay_in_sandbox(client, pay_url)
        assert await vm.check_payment()
        assert vm.order.status == "completed" and vm.exit_pass == f"OMO-EXIT:{vm.order.number}"
        # A scanned list is frozen once placed.
        assert not await vm.add_code("6901234560022")

        await staff.auth.staff_login(door.username, PASSWORD)
        checked = await staff.orders.check_exit_pass(store.id, vm.exit_pass)
        assert checked.id == vm.order.id
        await far.auth.staff_login(elsewhere.username, PASSWORD)
        try:
            await far.orders.check_exit_pass(other.id, vm.exit_pass)
            raise AssertionError("another store's staff accepted the pass")
        except RetailError as exc:
            assert exc.code == "wrong_store"

        vm.finish()
        assert vm.items == {} and vm.order is None and vm.store_id == store.id


async def test_scan_and_go_refuses_goods_the_store_cannot_sell(app, session):
    store, (small, _big), cheese = await seed_shop(session)
    await add_barcode(session, cheese, "6901234560039")
    await session.commit()
    async with in_process(app) as client:
        await sign_in(app, client, "13800000302")
        vm = ScanGoVM(client)
        vm.start(store.id)
        assert await vm.add_code("6901234560039")  # the cheese: none in stock here
        assert await vm.checkout() is None and vm.order is None and vm.error is not None
        assert await vm.set_quantity(cheese.id, 0) and vm.items == {}


async def test_live_camera_frames_open_the_product_on_the_first_stable_read(app, session):
    store, (small, _big), _cheese = await seed_shop(session)
    await add_barcode(session, small, "6901234560008")
    await session.commit()
    async with in_process(app) as client:
        await sign_in(app, client, "13800000303")
        scan = ScanVM(client)
        live = LiveScanVM()
        opened: list[str] = []

        async def open_product(code: str) -> int | None:
            opened.append(code)
            return await scan.open_code(code, store.id)

        camera = SimulatedCamera(render_symbol("ean13", "6901234560008"), steady=8)
        assert await live.watch(camera, open_product) == "6901234560008"
        assert opened == ["6901234560008"] and live.result == small.product_id
        # It stopped at the first stable read: the empty and blurred frames gave nothing, the rest unread.
        assert camera.empty < camera.served < camera.empty + camera.moving + camera.steady
        assert live.error is None and not live.scanning

        # A camera that never sees a code: nothing opened, and the screen says why.
        blank = SimulatedCamera(render_symbol("ean13", "6901234560008"), moving=0, steady=0, empty=4)
        assert await LiveScanVM().watch(blank, open_product) is None
        assert opened == ["6901234560008"]

        # In-store mode: the live read adds the item to the scan-and-go list.
        scango = ScanGoVM(client)
        scango.start(store.id)
        again = LiveScanVM()
        await again.watch(SimulatedCamera(render_symbol("ean13", "6901234560008")), scango.add_code)
        assert again.result is True and [(i.sku_id, i.quantity) for i in scango.items.values()] == [
            (small.id, 1)
        ]
