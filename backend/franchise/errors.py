from __future__ import annotations

from backend.core.errors import Forbidden, NotFound, ValidationFailed


class MerchantNotFound(NotFound):
    code = "merchant_not_found"
    default_message = "No such merchant."


class StatementNotFound(NotFound):
    code = "statement_not_found"
    default_message = "No such statement."


class PeriodNotClosed(ValidationFailed):
    code = "period_not_closed"
    default_message = "结算期尚未结束 / A statement covers whole past days only; the period has not ended."


class NotYourMerchant(Forbidden):
    code = "not_your_merchant"
    default_message = "只能查看本加盟商的结算单 / Franchisees see only their own merchant's statements."


class UnknownDiscountSource(NotFound):
    code = "unknown_discount_source"
    default_message = "No such promotion or coupon template."
