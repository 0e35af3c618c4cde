"""Intelligence errors."""

from __future__ import annotations

from backend.core.errors import InvalidState, NotFound


class PriceSuggestionNotFound(NotFound):
    code = "price_suggestion_not_found"
    default_message = "没有这条调价建议 / No such price suggestion."


class PriceSuggestionDecided(InvalidState):
    code = "price_suggestion_decided"
    default_message = "这条调价建议已处理 / This price suggestion was already approved or rejected."


class PriceSuggestionStale(InvalidState):
    code = "price_suggestion_stale"
    default_message = (
        "价格已变化，请重新生成建议 / The price changed since the suggestion; run the job again."
    )


class PriceSuggestionInPromotion(InvalidState):
    code = "price_suggestion_in_promotion"
    default_message = "商品正在促销，暂不调价 / The SKU is in an active promotion; its price is left alone."
