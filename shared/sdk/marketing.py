"""Promotions and coupons: HQ rules, running promotions, claiming and listing a member's coupons."""

from __future__ import annotations

from typing import Any

from backend.marketing.schemas import Coupon, CouponTemplate, Promotion, Quote
from shared.sdk.base import Call, Resource


class MarketingAPI(Resource):
    def quote(
        self,
        store_id: int,
        lines: list[tuple[int, int]],
        channel: str = "online",
        coupon_ids: list[int] | None = None,
    ) -> Quote:
        """Price lines at a store with the running promotions (a signed-in member's coupons too)."""
        body = {
            "store_id": store_id,
            "channel": channel,
            "lines": [{"sku_id": sku_id, "quantity": qty} for sku_id, qty in lines],
            "coupon_ids": coupon_ids or [],
        }
        return self._call(Call("POST", "/marketing/quote", json=body, model=Quote))

    def create_promotion(self, **fields: Any) -> Promotion:
        """Create a promotion (HQ); ``rule`` is a dict with its ``type`` (threshold, percent, ...)."""
        return self._call(Call("POST", "/marketing/promotions", json=_jsonable(fields), model=Promotion))

    def promotions(self, active: bool | None = None) -> list[Promotion]:
        return self._call(
            Call("GET", "/marketing/promotions", params={"active": active}, model=list[Promotion])
        )

    def update_promotion(self, promotion_id: int, **fields: Any) -> Promotion:
        return self._call(
            Call("PATCH", f"/marketing/promotions/{promotion_id}", json=_jsonable(fields), model=Promotion)
        )

    def active_promotions(self, store_id: int | None = None, channel: str = "online") -> list[Promotion]:
        """Promotions running now on ``channel`` (online | in_store) at a store."""
        params = {"store_id": store_id, "channel": channel}
        return self._call(
            Call("GET", "/marketing/promotions/active", params=params, model=list[Promotion], auth=False)
        )

    def create_coupon_template(self, **fields: Any) -> CouponTemplate:
        return self._call(
            Call("POST", "/marketing/coupon-templates", json=_jsonable(fields), model=CouponTemplate)
        )

    def coupon_templates(self) -> list[CouponTemplate]:
        return self._call(Call("GET", "/marketing/coupon-templates", model=list[CouponTemplate]))

    def update_coupon_template(self, template_id: int, **fields: Any) -> CouponTemplate:
        return self._call(
            Call(
                "PATCH",
                f"/marketing/coupon-templates/{template_id}",
                json=_jsonable(fields),
                model=CouponTemplate,
            )
        )

    def claim_coupon(self, template_id: int) -> Coupon:
        return self._call(
            Call("POST", "/marketing/coupons/claim", json={"template_id": template_id}, model=Coupon)
        )

    def my_coupons(self, status: str | None = None) -> list[Coupon]:
        return self._call(
            Call("GET", "/marketing/coupons/mine", params={"status": status}, model=list[Coupon])
        )


def _jsonable(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in fields.items()}
