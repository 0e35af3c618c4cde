from __future__ import annotations

from backend.core.errors import Conflict, InvalidState, NotFound


class PromotionNotFound(NotFound):
    code = "promotion_not_found"
    default_message = "没有这个促销 / No such promotion."


class CouponTemplateNotFound(NotFound):
    code = "coupon_template_not_found"
    default_message = "没有这个优惠券 / No such coupon template."


class CouponNotFound(NotFound):
    code = "coupon_not_found"
    default_message = "没有这张优惠券 / No such coupon."


class CouponSoldOut(Conflict):
    code = "coupon_sold_out"
    default_message = "优惠券已领完 / All coupons have been claimed."


class CouponLimitReached(Conflict):
    code = "coupon_limit_reached"
    default_message = "已达到领取上限 / You have claimed the maximum for this coupon."


class CouponNotClaimable(InvalidState):
    code = "coupon_not_claimable"
    default_message = "该优惠券当前不可领取 / This coupon cannot be claimed now."


class CouponUnavailable(Conflict):
    code = "coupon_unavailable"
    default_message = "优惠券已使用或已过期 / The coupon is used or expired."
