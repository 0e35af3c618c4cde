"""After-sales rules: a shopper's return or exchange request, the policy check, approval (automatic or
by the order's store), and completion at any store through the orders domain's return."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from backend.aftersales import policy
from backend.aftersales import repository as repo
from backend.aftersales.enums import ReasonCode, RequestKind, RequestStatus
from backend.aftersales.errors import DifferenceUnpaid, PolicyRefused, RequestNotFound
from backend.aftersales.models import CategoryRule, ReturnRequest, ReturnRequestLine, ReturnRequestPhoto
from backend.aftersales.schemas import CategoryRuleIn, RequestCreate
from backend.auth.principal import Principal
from backend.catalog import images
from backend.catalog.models import Category
from backend.core import audit, events
from backend.core.errors import BadRequest, InvalidState, NotFound
from backend.core.time import utcnow
from backend.inventory.service import stock as inventory
from backend.orders import payment as order_payment
from backend.orders import repository as orders_repo
from backend.orders import returns as order_returns
from backend.orders.models import Order, OrderStatus
from backend.orders.picking import share
from backend.orders.schemas import ReturnCreate, ReturnLineIn
from backend.pricing import service as pricing

MAX_PHOTOS = 6
STAFF_ROLES = order_returns.RETURN_ROLES
REF_EXCHANGE = "aftersales_exchange"


def _emit(session: AsyncSession, request: ReturnRequest, type_: str) -> None:
    payload = {"request_id": request.id, "order_id": request.order_id, "status": request.status}
    events.emit(session, f"member:{request.member_id}", type_, payload)
    if request.store_id is not None:
        events.emit(session, f"store:{request.store_id}:aftersales", type_, payload)


def _rule_for(
    category_id: int, categories: dict[int, Category], rules: dict[int, CategoryRule]
) -> policy.Rule:
    """The nearest rule up the category tree (水果 inherits 生鲜's), or the default rule."""
    seen: set[int] = set()
    current: int | None = category_id
    name = categories[category_id].name_zh if category_id in categories else str(category_id)
    while current is not None and current not in seen:
        seen.add(current)
        rule = rules.get(current)
        if rule is not None:
            return policy.Rule(name, rule.no_reason, rule.no_reason_days, rule.quality_days)
        parent = categories.get(current)
        current = parent.parent_id if parent is not None else None
    return policy.Rule(name)


async def create_request(session: AsyncSession, member: Principal, body: RequestCreate) -> ReturnRequest:
    """Check the request against the policy; approve it at once when it is simple (see policy)."""
    if body.client_ref:
        replay = await repo.by_client_ref(session, member.id, body.client_ref)
        if replay is not None:
            return replay
    order = await orders_repo.get_order(session, body.order_id)
    if order is None or order.member_id != member.id:
        raise NotFound("No such order.", detail={"order_id": body.order_id})
    if order.status not in order_returns.RETURNABLE:
        raise PolicyRefused(
            "Only a completed order can be returned or exchanged.", detail={"status": order.status}
        )
    order_lines = {ln.id: ln for ln in await orders_repo.order_lines(session, order.id)}
    wanted: dict[int, tuple[int, int | None]] = {}
    for item in body.lines:
        if item.order_line_id in wanted:
            raise BadRequest("Name each order line once.", detail={"order_line_id": item.order_line_id})
        if item.order_line_id not in order_lines:
            raise BadRequest(
                "This line is not part of the order.", detail={"order_line_id": item.order_line_id}
            )
        if (body.kind == RequestKind.EXCHANGE) != (item.exchange_sku_id is not None):
            raise BadRequest(
                "An exchange names the spec wanted for every line; a return names none.",
                detail={"order_line_id": item.order_line_id},
            )
        wanted[item.order_line_id] = (item.quantity, item.exchange_sku_id)
    asked = await repo.open_quantities(session, list(wanted))
    for line_id, (qty, _x) in wanted.items():
        line = order_lines[line_id]
        left = line.picked_qty - line.returned_qty - asked.get(line_id, 0)
        if qty > left:
            raise BadRequest(
                f"最多可申请 {max(left, 0)} 件 / At most {max(left, 0)} can be asked for.",
                detail={"order_line_id": line_id, "available": max(left, 0), "requested": qty},
            )
    sku_ids = {order_lines[i].sku_id for i in wanted} | {x for _q, x in wanted.values() if x is not None}
    skus = await repo.sku_products(session, sku_ids)
    categories, rules = await repo.categories(session), await repo.rules(session)
    line_rules = [_rule_for(skus[order_lines[i].sku_id][1].category_id, categories, rules) for i in wanted]
    done_at = order.completed_at or order.created_at
    now = utcnow()
    days_since = (now - done_at).total_seconds() / 86400
    default_days = (await orders_repo.return_policy(session)).window_days
    found = policy.problems(ReasonCode(body.reason_code), days_since, line_rules, default_days)
    if found:
        raise PolicyRefused(found[0]["message"], detail={"problems": found})  # type: ignore[arg-type]
    new_prices: dict[int, int] = {}
    if body.kind == RequestKind.EXCHANGE:
        for line_id, (_q, new_sku) in wanted.items():
            assert new_sku is not None
            old_sku, old_product = skus[order_lines[line_id].sku_id]
            candidate = skus.get(new_sku)
            if candidate is None or candidate[1].id != old_product.id or new_sku == old_sku.id:
                raise BadRequest(
                    "An exchange is for another spec of the same product.",
                    detail={"order_line_id": line_id, "exchange_sku_id": new_sku},
                )
            if candidate[0].status != "active":
                raise BadRequest("That spec is no longer sold.", detail={"exchange_sku_id": new_sku})
        prices = await pricing.price_for(session, order.store_id, [x for _q, x in wanted.values() if x])
        new_prices = {sku_id: p.price for sku_id, p in prices.items()}
    request = ReturnRequest(
        member_id=member.id,
        order_id=order.id,
        store_id=order.store_id,
        kind=body.kind,
        reason_code=body.reason_code,
        reason=body.reason.strip(),
        status=RequestStatus.PENDING,
        client_ref=body.client_ref,
    )
    session.add(request)
    await session.flush()
    amount = 0
    difference = 0
    for line_id, (qty, new_sku) in wanted.items():
        line = order_lines[line_id]
        part = share(line, qty)
        amount += part
        if new_sku is not None:
            difference += new_prices[new_sku] * qty - part
        session.add(
            ReturnRequestLine(
                request_id=request.id,
                order_line_id=line_id,
                sku_id=line.sku_id,
                quantity=qty,
                amount=part,
                exchange_sku_id=new_sku,
                exchange_price=new_prices.get(new_sku) if new_sku else None,
            )
        )
    request.amount = amount
    request.difference = difference
    recent = await repo.recent_auto_approvals(session, member.id, now - timedelta(days=30))
    if policy.auto_approvable(RequestKind(body.kind), ReasonCode(body.reason_code), amount, recent):
        request.status = RequestStatus.APPROVED
        request.auto_approved = True
        request.decided_at = now
        request.decision_note = "自动审核通过 / approved automatically"
    await session.flush()
    _emit(session, request, "aftersales.requested")
    return request


async def visible(session: AsyncSession, principal: Principal, request_id: int) -> ReturnRequest:
    """The member's own request, or (staff) one of their stores' or, for completion, any open request."""
    request = await repo.get(session, request_id)
    if request is not None:
        if principal.is_member and request.member_id == principal.id:
            return request
        if principal.is_staff and (
            principal.store_ids is None
            or (request.store_id is not None and principal.can_act_for(request.store_id))
            or (request.status == RequestStatus.APPROVED and principal.has_role(*STAFF_ROLES))
        ):
            return request
    raise RequestNotFound(detail={"request_id": request_id})


async def _staff_request(session: AsyncSession, principal: Principal, request_id: int) -> ReturnRequest:
    principal.require_role(*STAFF_ROLES)
    request = await repo.get(session, request_id, lock=True)
    if request is None or not (
        principal.store_ids is None
        or (request.store_id is not None and principal.can_act_for(request.store_id))
    ):
        raise RequestNotFound(detail={"request_id": request_id})
    return request


async def decide(
    session: AsyncSession, principal: Principal, request_id: int, approve: bool, note: str
) -> ReturnRequest:
    """Staff of the order's store (or HQ) approve or reject a pending request."""
    request = await _staff_request(session, principal, request_id)
    if request.status != RequestStatus.PENDING:
        raise InvalidState("Only a pending request can be decided.", detail={"status": request.status})
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    request.decided_by = principal.id
    request.decided_at = utcnow()
    request.decision_note = note.strip() or None
    await session.flush()
    audit.record(
        session,
        principal,
        "aftersales.approve" if approve else "aftersales.reject",
        "aftersales_request",
        request.id,
        after={"note": note},
        store_id=request.store_id,
    )
    _emit(session, request, "aftersales.approved" if approve else "aftersales.rejected")
    return request


async def cancel(session: AsyncSession, member: Principal, request_id: int) -> ReturnRequest:
    request = await repo.get(session, request_id, lock=True)
    if request is None or request.member_id != member.id:
        raise RequestNotFound(detail={"request_id": request_id})
    if request.status not in repo.OPEN or request.difference_paid:
        raise InvalidState("This request can no longer be withdrawn.", detail={"status": request.status})
    request.status = RequestStatus.CANCELLED
    await session.flush()
    _emit(session, request, "aftersales.cancelled")
    return request


async def add_photo(
    session: AsyncSession, member: Principal, var_dir: Path, request_id: int, data: bytes
) -> ReturnRequestPhoto:
    """A photo of the goods (the fault, the wrong item); the bytes are decoded to be sure it is a picture."""
    request = await repo.get(session, request_id)
    if request is None or request.member_id != member.id:
        raise RequestNotFound(detail={"request_id": request_id})
    if request.status not in repo.OPEN:
        raise InvalidState("The request is closed.", detail={"status": request.status})
    if len(await repo.photos(session, request.id)) >= MAX_PHOTOS:
        raise BadRequest(f"At most {MAX_PHOTOS} photos per request.", detail={"max": MAX_PHOTOS})
    stored = images.store(var_dir, Path("aftersales") / str(request.id), data)
    photo = ReturnRequestPhoto(request_id=request.id, **stored.columns())
    session.add(photo)
    await session.flush()
    return photo


async def photo_file(
    session: AsyncSession, principal: Principal, var_dir: Path, request_id: int, photo_id: int
) -> tuple[Path, str]:
    request = await visible(session, principal, request_id)
    photo = await session.get(ReturnRequestPhoto, photo_id)
    if photo is None or photo.request_id != request.id:
        raise NotFound("No such photo.", detail={"photo_id": photo_id})
    path = images.stored_file(var_dir, photo.path)
    if path is None:
        raise NotFound("The photo file is missing.", detail={"photo_id": photo_id})
    return path, photo.content_type


async def complete(
    session: AsyncSession, principal: Principal, request_id: int, store_id: int
) -> ReturnRequest:
    """The shopper brings the goods to any store: a return goes through the orders domain's return (stock
    back through the ledger, money back to the original tenders, once); an exchange takes the old units
    back, sells the new spec from this store's stock and settles the price difference."""
    principal.require_role(*STAFF_ROLES)
    principal.require_store(store_id)
    request = await repo.get(session, request_id, lock=True)
    if request is None:
        raise RequestNotFound(detail={"request_id": request_id})
    if request.status != RequestStatus.APPROVED:
        raise InvalidState("Only an approved request can be completed.", detail={"status": request.status})
    now = utcnow()
    assert request.decided_at is not None
    if now > request.decided_at + timedelta(days=policy.APPROVAL_VALID_DAYS):
        raise InvalidState(
            f"The approval lapsed after {policy.APPROVAL_VALID_DAYS} days; ask again.",
            detail={"decided_at": request.decided_at.isoformat()},
        )
    order = await orders_repo.get_order(session, request.order_id, for_update=True)
    assert order is not None
    lines = await repo.lines(session, request.id)
    if request.kind == RequestKind.RETURN:
        done_at = order.completed_at or order.created_at
        # The policy was checked when the request was made; the approval is honoured while it is valid.
        days = max(1, int((now - done_at).total_seconds() // 86400) + 1)
        ret, _replayed = await order_returns.create_return(
            session,
            principal,
            ReturnCreate(
                order_id=order.id,
                store_id=store_id,
                lines=[ReturnLineIn(order_line_id=ln.order_line_id, quantity=ln.quantity) for ln in lines],
                reason=(request.reason or request.reason_code)[:120],
                client_id=f"aftersales-{request.id}",
            ),
            window_days=days,
        )
        request.order_return_id = ret.id
        request.amount = ret.amount
    else:
        await _exchange(session, principal, request, order, lines, store_id)
    request.status = RequestStatus.COMPLETED
    request.completed_store_id = store_id
    request.completed_at = now
    await session.flush()
    audit.record(
        session,
        principal,
        "aftersales.complete",
        "aftersales_request",
        request.id,
        after={"store_id": store_id, "kind": request.kind, "amount": request.amount},
        store_id=store_id,
    )
    _emit(session, request, "aftersales.completed")
    return request


async def _exchange(
    session: AsyncSession,
    principal: Principal,
    request: ReturnRequest,
    order: Order,
    lines: list[ReturnRequestLine],
    store_id: int,
) -> None:
    if order.status not in (OrderStatus.COMPLETED, OrderStatus.PARTIALLY_REFUNDED):
        raise InvalidState("The order can no longer be exchanged.", detail={"status": order.status})
    if request.difference > request.difference_paid:
        raise DifferenceUnpaid(detail={"difference": request.difference, "paid": request.difference_paid})
    refund = max(0, -request.difference)
    left = refund
    for line in lines:
        assert line.exchange_sku_id is not None
        back = min(left, line.amount)
        left -= back
        if not await orders_repo.add_returned(session, line.order_line_id, line.quantity, back):
            raise InvalidState(
                "These units were returned meanwhile.", detail={"order_line_id": line.order_line_id}
            )
        await inventory.return_to_stock(
            session,
            store_id,
            line.sku_id,
            line.quantity,
            REF_EXCHANGE,
            f"{request.id}:{line.id}",
            actor=principal,
        )
    await inventory.sell(
        session,
        store_id,
        [(ln.exchange_sku_id, ln.quantity) for ln in lines if ln.exchange_sku_id is not None],
        REF_EXCHANGE,
        str(request.id),
        actor=principal,
    )
    if refund:
        await order_payment.refund(
            session, order, refund, "exchange price difference", actor=principal, store_id=store_id
        )


async def set_rule(
    session: AsyncSession, principal: Principal, category_id: int, body: CategoryRuleIn
) -> CategoryRule:
    if await session.get(Category, category_id) is None:
        raise NotFound("No such category.", detail={"category_id": category_id})
    rule = await repo.rule_for(session, category_id)
    before = None
    if rule is None:
        rule = CategoryRule(category_id=category_id)
        session.add(rule)
    else:
        before = {
            "no_reason": rule.no_reason,
            "no_reason_days": rule.no_reason_days,
            "quality_days": rule.quality_days,
        }
    for key, value in body.model_dump().items():
        setattr(rule, key, value)
    await session.flush()
    audit.record(
        session, principal, "aftersales.rule", "category", category_id, before=before, after=body.model_dump()
    )
    return rule
