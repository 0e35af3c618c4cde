"""Intelligence: recommendations, forecasts, replenishment and transfers, segments, campaigns, risk holds."""

from __future__ import annotations

from backend.intelligence.schemas import (
    Campaign,
    Draft,
    Forecast,
    MemberSegment,
    Recommendations,
    Replenishment,
    RiskHold,
    TransferSuggestion,
)
from shared.sdk.base import Call, Resource


class IntelligenceAPI(Resource):
    def for_you(self, store_id: int | None = None, limit: int = 10) -> Recommendations:
        """Home-page picks (the member's own; store/region best sellers for new members and guests)."""
        params = {"store_id": store_id, "limit": limit}
        return self._call(
            Call("GET", "/intelligence/recommendations/for-you", params=params, model=Recommendations)
        )

    def bought_together(self, sku_id: int, limit: int = 10) -> Recommendations:
        return self._call(
            Call(
                "GET",
                f"/intelligence/recommendations/bought-together/{sku_id}",
                params={"limit": limit},
                model=Recommendations,
                auth=False,
            )
        )

    def add_ons(self, sku_ids: list[int], limit: int = 10) -> Recommendations:
        params = {"sku_ids": sku_ids, "limit": limit}
        return self._call(
            Call(
                "GET",
                "/intelligence/recommendations/add-ons",
                params=params,
                model=Recommendations,
                auth=False,
            )
        )

    def record_view(self, sku_id: int) -> None:
        return self._call(
            Call(
                "POST", "/intelligence/behaviour", json={"sku_id": sku_id, "kind": "view"}, expect_empty=True
            )
        )

    def record_cart(self, sku_id: int) -> None:
        return self._call(
            Call(
                "POST", "/intelligence/behaviour", json={"sku_id": sku_id, "kind": "cart"}, expect_empty=True
            )
        )

    def forecasts(self, store_id: int) -> list[Forecast]:
        return self._call(
            Call("GET", "/intelligence/forecasts", params={"store_id": store_id}, model=list[Forecast])
        )

    def replenishment(self, store_id: int | None = None, all_lines: bool = False) -> list[Replenishment]:
        params = {"store_id": store_id, "all_lines": all_lines}
        return self._call(
            Call("GET", "/intelligence/replenishment", params=params, model=list[Replenishment])
        )

    def create_draft(self, store_id: int, supplier: str | None = None) -> Draft:
        """Raise a draft receipt (order to the supplier/DC) from the store's replenishment suggestions."""
        body = {"store_id": store_id, "supplier": supplier}
        return self._call(Call("POST", "/intelligence/replenishment/drafts", json=body, model=Draft))

    def transfers(self) -> list[TransferSuggestion]:
        return self._call(Call("GET", "/intelligence/transfers", model=list[TransferSuggestion]))

    def segments(self, segment: str | None = None, sleeping: bool | None = None) -> list[MemberSegment]:
        params = {"segment": segment, "sleeping": sleeping}
        return self._call(Call("GET", "/intelligence/segments", params=params, model=list[MemberSegment]))

    def create_campaign(self, name: str, template_id: int, audience: str = "sleeping") -> Campaign:
        body = {"name": name, "template_id": template_id, "audience": audience}
        return self._call(Call("POST", "/intelligence/campaigns", json=body, model=Campaign))

    def campaign(self, campaign_id: int) -> Campaign:
        return self._call(Call("GET", f"/intelligence/campaigns/{campaign_id}", model=Campaign))

    def holds(self, status: str | None = "held") -> list[RiskHold]:
        return self._call(
            Call("GET", "/intelligence/risk/holds", params={"status": status}, model=list[RiskHold])
        )

    def decide_hold(self, order_id: int, decision: str, note: str | None = None) -> RiskHold:
        body = {"decision": decision, "note": note}
        return self._call(Call("POST", f"/intelligence/risk/holds/{order_id}", json=body, model=RiskHold))
