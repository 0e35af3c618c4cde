"""Intelligence API shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RecommendedItem(Schema):
    sku_id: int
    product_id: int
    name_zh: str
    name_en: str
    price: int
    score: float
    # the SKU of the member's that most led to this one ("because you bought ...")
    because_sku_id: int | None = None


class Recommendations(Schema):
    kind: str
    source: str = Field(
        description="for_you | also_bought | add_ons | popular_store | popular_region | popular"
    )
    items: list[RecommendedItem]
    computed_at: datetime | None


class BehaviourCreate(Schema):
    sku_id: int = Field(ge=1)
    kind: Literal["view", "cart"]


class Forecast(Schema):
    store_id: int
    sku_id: int
    method: str
    daily: list[float]
    weekly: list[float]
    daily_sigma: float
    history_days: int
    computed_at: datetime


class Replenishment(Schema):
    store_id: int
    sku_id: int
    available: int
    safety_stock: int
    reorder_point: int
    order_up_to: int
    quantity: int
    reason: str
    document_id: int | None
    computed_at: datetime


class DraftCreate(Schema):
    store_id: int = Field(ge=1)
    supplier: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None = None


class Draft(Schema):
    document_id: int
    store_id: int
    lines: int


class TransferSuggestion(Schema):
    id: int
    sku_id: int
    from_store_id: int
    to_store_id: int
    quantity: int
    benefit: int
    cost: int
    reason: str
    computed_at: datetime


class MemberSegment(Schema):
    member_id: int
    recency_days: int
    frequency: int
    monetary: int
    r_score: int
    f_score: int
    m_score: int
    segment: str
    segment_zh: str = ""
    usual_interval_days: float | None
    sleeping: bool
    churn_risk: float
    last_purchase_at: datetime | None
    computed_at: datetime


class CampaignCreate(Schema):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    template_id: int = Field(ge=1)
    audience: Annotated[str, StringConstraints(pattern=r"^(sleeping|segment:[a-z_]+)$")] = "sleeping"


class Campaign(Schema):
    id: int
    name: str
    template_id: int
    audience: str
    created_at: datetime
    targets: int = 0
    coupons_issued: int = 0
    coupons_used: int = 0
    responders: int = 0
    response_rate: float = 0.0
    orders: int = 0
    revenue: int = 0


class RiskHold(Schema):
    id: int
    order_id: int
    rules: list[dict]
    status: str
    reviewed_by: int | None
    reviewed_at: datetime | None
    note: str | None
    created_at: datetime


class HoldDecision(Schema):
    decision: Literal["release", "reject"]
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None


class ImportRowError(Schema):
    line: int
    reason: str


class ImportSummary(Schema):
    rows: int
    imported: int
    already: int
    bad: int
    errors: list[ImportRowError] = []


class PriceSuggestion(Schema):
    id: int
    kind: Literal["regional", "markdown"]
    scope: Literal["region", "store"]
    scope_value: int
    region_id: int | None
    store_id: int | None
    sku_id: int
    current_price: int
    reference_price: int
    suggested_price: int
    change_bp: int
    cost_price: int | None
    floor_price: int | None
    until: date | None
    explanation: str
    evidence: dict[str, Any]
    status: Literal["pending", "approved", "rejected"]
    price_change_id: int | None
    decided_by: int | None
    decided_at: datetime | None
    note: str | None
    computed_at: datetime


class PriceSuggestionDecision(Schema):
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None


class PriceSuggestionRun(Schema):
    regional: int
    markdown: int
    skus: int
