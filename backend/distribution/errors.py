from __future__ import annotations

from backend.core.errors import Conflict, Forbidden, InvalidState, NotFound, ValidationFailed


class DistributionDisabled(Forbidden):
    code = "distribution_disabled"
    default_message = "分销未开启 / Distribution is switched off."


class NotADistributor(NotFound):
    code = "not_a_distributor"
    default_message = "你还不是分销员 / You are not a distributor."


class DistributorNotFound(NotFound):
    code = "distributor_not_found"
    default_message = "No such distributor."


class ReferralCodeUnknown(NotFound):
    code = "referral_code_unknown"
    default_message = "推荐码无效 / This referral code does not exist or is disabled."


class AlreadyBound(Conflict):
    code = "already_referred"
    default_message = "已绑定推荐人，首次绑定有效 / You are already bound to a referrer (first touch wins)."


class SelfReferral(ValidationFailed):
    code = "self_referral"
    default_message = "不能绑定自己或自己的下级 / You cannot bind to yourself or to someone you referred."


class NotNewMember(Conflict):
    code = "not_a_new_member"
    default_message = (
        "只有新会员（尚无已付款订单）可以绑定推荐人 / Only new members (no paid orders yet) can be referred."
    )


class WithdrawalTooSmall(ValidationFailed):
    code = "withdrawal_too_small"
    default_message = "提现金额低于最低限额 / The amount is below the minimum withdrawal."


class InsufficientCommission(Conflict):
    code = "insufficient_commission"
    default_message = "可提现佣金不足 / Not enough settled commission to withdraw."


class WithdrawalNotFound(NotFound):
    code = "withdrawal_not_found"
    default_message = "No such withdrawal."


class WithdrawalReviewed(InvalidState):
    code = "withdrawal_already_reviewed"
    default_message = "该提现申请已审核 / This withdrawal has already been reviewed."
