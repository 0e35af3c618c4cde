from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response, status

from backend.auth.deps import AppSettings, CurrentHQ, CurrentMember
from backend.core.db import DbSession
from backend.distribution import repository as repo
from backend.distribution import service
from backend.distribution.schemas import (
    BindRequest,
    Commission,
    DistributionSettings,
    DistributionSettingsUpdate,
    Distributor,
    DistributorUpdate,
    LedgerEntry,
    Referral,
    ReferralCodeInfo,
    ReferredMember,
    SyncResult,
    Withdrawal,
    WithdrawalCreate,
    WithdrawalReview,
)

router = APIRouter(prefix="/distribution", tags=["distribution"])

CommissionState = Literal["frozen", "settled", "reversed"]
WithdrawalState = Literal["pending", "approved", "rejected"]


@router.get("/settings", response_model=DistributionSettings)
async def get_settings(principal: CurrentHQ, session: DbSession) -> DistributionSettings:
    """Levels, rates, minimum withdrawal and the freeze window (HQ)."""
    return await service.settings_out(session)


@router.put("/settings", response_model=DistributionSettings)
async def put_settings(
    body: DistributionSettingsUpdate, principal: CurrentHQ, session: DbSession
) -> DistributionSettings:
    """Change levels and rates in basis points (HQ, audited)."""
    return await service.update_settings(session, principal, body)


@router.post("/me", response_model=Distributor)
async def join(
    principal: CurrentMember, session: DbSession, settings: AppSettings, response: Response
) -> Distributor:
    """Become a distributor and get a referral code and link (again: the same ones)."""
    distributor, created = await service.join(session, principal.id)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return await service.distributor_out(session, distributor, settings.public_base_url)


@router.get("/me", response_model=Distributor)
async def me(principal: CurrentMember, session: DbSession, settings: AppSettings) -> Distributor:
    """My distributor account: code, link and balances (frozen, available, pending, withdrawn)."""
    distributor = await service.my_distributor(session, principal.id)
    return await service.distributor_out(session, distributor, settings.public_base_url)


@router.get("/me/referrals", response_model=list[ReferredMember])
async def my_referrals(principal: CurrentMember, session: DbSession) -> list[ReferredMember]:
    """Members I referred (masked)."""
    return await service.referred_members(session, await service.my_distributor(session, principal.id))


@router.get("/me/commissions", response_model=list[Commission])
async def my_commissions(
    principal: CurrentMember, session: DbSession, status: CommissionState | None = None
) -> list[Commission]:
    """My commissions, newest first, with when each unfreezes."""
    distributor = await service.my_distributor(session, principal.id)
    return await service.commissions_out(session, distributor.id, status)


@router.get("/me/ledger", response_model=list[LedgerEntry])
async def my_ledger(principal: CurrentMember, session: DbSession) -> list[LedgerEntry]:
    """Every movement of my commission balances, newest first."""
    distributor = await service.my_distributor(session, principal.id)
    return [LedgerEntry.model_validate(e) for e in await repo.ledger(session, distributor.id)]


@router.post("/me/withdrawals", response_model=Withdrawal, status_code=status.HTTP_201_CREATED)
async def request_withdrawal(
    body: WithdrawalCreate, principal: CurrentMember, session: DbSession
) -> Withdrawal:
    """Ask to withdraw settled commission; HQ approves or rejects."""
    distributor = await service.my_distributor(session, principal.id)
    return Withdrawal.model_validate(await service.request_withdrawal(session, distributor, body))


@router.get("/me/withdrawals", response_model=list[Withdrawal])
async def my_withdrawals(principal: CurrentMember, session: DbSession) -> list[Withdrawal]:
    """My withdrawal requests, newest first."""
    distributor = await service.my_distributor(session, principal.id)
    return [Withdrawal.model_validate(w) for w in await repo.withdrawals(session, distributor.id, None)]


@router.get("/codes/{code}", response_model=ReferralCodeInfo)
async def code_info(code: str, session: DbSession) -> ReferralCodeInfo:
    """Whose referral code this is (masked name), for the landing page of a referral link."""
    return await service.code_info(session, code)


@router.post("/bind", response_model=Referral, status_code=status.HTTP_201_CREATED)
async def bind(body: BindRequest, principal: CurrentMember, session: DbSession) -> Referral:
    """Bind me to the distributor whose code or link I used (new members; the first binding stays)."""
    await service.bind(session, principal.id, body)
    result = await service.referral_out(session, principal.id)
    assert result is not None
    return result


@router.get("/my-referrer", response_model=Referral | None)
async def my_referrer(principal: CurrentMember, session: DbSession) -> Referral | None:
    """Who referred me, if anyone."""
    return await service.referral_out(session, principal.id)


@router.get("/distributors", response_model=list[Distributor])
async def list_distributors(
    principal: CurrentHQ, session: DbSession, settings: AppSettings
) -> list[Distributor]:
    """Every distributor with balances (HQ)."""
    return [
        await service.distributor_out(session, d, settings.public_base_url)
        for d in await repo.distributors(session)
    ]


@router.get("/distributors/{distributor_id}", response_model=Distributor)
async def get_distributor(
    distributor_id: int, principal: CurrentHQ, session: DbSession, settings: AppSettings
) -> Distributor:
    """One distributor (HQ)."""
    distributor = await service.get_distributor(session, distributor_id)
    return await service.distributor_out(session, distributor, settings.public_base_url)


@router.patch("/distributors/{distributor_id}", response_model=Distributor)
async def update_distributor(
    distributor_id: int,
    body: DistributorUpdate,
    principal: CurrentHQ,
    session: DbSession,
    settings: AppSettings,
) -> Distributor:
    """Disable or re-enable a distributor (HQ, audited); a disabled one earns nothing new."""
    distributor = await service.set_status(session, principal, distributor_id, body.status)
    return await service.distributor_out(session, distributor, settings.public_base_url)


@router.get("/distributors/{distributor_id}/ledger", response_model=list[LedgerEntry])
async def distributor_ledger(
    distributor_id: int, principal: CurrentHQ, session: DbSession
) -> list[LedgerEntry]:
    """A distributor's balance movements (HQ)."""
    await service.get_distributor(session, distributor_id)
    return [LedgerEntry.model_validate(e) for e in await repo.ledger(session, distributor_id)]


@router.get("/commissions", response_model=list[Commission])
async def list_commissions(
    principal: CurrentHQ,
    session: DbSession,
    distributor_id: int | None = None,
    status: CommissionState | None = None,
) -> list[Commission]:
    """Commissions, newest first (HQ)."""
    return await service.commissions_out(session, distributor_id, status)


@router.get("/withdrawals", response_model=list[Withdrawal])
async def list_withdrawals(
    principal: CurrentHQ, session: DbSession, status: WithdrawalState | None = None
) -> list[Withdrawal]:
    """Withdrawal requests, newest first (HQ)."""
    return [Withdrawal.model_validate(w) for w in await repo.withdrawals(session, None, status)]


@router.post("/withdrawals/{withdrawal_id}/review", response_model=Withdrawal)
async def review_withdrawal(
    withdrawal_id: int, body: WithdrawalReview, principal: CurrentHQ, session: DbSession
) -> Withdrawal:
    """Approve (paid out) or reject (money back to available) a withdrawal request (HQ, audited)."""
    return Withdrawal.model_validate(await service.review_withdrawal(session, principal, withdrawal_id, body))


@router.post("/sync", response_model=SyncResult)
async def sync(principal: CurrentHQ, session: DbSession) -> SyncResult:
    """Run the commission books now: account paid and refunded orders, settle past the window (HQ)."""
    return await service.sync(session)
