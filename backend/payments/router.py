from __future__ import annotations

import html
import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from fastapi.responses import HTMLResponse

from backend.auth.deps import CurrentPrincipal, CurrentStaff, StoreActor
from backend.auth.principal import Principal, StaffRole
from backend.core.db import DbSession
from backend.core.errors import Forbidden, ValidationFailed
from backend.core.money import yuan
from backend.core.time import utcnow
from backend.payments import repository as repo
from backend.payments import service
from backend.payments.config import runtime
from backend.payments.errors import InvalidNotification, PaymentNotFound
from backend.payments.models import Payment as PaymentRow
from backend.payments.models import SandboxTransaction
from backend.payments.schemas import (
    OfflineTenderCreate,
    Payment,
    PaymentCreate,
    RefId,
    RefType,
    Refund,
    RefundCreate,
)
from backend.payments.simulators import sandbox as gateway

log = logging.getLogger("omo.payments")


def _bind_runtime(request: Request) -> None:
    runtime(request.app.state.settings)


router = APIRouter(tags=["payments"], dependencies=[Depends(_bind_runtime)])

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", min_length=8, max_length=80)]
REFUND_ROLES = (StaffRole.STORE_MANAGER, StaffRole.CASHIER, StaffRole.FRANCHISEE_ADMIN)


def _require_view(principal: Principal, payment: PaymentRow) -> None:
    if principal.is_member:
        allowed = payment.payer_member_id == principal.id
    else:
        allowed = principal.is_hq or (
            payment.store_id is not None and principal.can_act_for(payment.store_id)
        )
    if not allowed:
        raise PaymentNotFound(detail={"payment_id": payment.id})


@router.post("/payments", response_model=Payment, status_code=status.HTTP_201_CREATED)
async def create_payment(
    body: PaymentCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> Payment:
    """Start paying for a reference (an order, a top-up) with a provider; returns the pay URL and QR text."""
    payment = await service.pay_ref(
        session,
        principal,
        ref_type=body.ref_type,
        ref_id=body.ref_id,
        provider=body.provider,
        idempotency_key=idempotency_key,
    )
    return Payment.model_validate(payment)


@router.post("/payments/offline", response_model=Payment, status_code=status.HTTP_201_CREATED)
async def record_offline_tender(
    body: OfflineTenderCreate,
    principal: StoreActor,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> Payment:
    """Record cash or a card terminal payment taken at the till (cashier or store device)."""
    if principal.is_staff:
        principal.require_role(StaffRole.CASHIER, StaffRole.STORE_MANAGER)
    due = await service.due_for(session, principal, body.ref_type, body.ref_id)
    if due.store_id is None:
        raise ValidationFailed(
            "Only a store's own sale can be paid at its till.", detail={"ref_id": body.ref_id}
        )
    principal.require_store(due.store_id)
    payment = await service.record_offline_tender(
        session,
        ref_type=body.ref_type,
        ref_id=body.ref_id,
        amount=due.amount,
        tender=body.tender,
        description=due.description,
        store_id=due.store_id,
        terminal_ref=body.terminal_ref,
        payer_member_id=due.payer_member_id,
        idempotency_key=idempotency_key,
        actor=principal,
    )
    return Payment.model_validate(payment)


@router.get("/payments", response_model=list[Payment])
async def list_payments(
    principal: CurrentPrincipal,
    session: DbSession,
    ref_type: Annotated[RefType, Query()],
    ref_id: Annotated[RefId, Query()],
) -> list[Payment]:
    """The payments for a reference that the caller may see, newest first."""
    if principal.is_member:
        rows = await repo.for_ref(session, ref_type, ref_id, member_id=principal.id)
    else:
        rows = await repo.for_ref(session, ref_type, ref_id, store_ids=principal.store_ids)
    return [Payment.model_validate(p) for p in rows]


@router.get("/payments/{payment_id}", response_model=Payment)
async def get_payment(payment_id: int, principal: CurrentPrincipal, session: DbSession) -> Payment:
    """A payment's current status (poll this while the payer pays)."""
    payment = await service.get_payment(session, payment_id)
    _require_view(principal, payment)
    return Payment.model_validate(payment)


@router.post("/payments/{payment_id}/sync", response_model=Payment)
async def sync_payment(payment_id: int, principal: CurrentPrincipal, session: DbSession) -> Payment:
    """Ask the gateway for an open payment's status now, in case its notification is late."""
    _require_view(principal, await service.get_payment(session, payment_id))
    return Payment.model_validate(await service.sync_payment(session, payment_id))


@router.post("/payments/{payment_id}/refunds", response_model=Refund, status_code=status.HTTP_201_CREATED)
async def create_refund(
    payment_id: int,
    body: RefundCreate,
    principal: CurrentStaff,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> Refund:
    """Refund part or all of a paid payment (store manager, cashier or HQ)."""
    principal.require_role(*REFUND_ROLES)
    payment = await service.get_payment(session, payment_id)
    if payment.store_id is None:
        if not principal.is_hq:
            raise Forbidden("Only HQ may refund a payment that belongs to no store.")
    else:
        principal.require_store(payment.store_id)
    refund = await service.refund(
        session, payment_id, body.amount, body.reason, idempotency_key, actor=principal
    )
    return Refund.model_validate(refund)


@router.get("/payments/{payment_id}/refunds", response_model=list[Refund])
async def list_refunds(payment_id: int, principal: CurrentPrincipal, session: DbSession) -> list[Refund]:
    """A payment's refunds."""
    _require_view(principal, await service.get_payment(session, payment_id))
    return [Refund.model_validate(r) for r in await service.refunds_of(session, payment_id)]


@router.post("/payments/notify/{provider}", response_class=Response)
async def notify(provider: str, request: Request, session: DbSession) -> Response:
    """A gateway's signed notification: verified, checked against the payment and applied at most once."""
    gateway_provider = runtime().providers.get(provider)
    if gateway_provider is None or not gateway_provider.online:
        return Response(
            '{"code":"FAIL","message":"unknown provider"}', status_code=404, media_type="application/json"
        )
    body = await request.body()
    try:
        notification = gateway_provider.verify_and_parse_notification(request.headers, body)
        await service.apply_notification(session, gateway_provider.name, notification)
    except InvalidNotification as exc:
        await session.rollback()
        log.warning("refused %s notification: %s %s", provider, exc.code, exc.detail)
        reply = gateway_provider.reply(False, exc.message)
    else:
        reply = gateway_provider.reply(True)
    return Response(reply.body, status_code=reply.status_code, media_type=reply.media_type)


_TEXT = {
    "zh": {
        "title": "沙箱支付",
        "note": "测试环境，不会产生真实扣款",
        "trade": "交易号",
        "confirm": "确认支付",
        "cancel": "取消",
        "paid": "支付成功",
        "paid_note": "商户正在确认，请返回应用查看订单。",
        "closed": "交易已关闭",
        "expired": "交易已过期",
        "missing": "未找到该交易",
        "cancelled": "已取消支付",
    },
    "en": {
        "title": "Sandbox payment",
        "note": "Test environment: no real money moves",
        "trade": "Trade no.",
        "confirm": "Confirm payment",
        "cancel": "Cancel",
        "paid": "Payment successful",
        "paid_note": "The merchant is confirming; return to the app to see your order.",
        "closed": "Trade closed",
        "expired": "Trade expired",
        "missing": "No such trade",
        "cancelled": "Payment cancelled",
    },
}

_STYLE = (
    "body{font-family:system-ui,'Noto Sans CJK SC','PingFang SC',sans-serif;background:#f4f5f7;margin:0}"
    "main{max-width:420px;margin:40px auto;background:#fff;border-radius:12px;padding:28px;text-align:center;"
    "box-shadow:0 2px 10px rgba(0,0,0,.08)}.note{color:#b26a00;font-size:14px}.amount{font-size:40px;"
    "font-weight:700;margin:12px 0}.meta{color:#666;font-size:13px}"
    "button{display:block;width:100%;padding:14px;margin-top:14px;font-size:18px;border-radius:8px;border:0;cursor:pointer}.primary{background:#07c160;"
    "color:#fff}.secondary{background:#eee;color:#333}"
)


def _page(title: str, inner: str, lang: str, status_code: int = 200) -> HTMLResponse:
    html_lang = "zh-CN" if lang == "zh" else "en"
    doc = (
        f'<!doctype html><html lang="{html_lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><main>{inner}</main></body></html>"
    )
    return HTMLResponse(doc, status_code=status_code)


def _state_page(
    txn: SandboxTransaction | None, lang: str, path: str, heading: str | None = None
) -> HTMLResponse:
    text = _TEXT[lang]
    if txn is None:
        return _page(text["missing"], f"<h1>{text['missing']}</h1>", lang, 404)
    summary = (
        f'<p>{html.escape(txn.description)}</p><p class="amount">¥{yuan(txn.amount)}</p>'
        f'<p class="meta">{text["trade"]} {html.escape(txn.trade_no)}</p>'
    )
    if txn.status == "SUCCESS":
        return _page(text["paid"], f"<h1>{text['paid']}</h1>{summary}<p>{text['paid_note']}</p>", lang)
    if txn.status != "NOTPAY":
        title = heading or text["closed"]
        return _page(title, f"<h1>{title}</h1>{summary}", lang, 200 if heading else 409)
    if txn.expires_at <= utcnow():
        return _page(text["expired"], f"<h1>{text['expired']}</h1>{summary}", lang, 410)
    query = "" if lang == "zh" else "?lang=en"
    forms = (
        f'<form method="post" action="{path}/confirm{query}"><button class="primary" type="submit">'
        f"{text['confirm']}</button></form>"
        f'<form method="post" action="{path}/cancel{query}"><button class="secondary" type="submit">'
        f"{text['cancel']}</button></form>"
    )
    return _page(
        text["title"], f'<h1>{text["title"]}</h1><p class="note">{text["note"]}</p>{summary}{forms}', lang
    )


Lang = Annotated[str, Query(pattern="^(zh|en)$")]


def _sandbox_only() -> None:
    if not runtime().sandbox_enabled:
        raise PaymentNotFound("The sandbox gateway is off.")


sandbox = APIRouter(dependencies=[Depends(_sandbox_only)])


@sandbox.get("/payments/sandbox/pay/{token}", response_class=HTMLResponse)
async def sandbox_pay_page(
    token: str, request: Request, session: DbSession, lang: Lang = "zh"
) -> HTMLResponse:
    """The sandbox gateway's pay page (what the payment's QR code opens)."""
    return _state_page(await gateway.by_token(session, token), lang, request.url.path)


@sandbox.post("/payments/sandbox/pay/{token}/confirm", response_class=HTMLResponse)
async def sandbox_confirm(token: str, session: DbSession, lang: Lang = "zh") -> HTMLResponse:
    """The payer confirms on the sandbox pay page; the gateway then notifies the merchant."""
    txn = await gateway.confirm(session, token)
    return _state_page(txn, lang, f"/api/v1/payments/sandbox/pay/{token}")


@sandbox.post("/payments/sandbox/pay/{token}/cancel", response_class=HTMLResponse)
async def sandbox_cancel(token: str, session: DbSession, lang: Lang = "zh") -> HTMLResponse:
    """The payer cancels on the sandbox pay page."""
    txn = await gateway.cancel(session, token)
    return _state_page(txn, lang, f"/api/v1/payments/sandbox/pay/{token}", heading=_TEXT[lang]["cancelled"])


router.include_router(sandbox)
