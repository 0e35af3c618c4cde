"""The assistant chat: answers what it can from the shopper's own data (their orders, the store's hours,
their points and coupons); what it cannot answer goes to a person as a support ticket (with the chat),
or, when tickets cannot be opened, to the store's phone."""

from __future__ import annotations

from dataclasses import dataclass

from apps.shopper.viewmodels.base import ViewModel
from backend.stores.schemas import Store
from backend.tickets.schemas import Ticket
from shared.i18n import pick, t
from shared.sdk import AsyncClient
from shared.ui import format as fmt

# Words that say what the shopper asks about, in both languages → the topic.
TOPICS = {
    "order": ("订单", "到哪", "自提", "取货", "配送", "order", "pickup", "delivery", "where is"),
    "hours": ("营业", "几点", "开门", "关门", "时间", "hours", "open", "close"),
    "points": ("积分", "余额", "储值", "会员", "points", "balance", "member", "tier"),
    "coupons": ("优惠券", "券", "优惠", "coupon", "discount"),
    "human": ("人工", "客服", "投诉", "human", "agent", "complain"),
}


@dataclass
class Message:
    mine: bool
    text: str
    offer_ticket: bool = False


class AssistantVM(ViewModel):
    def __init__(self, client: AsyncClient) -> None:
        super().__init__()
        self.client = client
        self.messages: list[Message] = []
        self.draft = ""
        self.ticket: Ticket | None = None
        self.lang: str | None = None
        self.store: Store | None = None

    def start(self, lang: str | None, store: Store | None) -> None:
        self.lang, self.store = lang, store
        if not self.messages:
            self.messages.append(Message(False, t("assistant.hello", lang)))
        self.notify()

    @staticmethod
    def topic(text: str) -> str | None:
        lowered = text.lower()
        for name, words in TOPICS.items():
            if any(w in lowered for w in words):
                return name
        return None

    async def send(self, text: str | None = None) -> None:
        text = (text if text is not None else self.draft).strip()
        if not text:
            return
        self.draft = ""
        self.messages.append(Message(True, text))
        self.notify()
        answer = await self._answer(self.topic(text))
        if answer is None:
            self.messages.append(Message(False, t("assistant.unsure", self.lang), offer_ticket=True))
        else:
            self.messages.append(Message(False, answer))
        self.notify()

    async def _answer(self, topic: str | None) -> str | None:
        lang = self.lang
        if topic == "order":
            orders = await self._run(self.client.orders.list(limit=1))
            if not orders:
                return t("assistant.no_orders", lang) if orders is not None else None
            latest = orders[0]
            return t(
                "assistant.latest_order",
                lang,
                number=latest.number,
                status=t(f"order.status.{latest.status}", lang),
                total=fmt.price(latest.total),
            )
        if topic == "hours" and self.store is not None:
            name = pick(lang, self.store.name_zh, self.store.name_en)
            hours = fmt.hours_today(self.store.opening_hours, self.store.timezone, lang)
            return t("assistant.hours", lang, store=name, hours=hours, address=self.store.address)
        if topic == "points":
            wallet = await self._run(self.client.members.wallet())
            if wallet is None:
                return None
            tier = pick(lang, wallet.tier.name_zh, wallet.tier.name_en) if wallet.tier else "—"
            return t(
                "assistant.points",
                lang,
                points=wallet.points,
                balance=fmt.price(wallet.stored_value),
                tier=tier,
            )
        if topic == "coupons":
            coupons = await self._run(self.client.marketing.my_coupons("unused"))
            if coupons is None:
                return None
            return t("assistant.coupons", lang, n=len(coupons))
        return None

    async def escalate(self) -> None:
        """Hand the conversation to a person as a ticket carrying the chat; else the store's phone."""
        asked = [m.text for m in self.messages if m.mine]
        transcript = [{"role": "member" if m.mine else "assistant", "text": m.text} for m in self.messages]
        self.ticket = await self._run(
            self.client.tickets.escalate(
                asked[-1][:120] if asked and len(asked[-1]) >= 2 else t("assistant.title", self.lang),
                transcript,
                store_id=self.store.id if self.store else None,
            )
        )
        if self.ticket is not None:
            self.messages.append(Message(False, t("assistant.ticket_created", self.lang, id=self.ticket.id)))
        else:
            phone = self.store.phone if self.store and self.store.phone else None
            key = "assistant.call_store" if phone else "assistant.visit_store"
            self.messages.append(Message(False, t(key, self.lang, phone=phone or "")))
        self.notify()
