from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response, status

from backend.auth.deps import CurrentHQ, CurrentStaff
from backend.core.db import DbSession
from backend.franchise import documents, service
from backend.franchise import repository as repo
from backend.franchise.schemas import (
    Funding,
    FundingSet,
    Merchant,
    MerchantCreate,
    MerchantUpdate,
    Statement,
    StatementRequest,
)

router = APIRouter(prefix="/franchise", tags=["franchise"])


@router.get("/merchants", response_model=list[Merchant])
async def list_merchants(principal: CurrentStaff, session: DbSession) -> list[Merchant]:
    """Merchants with their stores (HQ: all; a franchisee admin: their own)."""
    only = service.scope_of(principal)
    return [await service.merchant_out(session, m) for m in await repo.merchants(session, only)]


@router.post("/merchants", response_model=Merchant, status_code=status.HTTP_201_CREATED)
async def create_merchant(body: MerchantCreate, principal: CurrentHQ, session: DbSession) -> Merchant:
    """Add a franchise merchant with its HQ commission rate (HQ, audited)."""
    return await service.merchant_out(session, await service.create_merchant(session, principal, body))


@router.patch("/merchants/{merchant_id}", response_model=Merchant)
async def update_merchant(
    merchant_id: int, body: MerchantUpdate, principal: CurrentHQ, session: DbSession
) -> Merchant:
    """Rename a merchant or change its HQ commission rate (HQ, audited)."""
    return await service.merchant_out(
        session, await service.update_merchant(session, principal, merchant_id, body)
    )


@router.get("/funding", response_model=list[Funding])
async def list_funding(principal: CurrentHQ, session: DbSession) -> list[Funding]:
    """Which promotions and coupon templates merchants fund (the rest HQ funds) (HQ)."""
    return [Funding.model_validate(f) for f in await repo.funding(session)]


@router.put("/funding", response_model=Funding)
async def set_funding(body: FundingSet, principal: CurrentHQ, session: DbSession) -> Funding:
    """Say who funds a promotion's or coupon template's discounts (HQ, audited)."""
    return Funding.model_validate(await service.set_funding(session, principal, body))


@router.post("/statements", response_model=Statement)
async def generate_statement(
    body: StatementRequest, principal: CurrentStaff, session: DbSession, response: Response
) -> Statement:
    """The merchant's statement for whole past days; generated once, then the same one (201, then 200)."""
    statement, created = await service.generate(session, principal, body)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return await service.statement_out(session, statement)


@router.get("/statements", response_model=list[Statement])
async def list_statements(
    principal: CurrentStaff, session: DbSession, merchant_id: int | None = None
) -> list[Statement]:
    """Statements, latest period first (a franchisee admin sees only their merchant's)."""
    scope = service.scope_of(principal)
    wanted = scope if scope is not None else merchant_id
    if scope is not None and merchant_id not in (None, scope):
        return []
    return [await service.statement_out(session, s) for s in await repo.statements(session, wanted)]


@router.get("/statements/{statement_id}", response_model=Statement)
async def get_statement(statement_id: int, principal: CurrentStaff, session: DbSession) -> Statement:
    """One statement with its per-store figures."""
    return await service.statement_out(session, await service.get_statement(session, principal, statement_id))


@router.get(
    "/statements/{statement_id}/document",
    responses={200: {"content": {"text/csv": {}, "application/pdf": {}}}},
)
async def statement_document(
    statement_id: int, principal: CurrentStaff, session: DbSession, format: Literal["csv", "pdf"] = "pdf"
) -> Response:
    """Download a statement as CSV or PDF (Chinese and English labels)."""
    out = await service.statement_out(session, await service.get_statement(session, principal, statement_id))
    if format == "csv":
        body, media = documents.to_csv(out), "text/csv; charset=utf-8"
    else:
        body, media = documents.to_pdf(out), "application/pdf"
    name = documents.filename(out, format)
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
