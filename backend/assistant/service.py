"""The assistant (智能客服): understand the question, answer it from the member's own records through the
domains' services, and hand over to a human ticket when unsure or asked to.

Every fact in an answer comes from the database (orders, stores, stock, wallet, coupons, policies, the
FAQ HQ maintains); ``grounding`` names the records used. Nothing is generated freely.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assistant import repository as repo
from backend.assistant.classifier import model, words
from backend.assistant.errors import FaqNotFound
from backend.assistant.llm import Phraser
from backend.assistant.models import ChatTurn, FaqEntry
from backend.assistant.schemas import ChatReply, ChatRequest, FaqCreate, FaqUpdate
from backend.auth.principal import Principal
from backend.catalog.models import Product, SearchTerm, Sku
from backend.catalog.search import ensure_loaded, query_tokens
from backend.core import audit
from backend.core.money import yuan
from backend.marketing import repository as marketing_repo
from backend.members import wallet
from backend.members.models import Member, TierRule
from backend.orders import repository as orders_repo
from backend.orders.models import Order, OrderStatus
from backend.orders.state import STATUS_ZH
from backend.stores import service as stores_service
from backend.stores.models import Store
from backend.stores.schemas import DAYS
from backend.tickets import service as tickets
from backend.tickets.enums import TicketCategory
from backend.tickets.schemas import ChatTurn as TicketTurn
from backend.tickets.schemas import Escalation

# Below this confidence the assistant does not guess: it answers from the FAQ or hands over.
CONFIDENT = 0.35
# A FAQ entry answers when the question is at least this similar to it (word overlap, 0–1).
FAQ_MATCH = 0.34
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ORDER_NO = re.compile(r"\b[A-Z]{0,2}\d{8,20}\b")
STATUS_EN = {
    "pending_payment": "waiting for payment",
    "held": "under review",
    "paid": "paid, being prepared",
    "picking": "being picked",
    "ready_for_pickup": "ready for pickup",
    "out_for_delivery": "out for delivery",
    "shipped": "shipped",
    "completed": "completed",
    "cancelled": "cancelled",
    "partially_refunded": "partly refunded",
    "refunded": "refunded",
}
OPEN_STATUSES = (
    OrderStatus.PENDING_PAYMENT,
    OrderStatus.PAID,
    OrderStatus.PICKING,
    OrderStatus.READY_FOR_PICKUP,
    OrderStatus.OUT_FOR_DELIVERY,
    OrderStatus.SHIPPED,
)
# Words that say what is asked, not what is wanted, when looking for a product in a stock question.
STOCK_WORDS = {
    "有没有",
    "还有",
    "有货",
    "有",
    "吗",
    "没有",
    "库存",
    "现货",
    "卖完",
    "了",
    "没",
    "查查",
    "查一下",
    "帮我",
    "这个",
    "商品",
    "哪家",
    "哪个",
    "门店",
    "店",
    "店里",
    "卖",
    "现在",
    "还",
    "查",
    "the",
    "do",
    "you",
    "have",
    "in",
    "stock",
    "is",
    "any",
    "left",
    "at",
    "store",
    "available",
    "check",
    "for",
    "which",
    "sold",
    "out",
    "got",
    "does",
    "right",
    "now",
    "still",
    "sells",
    "shop",
    "a",
    "an",
    "some",
    "this",
    "item",
    "there",
}


def language_of(body: ChatRequest) -> str:
    if body.language:
        return body.language
    return "zh-CN" if _CJK.search(body.message) else "en"


@dataclass(slots=True)
class Answer:
    zh: str
    en: str
    grounding: dict[str, Any] = field(default_factory=dict)
    suggestions_zh: list[str] = field(default_factory=list)
    suggestions_en: list[str] = field(default_factory=list)
    hand_over: bool = False

    def text(self, language: str) -> str:
        return self.zh if language == "zh-CN" else self.en

    def suggestions(self, language: str) -> list[str]:
        return self.suggestions_zh if language == "zh-CN" else self.suggestions_en


@dataclass(slots=True)
class Context:
    session: AsyncSession
    member: Principal | None
    body: ChatRequest

    @property
    def member_id(self) -> int | None:
        return self.member.id if self.member is not None and self.member.is_member else None


SIGN_IN = Answer(
    "请先登录，我才能查看您的订单和账户。", "Please sign in so I can look at your orders and account."
)


async def _orders(ctx: Context, limit: int = 5) -> list[Order]:
    assert ctx.member_id is not None
    found = _ORDER_NO.search(ctx.body.message.upper())
    if found:
        order = await orders_repo.order_by_number(ctx.session, found.group(0))
        # Only the member's own order is ever described.
        return [order] if order is not None and order.member_id == ctx.member_id else []
    return await orders_repo.list_orders(ctx.session, member_id=ctx.member_id, limit=limit)


def _status(order: Order) -> tuple[str, str]:
    return STATUS_ZH.get(order.status, order.status), STATUS_EN.get(order.status, order.status)


async def order_status(ctx: Context) -> Answer:
    if ctx.member_id is None:
        return SIGN_IN
    orders = await _orders(ctx)
    if not orders:
        return Answer("您还没有订单。", "You have no orders yet.", {"order_ids": []})
    live = [o for o in orders if o.status in OPEN_STATUSES] or orders[:1]
    zh = "；".join(f"订单 {o.number}：{_status(o)[0]}，金额 ¥{yuan(o.total)}" for o in live[:3])
    en = "; ".join(f"order {o.number}: {_status(o)[1]}, ¥{yuan(o.total)}" for o in live[:3])
    return Answer(
        f"{zh}。",
        f"{en[0].upper()}{en[1:]}.",
        {"order_ids": [o.id for o in live[:3]]},
        ["取货码", "取消订单"],
        ["Pickup code", "Cancel order"],
    )


async def pickup_code(ctx: Context) -> Answer:
    if ctx.member_id is None:
        return SIGN_IN
    orders = [o for o in await _orders(ctx, 20) if o.fulfilment == "pickup" and o.pickup_code]
    ready = [
        o for o in orders if o.status in (OrderStatus.PAID, OrderStatus.PICKING, OrderStatus.READY_FOR_PICKUP)
    ]
    if not ready:
        return Answer(
            "您目前没有待自提的订单；付款后，自提订单会显示取货码。",
            "You have no order waiting for pickup; a pickup order shows its code once paid.",
            {"order_ids": []},
        )
    stores = await orders_repo.stores_by_ids(ctx.session, [o.store_id for o in ready if o.store_id])
    parts_zh, parts_en = [], []
    for o in ready[:3]:
        store = stores.get(o.store_id or 0)
        where_zh = store.name_zh if store else "门店"
        where_en = store.name_en if store else "the store"
        state_zh, state_en = _status(o)
        parts_zh.append(f"订单 {o.number} 的取货码是 {o.pickup_code}（{where_zh}，{state_zh}）")
        parts_en.append(f"order {o.number}: pickup code {o.pickup_code} at {where_en} ({state_en})")
    return Answer(
        "；".join(parts_zh) + "。到店出示订单页的二维码即可。",
        "; ".join(parts_en).capitalize() + ". Show the QR code on the order page at the counter.",
        {"order_ids": [o.id for o in ready[:3]]},
    )


async def cancel_order(ctx: Context) -> Answer:
    if ctx.member_id is None:
        return SIGN_IN
    orders = await _orders(ctx)
    cancellable = [o for o in orders if o.status in (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID)]
    if not cancellable:
        return Answer(
            "您没有可以取消的订单：已开始拣货或已完成的订单不能取消，可在收货后申请退货。",
            "None of your orders can be cancelled now: once picking starts, "
            "ask for a return after receiving it.",
            {"order_ids": [o.id for o in orders[:3]]},
        )
    o = cancellable[0]
    return Answer(
        f"订单 {o.number}（{_status(o)[0]}）可以取消："
        "在“我的订单”中打开它，点“取消订单”，已付款项会原路退回。",
        f"Order {o.number} ({_status(o)[1]}) can be cancelled: open it in My orders and tap Cancel; "
        "any payment goes back the way it came.",
        {"order_ids": [o.id]},
    )


async def _near_stores(ctx: Context, sku_ids: list[int], limit: int = 3) -> list[Any]:
    lat, lng = ctx.body.latitude, ctx.body.longitude
    if lat is None or lng is None:
        home = None
        if ctx.member_id is not None:
            member = await ctx.session.get(Member, ctx.member_id)
            home = (
                await ctx.session.get(Store, member.home_store_id)
                if member and member.home_store_id
                else None
            )
        if home is None:
            return []
        lat, lng = home.latitude, home.longitude
    return await stores_service.nearby(ctx.session, lat, lng, sku_ids=sku_ids, radius_m=None, limit=limit)


async def _mentioned_store(ctx: Context) -> Store | None:
    stores = list(await ctx.session.scalars(select(Store).where(Store.kind == "store")))
    text = ctx.body.message.lower()
    for store in sorted(stores, key=lambda s: -len(s.name_zh)):
        short = store.name_zh.removesuffix("店").removesuffix("旗舰")
        if store.name_zh in ctx.body.message or (len(short) >= 2 and short in ctx.body.message):
            return store
        if store.name_en and store.name_en.lower() in text:
            return store
    return None


def _hours(store: Any) -> tuple[str, str]:
    hours = store.opening_hours or {}
    spans = {tuple(hours.get(d) or ()) for d in DAYS}
    if len(spans) == 1 and spans != {()}:
        start, end = next(iter(spans))
        return f"每天 {start}–{end}", f"daily {start}–{end}"
    zh = "，".join(f"{d} {'–'.join(hours[d])}" for d in DAYS if hours.get(d))
    return zh or "暂无营业时间", zh or "no hours published"


async def store_nearest(ctx: Context) -> Answer:
    near = await _near_stores(ctx, [])
    if not near:
        return Answer(
            "告诉我您的位置（打开定位）后，我可以找出最近的门店。",
            "Share your location (turn on location) and I will find the nearest store.",
        )
    zh = "；".join(f"{s.name_zh}，{s.address}，约 {s.distance_m / 1000:.1f} 公里" for s in near)
    en = "; ".join(f"{s.name_en}, {s.address}, about {s.distance_m / 1000:.1f} km" for s in near)
    return Answer(f"离您最近的门店：{zh}。", f"Nearest stores: {en}.", {"store_ids": [s.id for s in near]})


async def store_hours(ctx: Context) -> Answer:
    store = await _mentioned_store(ctx)
    if store is None:
        near = await _near_stores(ctx, [], 1)
        store = near[0] if near else None
    if store is None:
        return Answer(
            "请告诉我是哪家门店，或打开定位。",
            "Which store? Or turn on location and I will pick the nearest.",
        )
    hours_zh, hours_en = _hours(store)
    open_now = (
        stores_service.is_open(store) if isinstance(store, Store) else getattr(store, "open_now", False)
    )
    return Answer(
        f"{store.name_zh}营业时间：{hours_zh}，现在{'营业中' if open_now else '已打烊'}。",
        f"{store.name_en} opens {hours_en}; it is {'open' if open_now else 'closed'} now.",
        {"store_ids": [store.id]},
    )


async def _product_in(ctx: Context) -> tuple[Product, list[Sku]] | None:
    await ensure_loaded()
    for word in words(ctx.body.message.lower()):
        if word in STOCK_WORDS or len(word) < 2:
            continue
        store = await _mentioned_store(ctx)
        if store is not None and word in store.name_zh:
            continue
        for alternatives in query_tokens(word):
            hit = await ctx.session.scalar(
                select(Product)
                .join(SearchTerm, SearchTerm.product_id == Product.id)
                .where(
                    SearchTerm.term.in_(alternatives), Product.status == "on_sale", Product.kind == "goods"
                )
                .order_by(SearchTerm.weight.desc(), Product.sales_count.desc())
                .limit(1)
            )
            if hit is not None:
                skus = list(
                    await ctx.session.scalars(
                        select(Sku).where(Sku.product_id == hit.id, Sku.status == "active")
                    )
                )
                return hit, skus
    return None


async def stock_check(ctx: Context) -> Answer:
    found = await _product_in(ctx)
    if found is None:
        return Answer(
            "请告诉我商品名称，例如“人民广场店有没有牛奶”。",
            "Which product? For example: “is milk in stock at People's Square”.",
        )
    product, skus = found
    sku_ids = [s.id for s in skus]
    store = await _mentioned_store(ctx)
    if store is not None:
        rows = await orders_repo.availability(ctx.session, [store.id], sku_ids)
        units = sum(max(0, v) for v in rows.values())
        return Answer(
            f"{store.name_zh}的{product.name_zh}：{f'有货，可售 {units} 件' if units else '暂时缺货'}。",
            f"{product.name_en} at {store.name_en}: {f'{units} in stock' if units else 'out of stock'}.",
            {"product_id": product.id, "store_ids": [store.id]},
        )
    near = await _near_stores(ctx, sku_ids, 5)
    with_stock = [(s, sum(s.available.values())) for s in near if sum(s.available.values()) > 0]
    if not near:
        return Answer(
            f"{product.name_zh}在售。打开定位后我可以告诉您附近哪家店有货。",
            f"{product.name_en} is on sale. Turn on location and I will tell you which store nearby has it.",
            {"product_id": product.id},
        )
    if not with_stock:
        return Answer(
            f"附近门店的{product.name_zh}暂时都缺货。",
            f"{product.name_en} is out of stock at the stores near you.",
            {"product_id": product.id, "store_ids": [s.id for s in near]},
        )
    zh = "；".join(f"{s.name_zh} {n} 件（{s.distance_m / 1000:.1f} 公里）" for s, n in with_stock[:3])
    en = "; ".join(f"{s.name_en}: {n} ({s.distance_m / 1000:.1f} km)" for s, n in with_stock[:3])
    return Answer(
        f"{product.name_zh}有货：{zh}。",
        f"{product.name_en} in stock: {en}.",
        {"product_id": product.id, "store_ids": [s.id for s, _ in with_stock[:3]]},
    )


async def return_policy(ctx: Context) -> Answer:
    policy = await orders_repo.return_policy(ctx.session)
    days = policy.window_days if policy else 7
    return Answer(
        f"收货后 {days} 天内可申请无理由退货（生鲜等特殊品类除外，质量问题不受此限）。"
        "在订单页点“申请退货”并上传照片，"
        "也可以到任意门店办理；退款原路返回，积分、储值和优惠券按规则退回。",
        f"You can return goods within {days} days of receiving them, no reason needed (fresh food and some "
        "categories excepted; faulty goods always). Tap “Return” on the order with photos, "
        "or go to any store; "
        "money goes back the way you paid, with points, stored value and coupons restored by the rules.",
        {"return_window_days": days},
    )


async def coupons(ctx: Context) -> Answer:
    if ctx.member_id is None:
        return SIGN_IN
    rows = await marketing_repo.member_coupons(ctx.session, ctx.member_id, "unused")
    if not rows:
        return Answer(
            "您目前没有可用的优惠券，可以在领券中心看看。",
            "You have no coupons to use right now; have a look in the coupon centre.",
            {"coupon_ids": []},
        )
    zh = "；".join(f"{t.name_zh}（{c.valid_to:%m-%d} 到期）" for c, t in rows[:5])
    en = "; ".join(f"{t.name_en} (until {c.valid_to:%b %d})" for c, t in rows[:5])
    return Answer(
        f"您有 {len(rows)} 张可用优惠券：{zh}。结算时会自动选最划算的组合。",
        f"You have {len(rows)} coupons: {en}. Checkout picks the best combination for you.",
        {"coupon_ids": [c.id for c, _ in rows[:5]]},
    )


async def points(ctx: Context) -> Answer:
    if ctx.member_id is None:
        return SIGN_IN
    account = await wallet.get_wallet(ctx.session, ctx.member_id)
    return Answer(
        f"您有 {account.points} 积分，每 100 积分抵 1 元，结算时可直接抵扣，也可在积分商城兑换。",
        f"You have {account.points} points; 100 points pay 1 yuan at checkout, "
        "or spend them in the points mall.",
        {"member_id": ctx.member_id, "points": account.points},
    )


async def tier(ctx: Context) -> Answer:
    if ctx.member_id is None:
        return SIGN_IN
    account = await wallet.get_wallet(ctx.session, ctx.member_id)
    rules = list(await ctx.session.scalars(select(TierRule).order_by(TierRule.min_spend_12m)))
    current = next((r for r in rules if r.code == account.tier_code), None)
    upcoming = next((r for r in rules if r.min_spend_12m > account.spend_12m), None)
    name_zh = current.name_zh if current else "普通会员"
    name_en = current.name_en if current else "Member"
    zh = f"您是{name_zh}，近 12 个月消费 ¥{yuan(account.spend_12m)}"
    en = f"You are a {name_en} member with ¥{yuan(account.spend_12m)} spent in the last 12 months"
    if upcoming is not None:
        gap = upcoming.min_spend_12m - account.spend_12m
        zh += f"，再消费 ¥{yuan(gap)} 升级为{upcoming.name_zh}"
        en += f"; ¥{yuan(gap)} more makes you {upcoming.name_en}"
    return Answer(zh + "。", en + ".", {"member_id": ctx.member_id, "tier": account.tier_code})


async def stored_value(ctx: Context) -> Answer:
    if ctx.member_id is None:
        return SIGN_IN
    account = await wallet.get_wallet(ctx.session, ctx.member_id)
    return Answer(
        f"您的储值余额是 ¥{yuan(account.stored_value)}，可在会员中心充值，充值有赠送，线上线下都能用。",
        f"Your stored value is ¥{yuan(account.stored_value)}; top up in the member centre (with a bonus), "
        "and spend it online or in store.",
        {"member_id": ctx.member_id, "stored_value": account.stored_value},
    )


async def delivery_fee(ctx: Context) -> Answer:
    near = await _near_stores(ctx, [], 1)
    if not near:
        return Answer(
            "同城配送按门店到您地址的距离收费；打开定位后我可以告诉您最近门店的配送费和范围。",
            "Same-city delivery is priced by distance from the store; "
            "turn on location for the nearest store's fee.",
        )
    s = near[0]
    return Answer(
        f"{s.name_zh}配送：起步 ¥{yuan(s.delivery_base_fee)}，每公里 ¥{yuan(s.delivery_fee_per_km)}，"
        f"配送范围 {s.delivery_radius_m / 1000:.1f} 公里；您{'在' if s.delivers_here else '不在'}范围内。",
        f"Delivery from {s.name_en}: ¥{yuan(s.delivery_base_fee)} "
        f"plus ¥{yuan(s.delivery_fee_per_km)} per km, within {s.delivery_radius_m / 1000:.1f} km; "
        f"you are {'inside' if s.delivers_here else 'outside'} it.",
        {"store_ids": [s.id]},
    )


async def greeting(ctx: Context) -> Answer:
    return Answer(
        "您好！我可以帮您查订单、取货码、门店和库存、退货、优惠券和积分。",
        "Hello! I can help with orders, pickup codes, stores and stock, returns, coupons and points.",
        suggestions_zh=["我的订单到哪了", "取货码", "附近门店"],
        suggestions_en=["Where is my order", "Pickup code", "Stores near me"],
    )


async def thanks(ctx: Context) -> Answer:
    return Answer("不客气，还有其他需要随时问我。", "You're welcome — ask any time.")


async def human(ctx: Context) -> Answer:
    return Answer(
        "已为您转人工客服，工作人员会尽快回复。",
        "I have passed this to our staff; someone will reply soon.",
        hand_over=True,
    )


HANDLERS: dict[str, Callable[[Context], Awaitable[Answer]]] = {
    "order_status": order_status,
    "pickup_code": pickup_code,
    "cancel_order": cancel_order,
    "store_nearest": store_nearest,
    "store_hours": store_hours,
    "stock_check": stock_check,
    "return_policy": return_policy,
    "coupons": coupons,
    "points": points,
    "tier": tier,
    "stored_value": stored_value,
    "delivery_fee": delivery_fee,
    "greeting": greeting,
    "thanks": thanks,
    "human": human,
}


def _faq_words(text: str) -> set[str]:
    return {w for w in words(text.lower()) if len(w) > 1 or _CJK.match(w)}


async def match_faq(session: AsyncSession, message: str) -> tuple[FaqEntry, float] | None:
    """The FAQ entry whose question (either language, with its keywords) best overlaps the message."""
    asked = _faq_words(message)
    if not asked:
        return None
    best: tuple[FaqEntry, float] | None = None
    for entry in await repo.faq_entries(session, active_only=True):
        known = _faq_words(f"{entry.question_zh} {entry.question_en} {entry.keywords}")
        score = len(asked & known) / len(asked)
        if best is None or score > best[1]:
            best = (entry, score)
    return best if best is not None and best[1] >= FAQ_MATCH else None


async def chat(
    session: AsyncSession, member: Principal | None, body: ChatRequest, phraser: Phraser | None = None
) -> ChatReply:
    language = language_of(body)
    prediction = model().predict(body.message)
    ctx = Context(session, member, body)
    intent, confidence = prediction.intent, prediction.confidence
    faq = await match_faq(session, body.message)
    if faq is not None and (confidence < CONFIDENT or faq[1] >= 0.6):
        entry, score = faq
        answer = Answer(entry.answer_zh, entry.answer_en, {"faq_id": entry.id})
        intent, confidence = "faq", score
    elif confidence < CONFIDENT:
        answer = Answer(
            "这个问题我还不太确定，已转给人工客服，稍后会有工作人员回复您。",
            "I'm not sure about that one, so I've passed it to our staff; someone will reply soon.",
            hand_over=True,
        )
    else:
        answer = await HANDLERS[intent](ctx)
    ticket_id = None
    if answer.hand_over and ctx.member_id is not None:
        ticket_id = await _hand_over(session, member, body, answer.text(language))  # type: ignore[arg-type]
    elif answer.hand_over:
        answer = Answer(
            "请先登录，我再为您转人工客服。",
            "Please sign in and I will pass you to our staff.",
            hand_over=False,
        )
    said, phrased_by = answer.text(language), None
    if phraser is not None and not answer.hand_over and ticket_id is None:
        phrased = await phraser.phrase(body.message, said, answer.grounding, language)
        if phrased is not None:
            said, phrased_by = phrased, phraser.name
    reply = ChatReply(
        intent=intent,
        confidence=round(confidence, 3),
        language=language,
        answer=said,
        phrased_by=phrased_by,
        suggestions=answer.suggestions(language),
        grounding=answer.grounding,
        ticket_id=ticket_id,
        handed_over=ticket_id is not None,
    )
    session.add(
        ChatTurn(
            member_id=ctx.member_id,
            message=body.message,
            language=language,
            intent=intent,
            confidence=confidence,
            answer=reply.answer,
            grounding=answer.grounding,
            ticket_id=ticket_id,
        )
    )
    await session.flush()
    return reply


async def _hand_over(session: AsyncSession, member: Principal, body: ChatRequest, said: str) -> int:
    transcript = [TicketTurn(role=t.role, text=t.text) for t in body.history]
    transcript += [TicketTurn(role="member", text=body.message), TicketTurn(role="assistant", text=said)]
    category = (
        TicketCategory.COMPLAINT
        if re.search(r"投诉|complain", body.message, re.I)
        else TicketCategory.QUESTION
    )
    ticket = await tickets.escalate(
        session,
        member,
        Escalation(
            category=category,
            subject=body.message[:120] if len(body.message) >= 2 else "咨询",
            transcript=transcript,
        ),
    )
    return ticket.id


async def create_faq(session: AsyncSession, actor: Principal, body: FaqCreate) -> FaqEntry:
    entry = FaqEntry(**body.model_dump(), updated_by=actor.id)
    session.add(entry)
    await session.flush()
    audit.record(session, actor, "assistant.faq_create", "assistant_faq", entry.id, after=body.model_dump())
    return entry


async def update_faq(session: AsyncSession, actor: Principal, faq_id: int, body: FaqUpdate) -> FaqEntry:
    entry = await repo.faq_entry(session, faq_id)
    if entry is None:
        raise FaqNotFound(detail={"faq_id": faq_id})
    changes = body.model_dump(exclude_unset=True)
    before = {k: getattr(entry, k) for k in changes}
    for name, value in changes.items():
        setattr(entry, name, value)
    entry.updated_by = actor.id
    await session.flush()
    audit.record(
        session, actor, "assistant.faq_update", "assistant_faq", entry.id, before=before, after=changes
    )
    return entry
