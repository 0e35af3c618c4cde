from __future__ import annotations

from backend.core.errors import InvalidState, NotFound, ValidationFailed


class PriceListNotFound(NotFound):
    code = "price_list_not_found"
    default_message = "No such price list."


class UnknownSkus(NotFound):
    code = "unknown_skus"
    default_message = "Some SKUs do not exist."


class InvalidScope(ValidationFailed):
    code = "invalid_scope"
    default_message = "The price list's scope value does not name an existing store, region or city tier."


class PriceBelowFloor(ValidationFailed):
    code = "price_below_floor"
    default_message = "价格低于成本加最低毛利 / A price is below cost plus the minimum margin."


class PriceChangeNotFound(NotFound):
    code = "price_change_not_found"
    default_message = "No such scheduled price change."


class PriceChangeLocked(InvalidState):
    code = "price_change_locked"
    default_message = "调价已生效或已取消，不能再取消 / This price change is already effective or cancelled."


class MarkdownRuleNotFound(NotFound):
    code = "markdown_rule_not_found"
    default_message = "No such markdown rule."


class UnknownCategory(NotFound):
    code = "unknown_category"
    default_message = "No such category."


class BatchNotFound(NotFound):
    code = "batch_not_found"
    default_message = "本店没有这个批次 / No such batch at this store."


class NotNearExpiry(InvalidState):
    code = "not_near_expiry"
    default_message = "该批次不在临期范围内 / This batch is not near its expiry date."
