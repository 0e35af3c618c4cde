"""Intelligence tables: imported sales history, behaviour events, and the precomputed results the jobs
write (recommendations, forecasts, replenishment and transfer suggestions, member segments,
reactivation campaigns) plus risk holds and risk signals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, BigId, bigpk, created_at, intpk


class SaleHistory(Base):
    """One line of a historical sale imported from another system (``omo import transactions``)."""

    __tablename__ = "sales_history"
    __table_args__ = (
        UniqueConstraint("order_ref", "line_no"),
        Index("ix_sales_history_customer", "customer_ref", "sold_at"),
        Index("ix_sales_history_store_sku", "store_id", "sku_id", "sold_at"),
    )

    id: Mapped[bigpk]
    order_ref: Mapped[str] = mapped_column(String(64))
    line_no: Mapped[int] = mapped_column(Integer)
    customer_ref: Mapped[str | None] = mapped_column(String(64))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    store_code: Mapped[str | None] = mapped_column(String(32))
    sku_id: Mapped[int | None] = mapped_column(ForeignKey("skus.id"))
    sku_code: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)
    sold_at: Mapped[datetime]
    imported_at: Mapped[created_at]


class BehaviourEvent(Base):
    """A member's view or add-to-cart of a SKU: implicit feedback for the recommender."""

    __tablename__ = "behaviour_events"
    __table_args__ = (Index("ix_behaviour_events_member", "member_id", "at"),)

    id: Mapped[bigpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id", ondelete="CASCADE"))
    # view | cart
    kind: Mapped[str] = mapped_column(String(8))
    at: Mapped[created_at]


class Recommendation(Base):
    """A precomputed list: ``kind`` for_you (key member id), also_bought (key SKU id),
    popular_store (key store id), popular_region (key region id), popular (key 0)."""

    __tablename__ = "recommendations"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[bigpk]
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[int] = mapped_column(BigId)
    # [[sku_id, score, because_sku_id | None], ...] best first
    items: Mapped[list[Any]]
    computed_at: Mapped[datetime]


class DemandForecast(Base):
    __tablename__ = "demand_forecasts"
    __table_args__ = (UniqueConstraint("store_id", "sku_id"),)

    id: Mapped[intpk]
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(20))
    # units per day for the next days, and per week for the next weeks
    daily: Mapped[list[Any]]
    weekly: Mapped[list[Any]]
    # standard deviation of one day's forecast error (in-sample one-step residuals)
    daily_sigma: Mapped[float] = mapped_column(Float)
    history_days: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime]


class ReplenishmentSuggestion(Base):
    __tablename__ = "replenishment_suggestions"
    __table_args__ = (UniqueConstraint("store_id", "sku_id"),)

    id: Mapped[intpk]
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id", ondelete="CASCADE"))
    available: Mapped[int] = mapped_column(Integer)
    safety_stock: Mapped[int] = mapped_column(Integer)
    reorder_point: Mapped[int] = mapped_column(Integer)
    order_up_to: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    # the draft receipt document raised for it, if any
    document_id: Mapped[int | None] = mapped_column(ForeignKey("stock_documents.id", ondelete="SET NULL"))
    computed_at: Mapped[datetime]


class TransferSuggestion(Base):
    __tablename__ = "transfer_suggestions"

    id: Mapped[intpk]
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id", ondelete="CASCADE"))
    from_store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    to_store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer)
    # fen: margin saved from lost sales (and write-off avoided) against the cost of moving
    benefit: Mapped[int] = mapped_column(Integer)
    cost: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    computed_at: Mapped[datetime]


class MemberSegment(Base):
    __tablename__ = "member_segments"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    recency_days: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[int] = mapped_column(Integer)
    monetary: Mapped[int] = mapped_column(Integer)
    r_score: Mapped[int] = mapped_column(Integer)
    f_score: Mapped[int] = mapped_column(Integer)
    m_score: Mapped[int] = mapped_column(Integer)
    segment: Mapped[str] = mapped_column(String(16), index=True)
    usual_interval_days: Mapped[float | None] = mapped_column(Float)
    sleeping: Mapped[bool] = mapped_column(default=False)
    churn_risk: Mapped[float] = mapped_column(Float)
    last_purchase_at: Mapped[datetime | None]
    computed_at: Mapped[datetime]


class ReactivationCampaign(Base):
    __tablename__ = "reactivation_campaigns"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(120))
    template_id: Mapped[int] = mapped_column(ForeignKey("coupon_templates.id"))
    # which members: sleeping | segment:<name>
    audience: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]


class CampaignTarget(Base):
    __tablename__ = "campaign_targets"
    __table_args__ = (UniqueConstraint("campaign_id", "member_id"),)

    id: Mapped[intpk]
    campaign_id: Mapped[int] = mapped_column(ForeignKey("reactivation_campaigns.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    coupon_id: Mapped[int | None] = mapped_column(ForeignKey("coupons.id"))
    issued_at: Mapped[datetime]


class RiskSignal(Base):
    """What the risk rules remember: which device/IP a member claimed a coupon or ordered from."""

    __tablename__ = "risk_signals"
    __table_args__ = (Index("ix_risk_signals_device", "device", "kind"),)

    id: Mapped[bigpk]
    kind: Mapped[str] = mapped_column(String(16))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    device: Mapped[str | None] = mapped_column(String(80))
    ip: Mapped[str | None] = mapped_column(String(64))
    ref: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[created_at]


class RiskHold(Base):
    """An order held for review by the abnormal-order rules, and the reviewer's decision."""

    __tablename__ = "risk_holds"

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    rules: Mapped[list[Any]]
    # held | released | rejected
    status: Mapped[str] = mapped_column(String(10), default="held", index=True)
    reviewed_by: Mapped[int | None] = mapped_column(Integer)
    reviewed_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[created_at]


class PriceSuggestion(Base):
    """A regional price or near-expiry markdown the pricing job suggests; HQ approves (it then applies as a
    scheduled price change through the pricing domain) or rejects it."""

    __tablename__ = "price_suggestions"
    __table_args__ = (
        Index("ix_price_suggestions_status", "status", "kind"),
        Index("ix_price_suggestions_store", "store_id"),
    )

    id: Mapped[intpk]
    # regional | markdown
    kind: Mapped[str] = mapped_column(String(12))
    # region (regional) | store (markdown)
    scope: Mapped[str] = mapped_column(String(12))
    scope_value: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    # the store a markdown is for (None for a regional price)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id", ondelete="CASCADE"))
    # fen: the price when suggested, the regular price a markdown ladder counts from, the suggestion
    current_price: Mapped[int] = mapped_column(Integer)
    reference_price: Mapped[int] = mapped_column(Integer)
    suggested_price: Mapped[int] = mapped_column(Integer)
    change_bp: Mapped[int] = mapped_column(Integer)
    cost_price: Mapped[int | None] = mapped_column(Integer)
    floor_price: Mapped[int | None] = mapped_column(Integer)
    # the last day a markdown is meant for (the batch's expiry day)
    until: Mapped[date | None] = mapped_column(Date)
    explanation: Mapped[str] = mapped_column(String(400))
    evidence: Mapped[dict[str, Any]]
    # pending | approved | rejected
    status: Mapped[str] = mapped_column(String(10), default="pending")
    price_change_id: Mapped[int | None] = mapped_column(ForeignKey("price_changes.id", ondelete="SET NULL"))
    decided_by: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(200))
    computed_at: Mapped[datetime]
