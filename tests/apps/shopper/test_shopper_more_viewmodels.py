"""More of the shopper's flows through the view-models against the real backend in-process: coupon names
in the member centre, online top-up paid in the sandbox, rating a completed order, a return request with
photos (real JPEG/PNG bytes), campaigns running now with sharing, and in-store arrival over beacons."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import numpy as np
from PIL import Image
from skimage import data as skdata

from apps.shopper.viewmodels import (
    CampaignsVM,
    CatalogVM,
    InStoreVM,
    MemberVM,
    MemoryStore,
    OrderVM,
    ProductVM,
    TopUpVM,
)
from apps.shopper.viewmodels.member import coupon_terms
from apps.shopper.viewmodels.scan import ScanVM
from backend.core.time import utcnow
from backend.members.models import TopupBonus
from shared.devices.beacons import BeaconScanner, RadioSimulator, SimulatedBeacon
from shared.sdk import AsyncClient
from tests.apps.shopper.test_shopper_journey_viewmodels import in_process, pay_in_sandbox, seed_shop, sign_in
from tests.backend.campaigns.factories import window
from tests.backend.catalog.factories import add_barcode, create_product
from tests.backend.marketing.factories import create_coupon, create_template
from tests.backend.orders.factories import put_stock, slot
from tests.factories import PASSWORD, create_member, create_staff


def jpeg(size: tuple[int, int] = (320, 240)) -> bytes:
    """A real photo (scikit-image's astronaut) as JPEG bytes."""
    out = io.BytesIO()
    Image.fromarray(skdata.astronaut()).resize(size).save(out, "JPEG", quality=85)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.fromarray(np.asarray(skdata.coffee())).resize((200, 150)).save(out, "PNG")
    return out.getvalue()


async def completed_order(client: AsyncClient, staff: AsyncClient, store, skus) -> int:  # type: ignore[no-untyped-def]
    """A pickup order placed, paid on the sandbox page, picked and handed over (completed)."""
    order = await client.orders.place(
        "pickup",
        lines=[(sku.id, 1) for sku in skus],
        store_id=store.id,
        pickup_slot_start=slot(),
    )
    vm = OrderVM(client)
    await vm.load(order.id)
    await pay_in_sandbox(client, await vm.start_payment())
    assert await vm.check_payment()
    [task] = [t for t in await staff.orders.picking_tasks(store_id=store.id) if t.order_id == order.id]
    task = await staff.orders.start_picking(task.id)
    for line in task.lines:
        await staff.orders.scan(task.id, line.barcodes[0], line.quantity)
    await staff.orders.mark_ready(task.id)
    assert (await staff.orders.hand_over(store.id, code=vm.pickup.code)).status == "completed"
    return order.id


async def test_coupons_show_their_names_and_terms_in_both_languages(app, session):
    async with in_process(app) as client:
        member_id = await sign_in(app, client, "13800000201")
        threshold = await create_template(
            session, name_zh="满20减3", name_en="3 off 20", amount=300, threshold=2000
        )
        percent = await create_template(
            session,
            name_zh="新人85折",
            name_en="New member 15% off",
            kind="percent",
            amount=0,
            percent_bp=1500,
            threshold=0,
        )
        await create_coupon(session, threshold, member_id)
        await create_coupon(session, percent, member_id)
        await session.commit()
        vm = MemberVM(client)
        await vm.load()
        by_name = {c.name_zh: c for c in vm.coupons}
        assert set(by_name) == {"满20减3", "新人85折"}
        assert by_name["满20减3"].name_en == "3 off 20"
        assert coupon_terms(by_name["满20减3"]) == (
            "coupon.terms.threshold",
            {"threshold": 2000, "amount": 300},
        )
        key, values = coupon_terms(by_name["新人85折"])
        assert key == "coupon.terms.percent" and values["zhe"] == "8.5" and values["off_pct"] == "15"


async def test_a_top_up_is_paid_in_the_sandbox_and_credited_with_its_bonus(app, session):
    session.add(TopupBonus(min_amount=20000, bonus=2000))
    await session.commit()
    async with in_process(app) as client:
        await sign_in(app, client, "13800000202")
        member = MemberVM(client)
        await member.load()
        assert member.topup_available and member.wallet.stored_value == 0
        vm = TopUpVM(client)
        vm.set_custom("abc")
        assert vm.amount is None and vm.error == "topup.bad_amount"
        assert await vm.start() is None
        vm.set_custom("0.5")
        assert vm.amount is None
        vm.set_custom("200")
        assert vm.amount == 20000 and vm.error is None
        url = await vm.start()
        assert url and "/sandbox/pay/" in url and vm.pending and vm.topup.bonus == 2000
        # Pressing "pay" again before paying reuses the same top-up (the same Idempotency-Key).
        first = vm.topup.id
        assert await vm.start() == url and vm.topup.id == first
        assert not await vm.check() and vm.error == "topup.not_paid_yet"
        await member.load()
        assert member.wallet.stored_value == 0  # nothing before the gateway confirms
        await pay_in_sandbox(client, url)
        assert await vm.check() and vm.paid and vm.topup.balance_after == 22000
        await member.load()
        assert member.wallet.stored_value == 22000
        assert [(e.kind, e.delta) for e in member.stored_value[:2]] == [("bonus", 2000), ("topup", 20000)]
        vm.reset()
        assert vm.topup is None and vm.amount == 10000
        vm.choose(5000)
        assert await vm.start() and vm.topup.id != first


async def test_a_completed_order_is_rated_once_and_a_return_carries_photos(app, session):
    store, (small, big), _cheese = await seed_shop(session)
    clerk = await create_staff(session, ["picker", "clerk"], [store])
    await session.commit()
    async with in_process(app) as client, in_process(app) as staff:
        await sign_in(app, client, "13800000203")
        await staff.auth.staff_login(clerk.username, PASSWORD)
        order_id = await completed_order(client, staff, store, [small, big])
        vm = OrderVM(client)
        await vm.load(order_id)
        assert vm.order.status == "completed" and vm.can_rate and vm.rating is None

        # Rating: stars first, then once.
        assert not await vm.rate() and vm.error == "rating.need_stars"
        vm.set_stars(5)
        vm.set_comment("  很新鲜  ")
        assert await vm.rate()
        assert vm.rating.stars == 5 and vm.rating.comment == "很新鲜" and not vm.can_rate
        again = OrderVM(client)
        await again.load(order_id)
        assert again.rating.stars == 5 and not again.can_rate
        again.rating = None  # a stale screen that still offers rating
        again.set_stars(3)
        assert not await again.rate() and again.error == "rating.already"

        # Photos are checked by decoding them, before anything is sent.
        assert not vm.add_photo("notes.txt", b"this is not a picture") and vm.error == "return.photo_invalid"
        cut_short = jpeg()[:2000]
        assert not vm.add_photo("broken.jpg", cut_short) and vm.error == "return.photo_invalid"
        assert (
            not vm.add_photo("huge.jpg", b"\xff" * (5 * 1024 * 1024 + 1))
            and vm.error == "return.photo_too_large"
        )
        assert vm.add_photo("box.jpg", jpeg()) and vm.add_photo("label.png", png())
        assert [(p.content_type, p.width, p.height) for p in vm.photos] == [
            ("image/jpeg", 320, 240),
            ("image/png", 200, 150),
        ]
        assert vm.add_photo("third.jpg", jpeg((64, 48)))
        assert not vm.add_photo("fourth.jpg", jpeg()) and vm.error == "return.photo_too_many"
        vm.remove_photo(2)
        assert len(vm.photos) == 2

        first = vm.order.lines[0]
        vm.toggle_return(first.id)
        assert await vm.submit_return()
        [request] = vm.requests
        assert vm.photos == [] and vm.error is None
        assert [(p.content_type, p.width, p.height) for p in request.photos] == [
            ("image/jpeg", 320, 240),
            ("image/png", 200, 150),
        ]
        stored = await client.http.get(
            f"/api/v1/aftersales/requests/{request.id}/photos/{request.photos[0].id}",
            headers={"Authorization": f"Bearer {client.tokens.access_token}"},
        )
        assert stored.status_code == 200, stored.text
        with Image.open(io.BytesIO(stored.content)) as back:
            assert back.format == "JPEG" and back.size == (320, 240)


async def test_campaigns_running_now_open_share_join_cut_and_grab(app, session):
    store, (small, big), _cheese = await seed_shop(session)
    boss = await create_staff(session, ["hq_admin"], [])
    friend = await create_member(session)
    await session.commit()
    async with in_process(app) as client, in_process(app) as hq, in_process(app) as friend_client:
        await sign_in(app, client, "13800000204")
        await sign_in(app, friend_client, friend.phone)
        await hq.auth.staff_login(boss.username, PASSWORD)
        slot = await hq.campaigns.create_flash_sale(
            name_zh="10点秒杀",
            name_en="10 o'clock flash sale",
            **window(hours=2),
            items=[
                {"store_id": store.id, "sku_id": small.id, "price": 199, "pool": 5, "per_member_limit": 1}
            ],
        )
        deal = await hq.campaigns.create_group_buy(
            sku_id=big.id,
            name_zh="牛奶三人团",
            name_en="Milk for three",
            group_price=890,
            group_size=3,
            time_limit_hours=24,
            per_member_limit=2,
            **window(),
        )
        bargain_deal = await hq.campaigns.create_bargain_deal(
            sku_id=big.id,
            name_zh="砍到9块9",
            name_en="Cut to 9.9",
            start_price=1190,
            floor_price=990,
            cuts_needed=2,
            duration_hours=24,
            **window(),
        )
        prefs = MemoryStore()
        vm = CampaignsVM(client, prefs)
        await vm.load(store.id)
        assert [o.item.id for o in vm.flash] == [slot.items[0].id] and vm.flash[0].left == 5
        assert [d.id for d in vm.group_buys] == [deal.id] and [d.id for d in vm.bargains] == [bargain_deal.id]
        # Another store's shoppers do not see this store's flash sale.
        elsewhere = CampaignsVM(client, MemoryStore())
        await elsewhere.load(store.id + 999)
        assert elsewhere.flash == [] and elsewhere.group_buys

        assert vm.open("group", deal.id) and vm.selected.group_price == 890
        assert await vm.open_group()
        code = vm.group.code
        url = await vm.pay_seat()
        assert url and "/sandbox/pay/" in url

        assert vm.open("bargain", bargain_deal.id)
        assert await vm.start_bargain()
        bargain_code = vm.bargain.code

        assert vm.open("flash", slot.items[0].id)
        pay_url = await vm.grab()
        assert pay_url and vm.claim.quantity == 1 and vm.payment.amount == 199

        # The member centre lists both to share, from the codes this app kept.
        await vm.load_shares()
        assert [g.code for g in vm.my_groups] == [code] and [b.code for b in vm.my_bargains] == [bargain_code]

        # A friend joins the group and cuts the bargain by the codes.
        theirs = CampaignsVM(friend_client, MemoryStore())
        await theirs.load(store.id)
        assert not await theirs.join("NOSUCHCODE") and theirs.error == "campaign.no_such_code"
        assert await theirs.join(code) and theirs.notice == "campaign.joined"
        assert await theirs.cut(bargain_code) and theirs.notice == "campaign.cut_done"
        assert not await theirs.cut(bargain_code) and theirs.error == "campaign.already_cut"
        assert not await vm.cut(bargain_code) and vm.error == "campaign.own_bargain"
        await vm.load_shares()
        assert vm.my_groups[0].seats == 2 and vm.my_bargains[0].cuts_done == 1
        assert vm.my_bargains[0].price < 1190


async def test_walking_into_the_store_shows_the_welcome_and_the_pushed_coupon(app, session):
    store, _skus, _cheese = await seed_shop(session)
    manager = await create_staff(session, ["store_manager"], [store])
    boss = await create_staff(session, ["hq_admin"], [])
    gift = await create_template(
        session, name_zh="到店满30减5", name_en="5 off 30 in store", amount=500, threshold=3000
    )
    await session.commit()
    app.state.settings.arrival_quiet_start = app.state.settings.arrival_quiet_end = "00:00"
    door = str(uuid.uuid4())
    async with in_process(app) as client, in_process(app) as staff, in_process(app) as hq:
        await sign_in(app, client, "13800000205")
        await client.members.update_me(marketing_consent=True)
        await staff.auth.staff_login(manager.username, PASSWORD)
        await hq.auth.staff_login(boss.username, PASSWORD)
        await staff.stores.pair_beacon(store.id, "entrance", uuid=door, major=7, minor=1)
        await hq.members.set_event_coupons([{"event": "arrival", "template_id": gift.id}])

        # No radio at all: the app says Bluetooth is not available instead of failing.
        class NoAdapter:
            def __init__(self, detection_callback):  # type: ignore[no-untyped-def]
                raise OSError("No Bluetooth adapters found")

        off = InStoreVM(client, BeaconScanner(NoAdapter), dwell_s=0.2, window_s=0.05)
        assert not await off.listen(max_scans=3) and off.bluetooth is False and off.welcome is None

        # Far from the door (25 m, 9 m) nothing happens; at the door the dwell time confirms the arrival.
        walk = RadioSimulator([SimulatedBeacon(door, 7, 1, (25.0, 9.0, 1.0, 1.0, 1.0, 1.0, 1.0))], rounds=6)
        vm = InStoreVM(client, BeaconScanner(walk), dwell_s=0.3, window_s=0.15)
        assert await vm.prepare()
        assert not await vm.scan_once() and not await vm.scan_once()
        assert vm.welcome is None
        assert await vm.listen(max_scans=10)
        assert vm.arrival.store_id == str(store.id) and vm.arrival.zone == "entrance"
        assert vm.shows_welcome and "欢迎" in vm.message("zh-CN") and "Welcome" in vm.message("en")
        assert vm.coupon["name_zh"] == "到店满30减5" and vm.coupon["amount"] == 500
        member = MemberVM(client)
        await member.load()
        assert [c.name_zh for c in member.unused_coupons] == ["到店满30减5"]
        vm.dismiss()
        assert not vm.shows_welcome

        # A second arrival the same day is not welcomed again (and gives no second coupon).
        again = InStoreVM(
            client,
            BeaconScanner(RadioSimulator([SimulatedBeacon(door, 7, 1, (1.0,))], rounds=6)),
            dwell_s=0.3,
            window_s=0.15,
        )
        assert await again.listen(max_scans=10)
        assert not again.shows_welcome and again.welcome.reason == "already_today" and again.coupon is None


async def test_a_barcode_photo_opens_its_product_and_bad_photos_say_why(app, session):
    from tests.shared.devices.barcode_samples import render_symbol

    store, (small, _big), _cheese = await seed_shop(session)
    await add_barcode(session, small, "6901234560008")  # the carton's printed EAN-13 (valid check digit)
    await session.commit()
    async with in_process(app) as client:
        await sign_in(app, client, "13800000206")
        vm = ScanVM(client)
        # A photo of the 250ml carton's EAN-13 on a real picture.
        label = Image.fromarray(render_symbol("ean13", "6901234560008"))
        scene = Image.fromarray(skdata.coffee()).convert("L").resize((900, 700))
        scene.paste(label, (120, 160))
        photo = io.BytesIO()
        scene.save(photo, "JPEG", quality=90)
        product_id = await vm.scan_photo(photo.getvalue(), store.id)
        assert product_id == small.product_id and vm.code == "6901234560008"
        assert vm.match.sku.id == small.id and vm.error is None

        assert await vm.scan_photo(jpeg(), store.id) is None and vm.error == "scan.no_code"
        assert await vm.scan_photo(b"not a picture", store.id) is None and vm.error == "scan.unreadable"
        assert await vm.open_code("6900000000007", store.id) is None and vm.error == "scan.unknown_code"


async def test_home_picks_and_bought_together_come_from_the_trained_recommendations(app, session):
    from backend.intelligence.tasks import train_recommendations
    from tests.backend.intelligence.factories import basket

    store, (small, big), cheese = await seed_shop(session)
    _jam_product, [jam] = await create_product(
        session, name_zh="草莓果酱", name_en="Strawberry jam", prices=[1590]
    )
    await put_stock(session, store, jam, 10)
    others = [await create_member(session) for _ in range(3)]
    now = utcnow()
    for i, other in enumerate(others):
        for week in (0, 1):
            await basket(
                session,
                [cheese, jam],
                now - timedelta(days=i + 1 + 7 * week),
                member_id=other.id,
                store=store,
            )
    await basket(session, [small], now - timedelta(days=1), store=store)
    await session.commit()
    await train_recommendations(session)
    await session.commit()
    async with in_process(app) as client:
        await sign_in(app, client, "13800000207")
        product = ProductVM(client)
        await product.load(cheese.product_id, store.id)
        # 买了又买: jam is what the cheese's buyers also bought; the product itself is not suggested.
        assert [i.product_id for i in product.also_bought][:1] == [jam.product_id]
        assert cheese.product_id not in [i.product_id for i in product.also_bought]

        catalog = CatalogVM(client)
        catalog.at_store(store.id)
        await catalog.load_home()
        assert catalog.for_you, "a new member gets the store's best sellers as picks"
        assert not {i.product_id for i in catalog.for_you} & catalog.hot_ids
        assert len({i.product_id for i in catalog.for_you}) == len(catalog.for_you)


async def test_search_results_sort_by_price_and_filter_to_what_the_store_has(app, session):
    store, (small, _big), cheese = await seed_shop(session)
    await session.commit()
    async with in_process(app) as client:
        catalog = CatalogVM(client)
        catalog.at_store(store.id)
        await catalog.search("")
        assert {p.id for p in catalog.results} == {small.product_id, cheese.product_id}
        await catalog.set_sort("price_asc")
        assert [p.id for p in catalog.results] == [small.product_id, cheese.product_id]
        await catalog.set_sort("price_desc")
        assert [p.id for p in catalog.results] == [cheese.product_id, small.product_id]
        assert catalog.available(cheese.product_id) is False
        await catalog.set_in_stock_only(True)
        assert [p.id for p in catalog.results] == [small.product_id] and catalog.total == 1
        await catalog.set_in_stock_only(False)
        await catalog.set_sort(None)
        assert catalog.sort is None and catalog.total == 2


async def test_the_referral_centre_joins_shares_a_code_and_a_friend_names_it(app, session):
    from apps.shopper.viewmodels.referral import ReferralVM

    async with in_process(app) as client, in_process(app) as friend_client:
        await sign_in(app, client, "13800000208")
        await sign_in(app, friend_client, "13800000209")
        vm = ReferralVM(client)
        await vm.load()
        assert vm.loaded and vm.me is None and vm.error is None and vm.referrer is None
        assert await vm.join()
        code = vm.me.code
        assert code and vm.me.referred_count == 0

        friend = ReferralVM(friend_client)
        await friend.load()
        assert not await friend.bind("") and friend.error == "referral.need_code"
        assert not await friend.bind("NOPE0000") and friend.error == "referral.unknown_code"
        friend.typed_code = f"  {code} "
        assert await friend.bind() and friend.referrer.code == code and friend.typed_code == ""
        assert not await friend.bind(code) and friend.error == "referral.already"
        assert not await vm.bind(code) and vm.error in ("referral.self", "referral.already")

        await vm.load()
        assert vm.me.referred_count == 1 and len(vm.referrals) == 1 and vm.earned == 0


async def test_a_birthday_set_once_brings_the_birthday_month_coupon(app, session):
    from zoneinfo import ZoneInfo

    from backend.members import perks
    from backend.members.models import EventCoupon

    gift = await create_template(
        session, name_zh="生日礼 满50减10", name_en="Birthday 10 off 50", amount=1000
    )
    session.add(EventCoupon(event="birthday", template_id=gift.id))
    await session.commit()
    async with in_process(app) as client:
        await sign_in(app, client, "13800000210")
        vm = MemberVM(client)
        await vm.load()
        assert vm.profile.birthday is None and not vm.birthday_this_month
        assert not await vm.set_birthday("20-05-1990") and vm.error == "member.birthday_format"
        assert not await vm.set_birthday("2999-01-01") and vm.error == "member.birthday_format"
        month = utcnow().astimezone(ZoneInfo("Asia/Shanghai")).month
        assert await vm.set_birthday(f"1990-{month:02d}-01")
        assert vm.profile.birthday.month == month and vm.birthday_this_month
        assert not await vm.set_birthday("1991-01-01") and vm.error == "member.birthday_once"

        assert await perks.birthday_coupons(session) == 1
        await session.commit()
        await vm.load()
        assert "生日礼 满50减10" in [c.name_zh for c in vm.unused_coupons]


async def test_a_product_with_an_overlay_is_tried_on_a_real_face_photo(app, session):
    from apps.shopper.viewmodels.tryon import TryOnVM

    store, (small, _big), _cheese = await seed_shop(session)
    _glasses, [frames] = await create_product(
        session, name_zh="经典黑框眼镜", name_en="Classic frames", prices=[19900]
    )
    frames.code = "DEMO-GLASSES-001"
    await session.commit()
    async with in_process(app) as client:
        product = ProductVM(client)
        vm = TryOnVM()
        await product.load(small.product_id, store.id)
        assert not vm.for_product(product.product) and not vm.available
        await product.load(frames.product_id, store.id)
        assert vm.for_product(product.product) and vm.name("zh-CN") == "经典黑框眼镜"

        face = io.BytesIO()
        Image.fromarray(skdata.astronaut()).save(face, "JPEG", quality=90)
        assert await vm.try_on(face.getvalue()) and vm.error is None
        with Image.open(io.BytesIO(vm.picture)) as shown:
            assert shown.format == "JPEG" and shown.size == (512, 512)
            # The frames were drawn across the eyes: around the bridge the picture is not the photo.
            [placed] = vm.placements
            assert placed.asset_id == "glasses_classic"
            x, y = (int(v) for v in placed.points["bridge"])
            before = np.asarray(Image.open(face).convert("L"), dtype=np.int16)[
                y - 20 : y + 20, x - 60 : x + 60
            ]
            after = np.asarray(shown.convert("L"), dtype=np.int16)[y - 20 : y + 20, x - 60 : x + 60]
            assert np.abs(after - before).mean() > 10

        assert not await vm.try_on(png()) and vm.error == "tryon.no_face" and vm.picture is None
        assert not await vm.try_on(b"not a photo") and vm.error == "tryon.image_unreadable"
