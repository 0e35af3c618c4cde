"""Member rules: profile, consent, the rotating member code, identification at a till, deletion."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.models import AuthSession
from backend.auth.principal import Principal
from backend.core.errors import ValidationFailed
from backend.core.privacy import mask_name, mask_phone
from backend.core.security import hash_password, qr_private_key
from backend.core.settings import Settings
from backend.core.time import utcnow
from backend.members import repository as repo
from backend.members.errors import MemberCodeInvalid, MemberNotFound
from backend.members.models import Member
from backend.members.schemas import Member as MemberOut
from backend.members.schemas import MemberSummary, MemberUpdate
from backend.stores.models import Store
from shared import codes

MEMBER_CODE_TTL = 60
# A code scanned at the start of a till or kiosk sale may still pay this long after it lapses.
SPEND_GRACE = timedelta(minutes=10)


async def get_member(session: AsyncSession, member_id: int) -> Member:
    member = await repo.by_id(session, member_id)
    if member is None:
        raise MemberNotFound()
    return member


def to_schema(member: Member) -> MemberOut:
    out = MemberOut.model_validate(member)
    out.has_password = member.password_hash is not None
    return out


def summary(member: Member) -> MemberSummary:
    today = utcnow().date()
    return MemberSummary(
        id=member.id,
        phone_masked=mask_phone(member.phone) or "",
        name_masked=mask_name(member.name),
        birthday_this_month=bool(member.birthday and member.birthday.month == today.month),
    )


async def update_profile(session: AsyncSession, member_id: int, data: MemberUpdate) -> Member:
    member = await get_member(session, member_id)
    changes = data.model_dump(exclude_unset=True)
    if "birthday" in changes and member.birthday is not None and changes["birthday"] != member.birthday:
        # Birthday perks depend on it: set once by the member, changed only by staff on evidence.
        raise ValidationFailed("The birthday is already set.", detail={"birthday": str(member.birthday)})
    if (
        changes.get("home_store_id") is not None
        and await session.get(Store, changes["home_store_id"]) is None
    ):
        raise ValidationFailed("Unknown store.", detail={"home_store_id": changes["home_store_id"]})
    if "marketing_consent" in changes and changes["marketing_consent"] != member.marketing_consent:
        member.consent_at = utcnow()
    for key, value in changes.items():
        setattr(member, key, value)
    return member


async def set_password(session: AsyncSession, member_id: int, password: str) -> None:
    member = await get_member(session, member_id)
    member.password_hash = hash_password(password)


def member_code(settings: Settings, member_id: int) -> str:
    """A signed member code for the till to scan; it expires in a minute, so a screenshot is no use."""
    return codes.sign(qr_private_key(settings.var_dir), "member", {"m": member_id}, MEMBER_CODE_TTL)


def member_of_code(
    settings: Settings, text: str, at: datetime | None = None, grace: timedelta = timedelta(0)
) -> int:
    """The member id a scanned member code names, checked (signature, kind, expiry as of ``at`` less
    ``grace``; now when ``at`` is None); MemberCodeInvalid with the reason otherwise."""
    now = None if at is None else (at - grace).timestamp()
    try:
        signed = codes.verify(qr_private_key(settings.var_dir).public_key(), text, "member", now=now)
    except codes.CodeError as exc:
        raise MemberCodeInvalid(detail={"reason": exc.reason}) from exc
    return int(signed.data["m"])


async def identify(session: AsyncSession, settings: Settings, text: str) -> Member:
    member = await repo.by_id(session, member_of_code(settings, text))
    if member is None:
        raise MemberNotFound()
    return member


async def lookup_by_phone(session: AsyncSession, phone: str) -> Member:
    member = await repo.by_phone(session, phone)
    if member is None:
        raise MemberNotFound()
    return member


async def delete_account(session: AsyncSession, principal: Principal) -> None:
    """Erase a member's personal data (个人信息保护法); their orders keep only the anonymous id."""
    member = await get_member(session, principal.id)
    now = utcnow()
    member.phone = f"deleted-{member.id}"
    member.name = None
    member.birthday = None
    member.password_hash = None
    member.marketing_consent = False
    member.consent_at = now
    member.deleted_at = now
    await session.execute(
        update(AuthSession)
        .where(AuthSession.subject_kind == "member", AuthSession.subject_id == member.id)
        .values(revoked_at=now, revoke_reason="account_deleted")
    )
