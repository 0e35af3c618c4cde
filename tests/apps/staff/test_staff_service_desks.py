"""The service desks through the staff view-models against the real backend in-process: a technician's
day and a work order started, quoted with scanned parts, photographed (a real JPEG through the upload
API) and completed once the customer paid; member look-up showing only what each role needs; the
one-tap markdown on the near-expiry list (another store's batch refused); a bound beacon verified;
the till's total before payment equal to what the sale charges with the member's coupon."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from PIL import Image
from skimage import data as photos
from sqlalchemy import select

from apps.staff.viewmodels import (
    AppointmentsVM,
    BeaconsVM,
    CashierVM,
    ExpiryVM,
    MembersVM,
)
from backend.auth.models import StaffUser
from backend.core.time import utcnow
from backend.inventory.models import StockBatch
from backend.inventory.service import stock
from backend.pricing.days import local_date
from shared.devices.beacons import BeaconScanner, RadioSimulator, SimulatedBeacon
from tests.apps.staff.staff_world import ean13, sdk_for, signed_in, sync_vm
from tests.backend.appointments.factories import (
    at,
    create_service,
    create_technician,
    local_day,
    pay_ref,
    signed_in_member,
)
from tests.backend.inventory.factories import put_stock
from tests.backend.marketing.factories import create_coupon, create_template
from tests.backend.orders.factories import member_code
from tests.factories import bearer, create_member, create_sku, create_staff, create_store, member_token


def jpeg() -> bytes:
    """A real photo (scikit-image's astronaut), JPEG-encoded as a tablet camera would send it."""
    out = io.BytesIO()
    Image.fromarray(photos.astronaut()).resize((320, 320)).save(out, format="JPEG", quality=85)
    return out.getvalue()


async def test_a_technician_works_a_booking_from_start_to_completion(app, client, sdk, session):
    store = await create_store(session, name_zh="徐家汇店")
    service = await create_service(session, price=5000, buffer_min=0)
    part_code = ean13()
    part = await create_sku(session, name="空调滤网", price=3500, barcode=part_code)
    day = local_day(1)
    tech = await create_technician(session, store, shifts=[(day, "09:00", "18:00")])
    other = await create_technician(session, store, shifts=[(day, "09:00", "18:00")])
    await stock.receive(session, store.id, part.id, 5, ref_type="test", ref_id="tech-part")
    member_id, token = await signed_in_member(session, app.state.settings)
    tech_user = await session.get(StaffUser, tech.staff_id)
    assert tech_user is not None
    username = tech_user.username
    await session.commit()
    mine = await client.post(
        "/api/v1/appointments/bookings",
        json={
            "sku_id": service.sku_id,
            "store_id": store.id,
            "technician_id": tech.staff_id,
            "start_at": at(day, "10:00").isoformat(),
        },
        headers=bearer(token),
    )
    assert mine.status_code == 201, mine.text
    theirs = await client.post(
        "/api/v1/appointments/bookings",
        json={
            "sku_id": service.sku_id,
            "store_id": store.id,
            "technician_id": other.staff_id,
            "start_at": at(day, "14:00").isoformat(),
        },
        headers=bearer(token),
    )
    assert theirs.status_code == 201, theirs.text

    staff = await signed_in(sdk, username)
    vm = AppointmentsVM(sdk)
    vm.at_store(staff.store_id)
    assert staff.me is not None
    vm.for_staff(staff.me.id, staff.me.roles)
    assert await vm.load(day)
    assert [b.id for b in vm.shown] == [mine.json()["id"]]
    vm.only(None)
    assert len(vm.shown) == 2
    vm.for_staff(staff.me.id, staff.me.roles)

    vm.diagnosis = "滤网堵塞"
    assert await vm.start(mine.json()["id"])
    assert vm.work is not None and vm.work.status == "open" and vm.editable
    assert not await vm.start(theirs.json()["id"])  # another technician's booking
    assert vm.error == "staff.error.forbidden"
    assert await vm.start(mine.json()["id"])  # opening again returns the same work order
    assert await vm.scan_part(part_code) and await vm.scan_part(part_code)
    assert not await vm.scan_part("6900000000000") and vm.error == "staff.error.unknown_barcode"
    vm.labour = "80.5"
    assert await vm.send_quote()
    work = vm.work
    assert work is not None and work.status == "quoted" and work.total == 8050 + 2 * 3500
    assert [(p.sku_id, p.quantity) for p in work.parts] == [(part.id, 2)]
    vm.labour = "abc"
    assert not await vm.send_quote() and vm.error == "staff.error.labour"
    vm.labour = "80.50"

    assert await vm.add_photo("before", jpeg(), "before.jpg")
    assert vm.photos("before") == 1 and vm.work.photos[0].content_type == "image/jpeg"
    assert not await vm.add_photo("after", b"not a picture", "after.jpg")
    assert vm.error is not None

    confirmed = await client.post(
        f"/api/v1/appointments/work-orders/{work.id}/confirm", headers=bearer(token)
    )
    assert confirmed.status_code == 200, confirmed.text
    assert await vm.reload() and vm.work.status == "confirmed" and not vm.editable
    assert not await vm.complete() and vm.error == "staff.error.invalid_state"  # not paid yet
    await pay_ref(client, bearer(token), "work_order", work.id)
    assert not await vm.complete()  # no photo of the finished work yet
    assert await vm.add_photo("after", jpeg(), "after.jpg")
    assert await vm.complete()
    assert vm.work.status == "completed" and vm.work.paid_amount == 15050
    assert [b.status for b in vm.bookings if b.id == mine.json()["id"]] == ["completed"]
    photo = await client.get(
        f"/api/v1/appointments/work-orders/{work.id}/photos/{vm.work.photos[0].id}", headers=bearer(token)
    )
    assert photo.status_code == 200 and Image.open(io.BytesIO(photo.content)).size == (320, 320)
    assert member_id == vm.work.member_id


async def test_member_lookup_shows_only_what_the_role_needs(app, client, sdk, session):
    store = await create_store(session)
    cashier = await create_staff(session, ["cashier"], [store])
    picker = await create_staff(session, ["picker"], [store])
    member = await create_member(session, name="王小明")
    await session.commit()
    headers = bearer(await member_token(client, app, member.phone))

    staff = await signed_in(sdk, cashier.username)
    assert staff.me is not None
    vm = MembersVM(sdk)
    vm.for_roles(staff.me.roles)
    assert not await vm.find("12345") and vm.error == "staff.error.member_entry"
    assert await vm.find(member.phone)
    assert vm.member is not None and vm.member.id == member.id
    assert member.phone not in vm.member.phone_masked and "*" in vm.member.phone_masked
    assert vm.shows("name") and vm.shows("birthday")
    assert await vm.find(await member_code(client, headers))
    assert vm.member is not None and vm.member.id == member.id

    async with sdk_for(app) as other:
        picking = await signed_in(other, picker.username)
        assert picking.me is not None
        vm = MembersVM(other)
        vm.for_roles(picking.me.roles)
        assert await vm.find(member.phone)
        assert vm.shows("phone") and not vm.shows("name") and not vm.shows("birthday")


async def test_one_tap_markdown_on_the_near_expiry_list(app, client, sdk, session):
    a = await create_store(session, name_zh="人民广场店")
    b = await create_store(session, name_zh="陆家嘴店")
    milk = await create_sku(session, name="鲜牛奶", price=1200)
    today = local_date(utcnow())
    await put_stock(session, a, milk, 4, batch_no="A1", expires_on=today + timedelta(days=2))
    await put_stock(session, b, milk, 4, batch_no="B1", expires_on=today + timedelta(days=2))
    clerk = await create_staff(session, ["clerk"], [a])
    await session.commit()
    theirs = await session.scalar(select(StockBatch.id).where(StockBatch.batch_no == "B1"))
    await session.commit()

    staff = await signed_in(sdk, clerk.username)
    vm = ExpiryVM(sdk)
    vm.at_store(staff.store_id)
    assert await vm.load()
    assert [x.batch_no for x in vm.batches] == ["A1"] and vm.marked == {}
    batch = vm.batches[0]
    assert await vm.mark_down(batch.id)
    assert vm.marked == {batch.id: 3000} and vm.prices[milk.id] == 840
    assert await vm.load() and vm.marked == {batch.id: 3000}
    assert theirs is not None
    assert not await vm.mark_down(theirs)
    assert vm.error == "staff.error.batch_not_found"


async def test_a_bound_beacon_is_verified_standing_next_to_it(app, sdk, session):
    store = await create_store(session)
    manager = await create_staff(session, ["store_manager"], [store])
    await session.commit()
    await signed_in(sdk, manager.username)
    radio = RadioSimulator(
        [SimulatedBeacon("f7826da6-4fa2-4e98-8024-bc5b71e0893e", 100, 7, (0.8,))], noise_db=2.0
    )
    vm = BeaconsVM(sdk, BeaconScanner(radio))
    vm.at_store(store.id)
    assert await vm.scan(0.0)
    beacon = await vm.pair(vm.candidates[0], "收银台")
    assert beacon is not None
    vm.sightings, vm.verified = [], None
    assert await vm.check(beacon)
    assert vm.verified is not None and vm.verified.ok and vm.verified_id == beacon.id


async def test_the_till_total_before_payment_is_what_the_sale_charges(
    app, client, sdk, session, tmp_path: Path
):
    store = await create_store(session)
    code = ean13()
    milk = await create_sku(session, name="牛奶", price=1200, barcode=code)
    await put_stock(session, store, milk, 10)
    cashier = await create_staff(session, ["cashier"], [store])
    member = await create_member(session, name="李四")
    template = await create_template(session, name_zh="满30减3", amount=300, threshold=3000)
    await create_coupon(session, template, member.id)
    await session.commit()
    headers = bearer(await member_token(client, app, member.phone))
    staff = await signed_in(sdk, cashier.username)
    till = CashierVM(sdk, sync_vm(sdk, tmp_path))
    till.at_store(staff.store_id)
    for _ in range(3):
        assert await till.scan(code)
    assert till.due == 3600

    # Found by phone: earns points, spends nothing; the total stays the shelf total.
    assert await till.identify(member.phone)
    assert till.member is not None and till.member_code is None and till.due == 3600
    assert not await till.pay("stored_value")
    assert till.error == "staff.error.member_code_required"

    # The member's code: the coupon is chosen before payment, and the sale charges exactly that.
    await till.forget_member()
    assert await till.scan(await member_code(client, headers))
    assert till.quote is not None and till.quote.coupon_ids and till.due == 3300 and till.discount == 300
    shown = till.due
    assert await till.pay("cash", 5000)
    assert till.order is not None and till.order.total == shown
    assert till.receipt is not None and till.receipt.change == 5000 - shown
