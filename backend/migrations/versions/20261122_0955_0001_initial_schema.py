"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 09:55:29.168957
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text  # noqa: F401  (autogenerate renders JSONB(astext_type=Text()))

import backend.core.db
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('assistant_faq',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_zh', sa.String(length=200), nullable=False),
    sa.Column('question_en', sa.String(length=200), nullable=False),
    sa.Column('answer_zh', sa.Text(), nullable=False),
    sa.Column('answer_en', sa.Text(), nullable=False),
    sa.Column('keywords', sa.String(length=300), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistant_faq'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('actor_kind', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_entity', ['entity', 'entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_store_id'), ['store_id'], unique=False)

    op.create_table('auth_sessions',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('subject_kind', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoke_reason', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_sessions'))
    )
    op.create_table('categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_zh', sa.String(length=60), nullable=False),
    sa.Column('name_en', sa.String(length=60), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['categories.id'], name=op.f('fk_categories_parent_id_categories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_categories')),
    sa.UniqueConstraint('code', name=op.f('uq_categories_code'))
    )
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_categories_parent_id'), ['parent_id'], unique=False)

    op.create_table('coupon_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('percent_bp', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('channels', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('store_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('valid_from', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('valid_to', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('valid_days', sa.Integer(), nullable=True),
    sa.Column('per_member_limit', sa.Integer(), nullable=False),
    sa.Column('total_quantity', sa.Integer(), nullable=False),
    sa.Column('issued', sa.Integer(), nullable=False),
    sa.Column('stackable', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('issued >= 0 AND issued <= total_quantity', name=op.f('ck_coupon_templates_issued_in_range')),
    sa.CheckConstraint('valid_days IS NOT NULL OR valid_to IS NOT NULL', name=op.f('ck_coupon_templates_has_validity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coupon_templates'))
    )
    op.create_table('discount_funding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('funder', sa.String(length=10), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discount_funding')),
    sa.UniqueConstraint('kind', 'ref_id', name=op.f('uq_discount_funding_kind_ref_id'))
    )
    op.create_table('distribution_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('levels', sa.Integer(), nullable=False),
    sa.Column('level1_bp', sa.Integer(), nullable=False),
    sa.Column('level2_bp', sa.Integer(), nullable=False),
    sa.Column('level3_bp', sa.Integer(), nullable=False),
    sa.Column('min_withdrawal', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_settings'))
    )
    op.create_table('earn_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=True),
    sa.Column('multiplier_bp', sa.Integer(), nullable=False),
    sa.Column('starts_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ends_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('multiplier_bp >= 0', name=op.f('ck_earn_rules_multiplier_nonnegative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_earn_rules'))
    )
    op.create_table('events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('topic', sa.String(length=120), nullable=False),
    sa.Column('type', sa.String(length=60), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_topic_id', ['topic', 'id'], unique=False)

    op.create_table('flash_sale_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('starts_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_flash_sale_slots_ends_after_start')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flash_sale_slots'))
    )
    op.create_table('inspection_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_start', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('period_end', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('stores', sa.Integer(), nullable=False),
    sa.Column('cashiers', sa.Integer(), nullable=False),
    sa.Column('flags', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_runs')),
    sa.UniqueConstraint('period_end', name=op.f('uq_inspection_runs_period_end'))
    )
    op.create_table('job_runs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('host', sa.String(length=80), nullable=False),
    sa.Column('started_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('result', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.Column('progress', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs'))
    )
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_runs_name'), ['name'], unique=False)

    op.create_table('login_throttles',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttles'))
    )
    op.create_table('loyalty_config',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('earn_points_per_yuan', sa.Integer(), nullable=False),
    sa.Column('points_valid_days', sa.Integer(), nullable=False),
    sa.Column('redeem_points_per_yuan', sa.Integer(), nullable=False),
    sa.Column('redeem_max_bp', sa.Integer(), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loyalty_config'))
    )
    op.create_table('merchants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('commission_bp', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_merchants')),
    sa.UniqueConstraint('code', name=op.f('uq_merchants_code'))
    )
    op.create_table('one_time_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('used_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_one_time_codes'))
    )
    with op.batch_alter_table('one_time_codes', schema=None) as batch_op:
        batch_op.create_index('ix_one_time_codes_phone_created', ['phone', 'created_at'], unique=False)

    op.create_table('price_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('scope_value', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('valid_from', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('valid_to', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('valid_to IS NULL OR valid_to > valid_from', name=op.f('ck_price_lists_window_ordered')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_lists'))
    )
    with op.batch_alter_table('price_lists', schema=None) as batch_op:
        batch_op.create_index('ix_price_lists_scope', ['scope', 'scope_value'], unique=False)

    op.create_table('pricing_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('min_margin_bp', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pricing_settings'))
    )
    op.create_table('promotions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('rule', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('scope_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('channels', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('store_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('starts_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('group', sa.String(length=20), nullable=False),
    sa.Column('exclusive', sa.Boolean(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_promotions_window_ordered')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotions'))
    )
    with op.batch_alter_table('promotions', schema=None) as batch_op:
        batch_op.create_index('ix_promotions_window', ['active', 'starts_at', 'ends_at'], unique=False)

    op.create_table('recommendations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('items', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('computed_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendations')),
    sa.UniqueConstraint('kind', 'key', name=op.f('uq_recommendations_kind_key'))
    )
    op.create_table('regions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_zh', sa.String(length=60), nullable=False),
    sa.Column('name_en', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regions')),
    sa.UniqueConstraint('code', name=op.f('uq_regions_code'))
    )
    op.create_table('return_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_policy'))
    )
    op.create_table('routing_config',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('weight_stock', sa.Integer(), nullable=False),
    sa.Column('weight_distance', sa.Integer(), nullable=False),
    sa.Column('weight_load', sa.Integer(), nullable=False),
    sa.Column('max_distance_m', sa.Integer(), nullable=False),
    sa.Column('shipping_fee', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_config'))
    )
    op.create_table('sandbox_notifications',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('gave_up_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sandbox_notifications'))
    )
    with op.batch_alter_table('sandbox_notifications', schema=None) as batch_op:
        batch_op.create_index('ix_sandbox_notifications_due', ['delivered_at', 'next_attempt_at'], unique=False)

    op.create_table('sandbox_refunds',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('refund_no', sa.String(length=40), nullable=False),
    sa.Column('out_refund_no', sa.String(length=32), nullable=False),
    sa.Column('trade_no', sa.String(length=40), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('notify_url', sa.String(length=500), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sandbox_refunds')),
    sa.UniqueConstraint('out_refund_no', name=op.f('uq_sandbox_refunds_out_refund_no')),
    sa.UniqueConstraint('refund_no', name=op.f('uq_sandbox_refunds_refund_no'))
    )
    with op.batch_alter_table('sandbox_refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sandbox_refunds_trade_no'), ['trade_no'], unique=False)

    op.create_table('sandbox_transactions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('trade_no', sa.String(length=40), nullable=False),
    sa.Column('out_trade_no', sa.String(length=32), nullable=False),
    sa.Column('token', sa.String(length=48), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=128), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('notify_url', sa.String(length=500), nullable=False),
    sa.Column('refunded_amount', sa.Integer(), nullable=False),
    sa.Column('expires_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('paid_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sandbox_transactions')),
    sa.UniqueConstraint('out_trade_no', name=op.f('uq_sandbox_transactions_out_trade_no')),
    sa.UniqueConstraint('token', name=op.f('uq_sandbox_transactions_token')),
    sa.UniqueConstraint('trade_no', name=op.f('uq_sandbox_transactions_trade_no'))
    )
    op.create_table('tier_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name_zh', sa.String(length=20), nullable=False),
    sa.Column('name_en', sa.String(length=20), nullable=False),
    sa.Column('min_spend_12m', sa.Integer(), nullable=False),
    sa.Column('discount_bp', sa.Integer(), nullable=False),
    sa.Column('points_multiplier_bp', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tier_rules')),
    sa.UniqueConstraint('code', name=op.f('uq_tier_rules_code'))
    )
    op.create_table('topup_bonuses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('min_amount', sa.Integer(), nullable=False),
    sa.Column('bonus', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topup_bonuses')),
    sa.UniqueConstraint('min_amount', name=op.f('uq_topup_bonuses_min_amount'))
    )
    op.create_table('aftersales_category_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('no_reason', sa.Boolean(), nullable=False),
    sa.Column('no_reason_days', sa.Integer(), nullable=True),
    sa.Column('quality_days', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=120), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_aftersales_category_rules_category_id_categories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aftersales_category_rules')),
    sa.UniqueConstraint('category_id', name=op.f('uq_aftersales_category_rules_category_id'))
    )
    op.create_table('expiry_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_expiry_windows_category_id_categories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expiry_windows')),
    sa.UniqueConstraint('scope', name=op.f('uq_expiry_windows_scope'))
    )
    op.create_table('franchise_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('commission_bp', sa.Integer(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('gross_sales', sa.Integer(), nullable=False),
    sa.Column('discounts_hq', sa.Integer(), nullable=False),
    sa.Column('discounts_merchant', sa.Integer(), nullable=False),
    sa.Column('shipping', sa.Integer(), nullable=False),
    sa.Column('collected', sa.Integer(), nullable=False),
    sa.Column('refunds', sa.Integer(), nullable=False),
    sa.Column('net_sales', sa.Integer(), nullable=False),
    sa.Column('hq_commission', sa.Integer(), nullable=False),
    sa.Column('distribution_commissions', sa.Integer(), nullable=False),
    sa.Column('payable', sa.Integer(), nullable=False),
    sa.Column('stores', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('generated_by', sa.Integer(), nullable=True),
    sa.Column('generated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_franchise_statements_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_franchise_statements')),
    sa.UniqueConstraint('merchant_id', 'period_start', 'period_end', name=op.f('uq_franchise_statements_merchant_id_period_start_period_end'))
    )
    with op.batch_alter_table('franchise_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_franchise_statements_merchant_id'), ['merchant_id'], unique=False)

    op.create_table('markdown_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('days_left', sa.Integer(), nullable=False),
    sa.Column('percent_bp', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('days_left >= 0', name=op.f('ck_markdown_rules_days_nonnegative')),
    sa.CheckConstraint('percent_bp > 0 AND percent_bp < 10000', name=op.f('ck_markdown_rules_percent_in_range')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_markdown_rules_category_id_categories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_markdown_rules')),
    sa.UniqueConstraint('scope', 'days_left', name=op.f('uq_markdown_rules_scope_days_left'))
    )
    op.create_table('member_event_coupons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['template_id'], ['coupon_templates.id'], name=op.f('fk_member_event_coupons_template_id_coupon_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_event_coupons')),
    sa.UniqueConstraint('event', 'template_id', name=op.f('uq_member_event_coupons_event_template_id'))
    )
    op.create_table('price_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('scope_value', sa.Integer(), nullable=False),
    sa.Column('effective_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('price_list_id', sa.Integer(), nullable=False),
    sa.Column('items', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_lists.id'], name=op.f('fk_price_changes_price_list_id_price_lists')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_changes'))
    )
    with op.batch_alter_table('price_changes', schema=None) as batch_op:
        batch_op.create_index('ix_price_changes_due', ['status', 'effective_at'], unique=False)

    op.create_table('products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('brand', sa.String(length=60), nullable=True),
    sa.Column('description_zh', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('spec_names', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('shelf_life_days', sa.Integer(), nullable=True),
    sa.Column('sales_count', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_products_category_id_categories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('code', name=op.f('uq_products_code'))
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_products_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_products_sales_count'), ['sales_count'], unique=False)
        batch_op.create_index(batch_op.f('ix_products_status'), ['status'], unique=False)

    op.create_table('reactivation_campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=40), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['template_id'], ['coupon_templates.id'], name=op.f('fk_reactivation_campaigns_template_id_coupon_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reactivation_campaigns'))
    )
    op.create_table('refresh_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['auth_sessions.id'], name=op.f('fk_refresh_tokens_session_id_auth_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_refresh_tokens_token_hash'))
    )
    with op.batch_alter_table('refresh_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refresh_tokens_session_id'), ['session_id'], unique=False)

    op.create_table('staff_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('roles', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_staff_users_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_users')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_users_username'))
    )
    op.create_table('stores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=True),
    sa.Column('city', sa.String(length=40), nullable=False),
    sa.Column('city_tier', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('timezone', sa.String(length=40), nullable=False),
    sa.Column('opening_hours', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('area_sqm', sa.Integer(), nullable=True),
    sa.Column('pickup_enabled', sa.Boolean(), nullable=False),
    sa.Column('delivery_enabled', sa.Boolean(), nullable=False),
    sa.Column('delivery_radius_m', sa.Integer(), nullable=False),
    sa.Column('delivery_base_fee', sa.Integer(), nullable=False),
    sa.Column('delivery_fee_per_km', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_stores_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_stores_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stores')),
    sa.UniqueConstraint('code', name=op.f('uq_stores_code'))
    )
    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stores_city'), ['city'], unique=False)
        batch_op.create_index(batch_op.f('ix_stores_merchant_id'), ['merchant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stores_region_id'), ['region_id'], unique=False)

    op.create_table('devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_devices_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_devices')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_devices_token_hash'))
    )
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_devices_store_id'), ['store_id'], unique=False)

    op.create_table('help_calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('caller_kind', sa.String(length=12), nullable=False),
    sa.Column('caller_id', sa.Integer(), nullable=False),
    sa.Column('device_name', sa.String(length=60), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('context', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.Column('answered_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_help_calls_store_id_stores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_calls')),
    sa.UniqueConstraint('client_id', name=op.f('uq_help_calls_client_id'))
    )
    with op.batch_alter_table('help_calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_calls_store_id'), ['store_id'], unique=False)

    op.create_table('inspection_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_start', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('period_end', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=True),
    sa.Column('subject_kind', sa.String(length=10), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=24), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('peer_median', sa.Float(), nullable=False),
    sa.Column('robust_z', sa.Float(), nullable=False),
    sa.Column('evidence', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_inspection_flags_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_inspection_flags_store_id_stores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_flags'))
    )
    with op.batch_alter_table('inspection_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_flags_merchant_id'), ['merchant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_flags_period_end'), ['period_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_flags_store_id'), ['store_id'], unique=False)

    op.create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('birthday', sa.Date(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('marketing_consent', sa.Boolean(), nullable=False),
    sa.Column('consent_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('home_store_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['home_store_id'], ['stores.id'], name=op.f('fk_members_home_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members')),
    sa.UniqueConstraint('phone', name=op.f('uq_members_phone'))
    )
    op.create_table('product_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_images_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_images'))
    )
    with op.batch_alter_table('product_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_images_product_id'), ['product_id'], unique=False)

    op.create_table('search_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=80).with_variant(sa.String(length=80, collation='C'), 'postgresql'), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_search_terms_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_terms')),
    sa.UniqueConstraint('term', 'product_id', name=op.f('uq_search_terms_term_product_id'))
    )
    with op.batch_alter_table('search_terms', schema=None) as batch_op:
        batch_op.create_index('ix_search_terms_product_id', ['product_id'], unique=False)

    op.create_table('skus',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('specs', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('base_price', sa.Integer(), nullable=False),
    sa.Column('cost_price', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('shelf_location', sa.String(length=20), nullable=True),
    sa.Column('weight_g', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_skus_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skus')),
    sa.UniqueConstraint('code', name=op.f('uq_skus_code'))
    )
    with op.batch_alter_table('skus', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_skus_product_id'), ['product_id'], unique=False)

    op.create_table('staff_stores',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_staff_stores_staff_id_staff_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_staff_stores_store_id_stores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', 'store_id', name=op.f('pk_staff_stores'))
    )
    op.create_table('stock_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=True),
    sa.Column('supplier', sa.String(length=120), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('posted_by', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('posted_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_stock_documents_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_documents')),
    sa.UniqueConstraint('client_id', name=op.f('uq_stock_documents_client_id'))
    )
    with op.batch_alter_table('stock_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_documents_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_documents_store_id'), ['store_id'], unique=False)

    op.create_table('stock_transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_store_id', sa.Integer(), nullable=False),
    sa.Column('to_store_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('receive_note', sa.String(length=200), nullable=True),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.Column('requested_by', sa.Integer(), nullable=True),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('shipped_by', sa.Integer(), nullable=True),
    sa.Column('received_by', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('shipped_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('received_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('from_store_id <> to_store_id', name=op.f('ck_stock_transfers_distinct_stores')),
    sa.ForeignKeyConstraint(['from_store_id'], ['stores.id'], name=op.f('fk_stock_transfers_from_store_id_stores')),
    sa.ForeignKeyConstraint(['to_store_id'], ['stores.id'], name=op.f('fk_stock_transfers_to_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_transfers')),
    sa.UniqueConstraint('client_id', name=op.f('uq_stock_transfers_client_id'))
    )
    with op.batch_alter_table('stock_transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_transfers_from_store_id'), ['from_store_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_transfers_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_transfers_to_store_id'), ['to_store_id'], unique=False)

    op.create_table('stocktakes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('sku_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('shelf_zone', sa.String(length=20), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('posted_by', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('posted_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_stocktakes_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stocktakes')),
    sa.UniqueConstraint('client_id', name=op.f('uq_stocktakes_client_id'))
    )
    with op.batch_alter_table('stocktakes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stocktakes_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_stocktakes_store_id'), ['store_id'], unique=False)

    op.create_table('store_beacons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('zone', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('identity', sa.String(length=120), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=True),
    sa.Column('major', sa.Integer(), nullable=True),
    sa.Column('minor', sa.Integer(), nullable=True),
    sa.Column('namespace', sa.String(length=20), nullable=True),
    sa.Column('instance', sa.String(length=12), nullable=True),
    sa.Column('measured_power', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('verified_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('verified_distance_m', sa.Float(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_store_beacons_store_id_stores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_store_beacons')),
    sa.UniqueConstraint('identity', name=op.f('uq_store_beacons_identity'))
    )
    with op.batch_alter_table('store_beacons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_store_beacons_store_id'), ['store_id'], unique=False)

    op.create_table('store_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('scope_key', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_store_closures_store_id_stores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_store_closures')),
    sa.UniqueConstraint('scope_key', 'day', name=op.f('uq_store_closures_scope_key_day'))
    )
    with op.batch_alter_table('store_closures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_store_closures_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_store_closures_store_id'), ['store_id'], unique=False)

    op.create_table('store_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_store_targets_store_id_stores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_store_targets')),
    sa.UniqueConstraint('store_id', 'month', name=op.f('uq_store_targets_store_id_month'))
    )
    with op.batch_alter_table('store_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_store_targets_store_id'), ['store_id'], unique=False)

    op.create_table('technician_profiles',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('home_store_id', sa.Integer(), nullable=False),
    sa.Column('skills', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['home_store_id'], ['stores.id'], name=op.f('fk_technician_profiles_home_store_id_stores')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_technician_profiles_staff_id_staff_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', name=op.f('pk_technician_profiles'))
    )
    with op.batch_alter_table('technician_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_technician_profiles_home_store_id'), ['home_store_id'], unique=False)

    op.create_table('assistant_turns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('intent', sa.String(length=30), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('grounding', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_assistant_turns_member_id_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistant_turns'))
    )
    with op.batch_alter_table('assistant_turns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistant_turns_member_id'), ['member_id'], unique=False)

    op.create_table('barcodes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('symbology', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_barcodes_sku_id_skus'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_barcodes')),
    sa.UniqueConstraint('code', name=op.f('uq_barcodes_code'))
    )
    with op.batch_alter_table('barcodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_barcodes_sku_id'), ['sku_id'], unique=False)

    op.create_table('bargain_deals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('start_price', sa.Integer(), nullable=False),
    sa.Column('floor_price', sa.Integer(), nullable=False),
    sa.Column('cuts_needed', sa.Integer(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('starts_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('cuts_needed >= 1', name=op.f('ck_bargain_deals_cuts_positive')),
    sa.CheckConstraint('floor_price > 0 AND floor_price < start_price', name=op.f('ck_bargain_deals_floor_below_start')),
    sa.CheckConstraint('start_price - floor_price >= cuts_needed', name=op.f('ck_bargain_deals_a_fen_per_cut')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_bargain_deals_sku_id_skus')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bargain_deals'))
    )
    with op.batch_alter_table('bargain_deals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bargain_deals_sku_id'), ['sku_id'], unique=False)

    op.create_table('behaviour_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_behaviour_events_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_behaviour_events_sku_id_skus'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_behaviour_events'))
    )
    with op.batch_alter_table('behaviour_events', schema=None) as batch_op:
        batch_op.create_index('ix_behaviour_events_member', ['member_id', 'at'], unique=False)

    op.create_table('carts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_key', sa.String(length=100), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_carts_device_id_devices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_carts_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_carts_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carts')),
    sa.UniqueConstraint('owner_key', name=op.f('uq_carts_owner_key'))
    )
    with op.batch_alter_table('carts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carts_member_id'), ['member_id'], unique=False)

    op.create_table('coupons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('claim_no', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('valid_from', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('valid_to', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_order_ref', sa.String(length=64), nullable=True),
    sa.Column('used_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_coupons_member_id_members')),
    sa.ForeignKeyConstraint(['template_id'], ['coupon_templates.id'], name=op.f('fk_coupons_template_id_coupon_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coupons')),
    sa.UniqueConstraint('template_id', 'member_id', 'claim_no', name=op.f('uq_coupons_template_id_member_id_claim_no'))
    )
    with op.batch_alter_table('coupons', schema=None) as batch_op:
        batch_op.create_index('ix_coupons_member_status', ['member_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_coupons_template_id'), ['template_id'], unique=False)

    op.create_table('demand_forecasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('daily', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('weekly', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('daily_sigma', sa.Float(), nullable=False),
    sa.Column('history_days', sa.Integer(), nullable=False),
    sa.Column('computed_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_demand_forecasts_sku_id_skus'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_demand_forecasts_store_id_stores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_forecasts')),
    sa.UniqueConstraint('store_id', 'sku_id', name=op.f('uq_demand_forecasts_store_id_sku_id'))
    )
    op.create_table('distributors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('frozen', sa.Integer(), nullable=False),
    sa.Column('available', sa.Integer(), nullable=False),
    sa.Column('pending_withdrawal', sa.Integer(), nullable=False),
    sa.Column('withdrawn', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('frozen >= 0', name=op.f('ck_distributors_frozen_nonnegative')),
    sa.CheckConstraint('pending_withdrawal >= 0', name=op.f('ck_distributors_pending_nonnegative')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_distributors_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distributors')),
    sa.UniqueConstraint('code', name=op.f('uq_distributors_code')),
    sa.UniqueConstraint('member_id', name=op.f('uq_distributors_member_id'))
    )
    op.create_table('flash_sale_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('price', sa.Integer(), nullable=False),
    sa.Column('pool', sa.Integer(), nullable=False),
    sa.Column('sold', sa.Integer(), nullable=False),
    sa.Column('last_grant', sa.Integer(), nullable=False),
    sa.Column('per_member_limit', sa.Integer(), nullable=False),
    sa.Column('starts_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('returned', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('price > 0', name=op.f('ck_flash_sale_items_price_positive')),
    sa.CheckConstraint('sold >= 0 AND sold <= pool', name=op.f('ck_flash_sale_items_sold_within_pool')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_flash_sale_items_sku_id_skus')),
    sa.ForeignKeyConstraint(['slot_id'], ['flash_sale_slots.id'], name=op.f('fk_flash_sale_items_slot_id_flash_sale_slots')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_flash_sale_items_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flash_sale_items')),
    sa.UniqueConstraint('slot_id', 'store_id', 'sku_id', name=op.f('uq_flash_sale_items_slot_id_store_id_sku_id'))
    )
    with op.batch_alter_table('flash_sale_items', schema=None) as batch_op:
        batch_op.create_index('ix_flash_sale_items_due', ['status', 'ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_flash_sale_items_slot_id'), ['slot_id'], unique=False)

    op.create_table('group_buy_deals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('group_price', sa.Integer(), nullable=False),
    sa.Column('group_size', sa.Integer(), nullable=False),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=False),
    sa.Column('per_member_limit', sa.Integer(), nullable=False),
    sa.Column('starts_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('group_price > 0', name=op.f('ck_group_buy_deals_group_price_positive')),
    sa.CheckConstraint('group_size >= 2', name=op.f('ck_group_buy_deals_group_size_min')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_group_buy_deals_sku_id_skus')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_buy_deals'))
    )
    with op.batch_alter_table('group_buy_deals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_buy_deals_sku_id'), ['sku_id'], unique=False)

    op.create_table('member_arrivals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('zone', sa.String(length=40), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('message', sa.String(length=200), nullable=False),
    sa.Column('reward', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_arrivals_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_member_arrivals_store_id_stores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_arrivals')),
    sa.UniqueConstraint('member_id', 'store_id', 'local_date', name=op.f('uq_member_arrivals_member_id_store_id_local_date'))
    )
    with op.batch_alter_table('member_arrivals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_arrivals_store_id'), ['store_id'], unique=False)

    op.create_table('member_merges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kept_id', sa.Integer(), nullable=False),
    sa.Column('merged_id', sa.Integer(), nullable=False),
    sa.Column('merged_phone', sa.String(length=20), nullable=False),
    sa.Column('moved', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['kept_id'], ['members.id'], name=op.f('fk_member_merges_kept_id_members')),
    sa.ForeignKeyConstraint(['merged_id'], ['members.id'], name=op.f('fk_member_merges_merged_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_merges')),
    sa.UniqueConstraint('merged_id', name=op.f('uq_member_merges_merged_id'))
    )
    with op.batch_alter_table('member_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_merges_kept_id'), ['kept_id'], unique=False)

    op.create_table('member_segments',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('recency_days', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.Integer(), nullable=False),
    sa.Column('monetary', sa.Integer(), nullable=False),
    sa.Column('r_score', sa.Integer(), nullable=False),
    sa.Column('f_score', sa.Integer(), nullable=False),
    sa.Column('m_score', sa.Integer(), nullable=False),
    sa.Column('segment', sa.String(length=16), nullable=False),
    sa.Column('usual_interval_days', sa.Float(), nullable=True),
    sa.Column('sleeping', sa.Boolean(), nullable=False),
    sa.Column('churn_risk', sa.Float(), nullable=False),
    sa.Column('last_purchase_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('computed_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_segments_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_member_segments'))
    )
    with op.batch_alter_table('member_segments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_segments_segment'), ['segment'], unique=False)

    op.create_table('member_spend',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('ref_type', sa.String(length=24), nullable=False),
    sa.Column('ref_id', sa.String(length=64), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_spend_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_member_spend_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_spend')),
    sa.UniqueConstraint('member_id', 'ref_type', 'ref_id', name=op.f('uq_member_spend_member_id_ref_type_ref_id'))
    )
    with op.batch_alter_table('member_spend', schema=None) as batch_op:
        batch_op.create_index('ix_member_spend_member_at', ['member_id', 'occurred_at'], unique=False)

    op.create_table('member_topups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('bonus', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('balance_after', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('paid_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_topups_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_topups')),
    sa.UniqueConstraint('member_id', 'idempotency_key', name=op.f('uq_member_topups_member_id_idempotency_key'))
    )
    with op.batch_alter_table('member_topups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_topups_member_id'), ['member_id'], unique=False)

    op.create_table('member_wallets',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('stored_value', sa.Integer(), nullable=False),
    sa.Column('tier_code', sa.String(length=20), nullable=False),
    sa.Column('spend_12m', sa.Integer(), nullable=False),
    sa.Column('tier_updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('points >= 0', name=op.f('ck_member_wallets_points_nonnegative')),
    sa.CheckConstraint('stored_value >= 0', name=op.f('ck_member_wallets_stored_value_nonnegative')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_wallets_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_member_wallets'))
    )
    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=24), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('fulfilment', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('cashier_kind', sa.String(length=10), nullable=True),
    sa.Column('cashier_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.Column('subtotal', sa.Integer(), nullable=False),
    sa.Column('discount_total', sa.Integer(), nullable=False),
    sa.Column('shipping_fee', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('paid_amount', sa.Integer(), nullable=False),
    sa.Column('refunded_amount', sa.Integer(), nullable=False),
    sa.Column('discounts', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('address', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('distance_m', sa.Integer(), nullable=True),
    sa.Column('pickup_slot_start', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('pickup_slot_end', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('pickup_code', sa.String(length=6), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('cancel_reason', sa.String(length=120), nullable=True),
    sa.Column('pay_by', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paid_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sold_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('refunded_amount >= 0 AND refunded_amount <= paid_amount', name=op.f('ck_orders_refund_within_paid')),
    sa.CheckConstraint('total >= 0', name=op.f('ck_orders_total_nonnegative')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_orders_member_id_members')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_orders_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('client_id', name=op.f('uq_orders_client_id')),
    sa.UniqueConstraint('number', name=op.f('uq_orders_number'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_member', ['member_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_status'), ['status'], unique=False)
        batch_op.create_index('ix_orders_status_due', ['status', 'pay_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_store_id'), ['store_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('no', sa.String(length=32), nullable=False),
    sa.Column('ref_type', sa.String(length=32), nullable=False),
    sa.Column('ref_id', sa.String(length=64), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('description', sa.String(length=128), nullable=False),
    sa.Column('payer_member_id', sa.Integer(), nullable=True),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=80), nullable=True),
    sa.Column('provider_trade_no', sa.String(length=64), nullable=True),
    sa.Column('pay_url', sa.String(length=500), nullable=True),
    sa.Column('qr_text', sa.String(length=500), nullable=True),
    sa.Column('refunded_amount', sa.Integer(), nullable=False),
    sa.Column('refunding_amount', sa.Integer(), nullable=False),
    sa.Column('failure_reason', sa.String(length=200), nullable=True),
    sa.Column('expires_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paid_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['payer_member_id'], ['members.id'], name=op.f('fk_payments_payer_member_id_members')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_payments_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_payments_idempotency_key')),
    sa.UniqueConstraint('no', name=op.f('uq_payments_no'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_payer_member_id'), ['payer_member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_provider_trade_no'), ['provider_trade_no'], unique=False)
        batch_op.create_index('ix_payments_ref', ['ref_type', 'ref_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_store_id'), ['store_id'], unique=False)

    op.create_table('points_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.Column('remaining', sa.Integer(), nullable=False),
    sa.Column('expires_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ref_type', sa.String(length=24), nullable=False),
    sa.Column('ref_id', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_points_entries_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_entries')),
    sa.UniqueConstraint('member_id', 'kind', 'ref_type', 'ref_id', name=op.f('uq_points_entries_member_id_kind_ref_type_ref_id'))
    )
    with op.batch_alter_table('points_entries', schema=None) as batch_op:
        batch_op.create_index('ix_points_entries_lots', ['member_id', 'expires_at'], unique=False)

    op.create_table('points_mall_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('sku_id', sa.Integer(), nullable=True),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('redeemed', sa.Integer(), nullable=False),
    sa.Column('per_member_limit', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('redeemed >= 0 AND redeemed <= stock', name=op.f('ck_points_mall_items_redeemed_in_stock')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_points_mall_items_sku_id_skus')),
    sa.ForeignKeyConstraint(['template_id'], ['coupon_templates.id'], name=op.f('fk_points_mall_items_template_id_coupon_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_mall_items'))
    )
    op.create_table('price_list_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('price_list_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('price', sa.Integer(), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('price > 0', name=op.f('ck_price_list_items_price_positive')),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_lists.id'], name=op.f('fk_price_list_items_price_list_id_price_lists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_price_list_items_sku_id_skus'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_list_items')),
    sa.UniqueConstraint('price_list_id', 'sku_id', name=op.f('uq_price_list_items_price_list_id_sku_id'))
    )
    with op.batch_alter_table('price_list_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_list_items_sku_id'), ['sku_id'], unique=False)

    op.create_table('price_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('scope', sa.String(length=12), nullable=False),
    sa.Column('scope_value', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('current_price', sa.Integer(), nullable=False),
    sa.Column('reference_price', sa.Integer(), nullable=False),
    sa.Column('suggested_price', sa.Integer(), nullable=False),
    sa.Column('change_bp', sa.Integer(), nullable=False),
    sa.Column('cost_price', sa.Integer(), nullable=True),
    sa.Column('floor_price', sa.Integer(), nullable=True),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('explanation', sa.String(length=400), nullable=False),
    sa.Column('evidence', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('price_change_id', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('computed_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['price_change_id'], ['price_changes.id'], name=op.f('fk_price_suggestions_price_change_id_price_changes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_price_suggestions_region_id_regions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_price_suggestions_sku_id_skus'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_price_suggestions_store_id_stores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_suggestions'))
    )
    with op.batch_alter_table('price_suggestions', schema=None) as batch_op:
        batch_op.create_index('ix_price_suggestions_status', ['status', 'kind'], unique=False)
        batch_op.create_index('ix_price_suggestions_store', ['store_id'], unique=False)

    op.create_table('replenishment_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('available', sa.Integer(), nullable=False),
    sa.Column('safety_stock', sa.Integer(), nullable=False),
    sa.Column('reorder_point', sa.Integer(), nullable=False),
    sa.Column('order_up_to', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('computed_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['stock_documents.id'], name=op.f('fk_replenishment_suggestions_document_id_stock_documents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_replenishment_suggestions_sku_id_skus'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_replenishment_suggestions_store_id_stores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_replenishment_suggestions')),
    sa.UniqueConstraint('store_id', 'sku_id', name=op.f('uq_replenishment_suggestions_store_id_sku_id'))
    )
    op.create_table('risk_signals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('device', sa.String(length=80), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('ref', sa.String(length=64), nullable=True),
    sa.Column('at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_risk_signals_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_signals'))
    )
    with op.batch_alter_table('risk_signals', schema=None) as batch_op:
        batch_op.create_index('ix_risk_signals_device', ['device', 'kind'], unique=False)

    op.create_table('sales_history',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_ref', sa.String(length=64), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('customer_ref', sa.String(length=64), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('store_code', sa.String(length=32), nullable=True),
    sa.Column('sku_id', sa.Integer(), nullable=True),
    sa.Column('sku_code', sa.String(length=40), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('sold_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('imported_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_sales_history_member_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_sales_history_sku_id_skus')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_sales_history_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_history')),
    sa.UniqueConstraint('order_ref', 'line_no', name=op.f('uq_sales_history_order_ref_line_no'))
    )
    with op.batch_alter_table('sales_history', schema=None) as batch_op:
        batch_op.create_index('ix_sales_history_customer', ['customer_ref', 'sold_at'], unique=False)
        batch_op.create_index('ix_sales_history_store_sku', ['store_id', 'sku_id', 'sold_at'], unique=False)

    op.create_table('service_offerings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('duration_min', sa.Integer(), nullable=False),
    sa.Column('buffer_min', sa.Integer(), nullable=False),
    sa.Column('travel_min', sa.Integer(), nullable=False),
    sa.Column('location_type', sa.String(length=12), nullable=False),
    sa.Column('required_skill', sa.String(length=40), nullable=True),
    sa.Column('service_radius_m', sa.Integer(), nullable=True),
    sa.Column('free_cancel_hours', sa.Integer(), nullable=False),
    sa.Column('cancel_fee', sa.Integer(), nullable=False),
    sa.Column('included_m2', sa.Integer(), nullable=True),
    sa.Column('max_m2', sa.Integer(), nullable=True),
    sa.Column('price_per_m2', sa.Integer(), nullable=False),
    sa.Column('minutes_per_10m2', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_service_offerings_sku_id_skus'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_offerings')),
    sa.UniqueConstraint('sku_id', name=op.f('uq_service_offerings_sku_id'))
    )
    op.create_table('stock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('on_hand', sa.Integer(), nullable=False),
    sa.Column('reserved', sa.Integer(), nullable=False),
    sa.Column('safety_stock', sa.Integer(), nullable=False),
    sa.Column('reorder_point', sa.Integer(), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('on_hand >= 0', name=op.f('ck_stock_on_hand_nonnegative')),
    sa.CheckConstraint('reserved >= 0 AND reserved <= on_hand', name=op.f('ck_stock_reserved_within_on_hand')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_stock_sku_id_skus')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_stock_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock')),
    sa.UniqueConstraint('store_id', 'sku_id', name=op.f('uq_stock_store_id_sku_id'))
    )
    with op.batch_alter_table('stock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_sku_id'), ['sku_id'], unique=False)

    op.create_table('stock_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('batch_no', sa.String(length=40), nullable=False),
    sa.Column('batch_key', sa.String(length=64), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('received_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_stock_batches_quantity_nonnegative')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_stock_batches_sku_id_skus')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_stock_batches_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_batches')),
    sa.UniqueConstraint('store_id', 'sku_id', 'batch_key', name=op.f('uq_stock_batches_store_id_sku_id_batch_key'))
    )
    with op.batch_alter_table('stock_batches', schema=None) as batch_op:
        batch_op.create_index('ix_stock_batches_expiry', ['store_id', 'expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_batches_sku_id'), ['sku_id'], unique=False)

    op.create_table('stock_document_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('batch_no', sa.String(length=40), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('unit_cost', sa.Integer(), nullable=True),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_stock_document_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['document_id'], ['stock_documents.id'], name=op.f('fk_stock_document_lines_document_id_stock_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_stock_document_lines_sku_id_skus')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_document_lines'))
    )
    with op.batch_alter_table('stock_document_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_document_lines_document_id'), ['document_id'], unique=False)

    op.create_table('stock_reservations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('ref_type', sa.String(length=30), nullable=False),
    sa.Column('ref_id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('expires_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('close_reason', sa.String(length=60), nullable=True),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_stock_reservations_quantity_positive')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_stock_reservations_sku_id_skus')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_stock_reservations_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_reservations'))
    )
    with op.batch_alter_table('stock_reservations', schema=None) as batch_op:
        batch_op.create_index('ix_stock_reservations_due', ['status', 'expires_at'], unique=False)
        batch_op.create_index('ix_stock_reservations_ref', ['ref_type', 'ref_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_reservations_store_id'), ['store_id'], unique=False)

    op.create_table('stock_transfer_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transfer_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('shipped_qty', sa.Integer(), nullable=False),
    sa.Column('received_qty', sa.Integer(), nullable=False),
    sa.Column('batches', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('short_reason', sa.String(length=200), nullable=True),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_stock_transfer_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_stock_transfer_lines_sku_id_skus')),
    sa.ForeignKeyConstraint(['transfer_id'], ['stock_transfers.id'], name=op.f('fk_stock_transfer_lines_transfer_id_stock_transfers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_transfer_lines')),
    sa.UniqueConstraint('transfer_id', 'sku_id', name=op.f('uq_stock_transfer_lines_transfer_id_sku_id'))
    )
    with op.batch_alter_table('stock_transfer_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_transfer_lines_transfer_id'), ['transfer_id'], unique=False)

    op.create_table('stocktake_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stocktake_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('counted', sa.Integer(), nullable=False),
    sa.Column('expected', sa.Integer(), nullable=True),
    sa.Column('adjusted', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_stocktake_lines_sku_id_skus')),
    sa.ForeignKeyConstraint(['stocktake_id'], ['stocktakes.id'], name=op.f('fk_stocktake_lines_stocktake_id_stocktakes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stocktake_lines')),
    sa.UniqueConstraint('stocktake_id', 'sku_id', name=op.f('uq_stocktake_lines_stocktake_id_sku_id'))
    )
    op.create_table('stocktake_scans',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('stocktake_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('barcode', sa.String(length=32), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_stocktake_scans_sku_id_skus')),
    sa.ForeignKeyConstraint(['stocktake_id'], ['stocktakes.id'], name=op.f('fk_stocktake_scans_stocktake_id_stocktakes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stocktake_scans')),
    sa.UniqueConstraint('stocktake_id', 'client_id', name=op.f('uq_stocktake_scans_stocktake_id_client_id'))
    )
    with op.batch_alter_table('stocktake_scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stocktake_scans_stocktake_id'), ['stocktake_id'], unique=False)

    op.create_table('stored_value_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.Column('balance_after', sa.Integer(), nullable=False),
    sa.Column('ref_type', sa.String(length=24), nullable=False),
    sa.Column('ref_id', sa.String(length=64), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_stored_value_entries_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_stored_value_entries_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_value_entries')),
    sa.UniqueConstraint('member_id', 'kind', 'ref_type', 'ref_id', name=op.f('uq_stored_value_entries_member_id_kind_ref_type_ref_id'))
    )
    with op.batch_alter_table('stored_value_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_value_entries_member_id'), ['member_id'], unique=False)

    op.create_table('technician_days_off',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('technician_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['technician_id'], ['technician_profiles.staff_id'], name=op.f('fk_technician_days_off_technician_id_technician_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_technician_days_off')),
    sa.UniqueConstraint('technician_id', 'local_date', name=op.f('uq_technician_days_off_technician_id_local_date'))
    )
    op.create_table('technician_shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('technician_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('start', sa.String(length=5), nullable=False),
    sa.Column('end', sa.String(length=5), nullable=False),
    sa.Column('breaks', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['technician_id'], ['technician_profiles.staff_id'], name=op.f('fk_technician_shifts_technician_id_technician_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_technician_shifts')),
    sa.UniqueConstraint('technician_id', 'local_date', name=op.f('uq_technician_shifts_technician_id_local_date'))
    )
    op.create_table('transfer_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('from_store_id', sa.Integer(), nullable=False),
    sa.Column('to_store_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('benefit', sa.Integer(), nullable=False),
    sa.Column('cost', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('computed_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['from_store_id'], ['stores.id'], name=op.f('fk_transfer_suggestions_from_store_id_stores'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_transfer_suggestions_sku_id_skus'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_store_id'], ['stores.id'], name=op.f('fk_transfer_suggestions_to_store_id_stores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_suggestions'))
    )
    op.create_table('bargains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('start_price', sa.Integer(), nullable=False),
    sa.Column('floor_price', sa.Integer(), nullable=False),
    sa.Column('price', sa.Integer(), nullable=False),
    sa.Column('cuts_needed', sa.Integer(), nullable=False),
    sa.Column('cuts_done', sa.Integer(), nullable=False),
    sa.Column('schedule', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('deadline', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('cuts_done >= 0 AND cuts_done <= cuts_needed', name=op.f('ck_bargains_cuts_within_needed')),
    sa.CheckConstraint('price >= floor_price', name=op.f('ck_bargains_price_above_floor')),
    sa.ForeignKeyConstraint(['deal_id'], ['bargain_deals.id'], name=op.f('fk_bargains_deal_id_bargain_deals')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_bargains_member_id_members')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_bargains_order_id_orders')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_bargains_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bargains')),
    sa.UniqueConstraint('code', name=op.f('uq_bargains_code'))
    )
    with op.batch_alter_table('bargains', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bargains_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bargains_member_id'), ['member_id'], unique=False)

    op.create_table('bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('technician_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('start_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('occupied_from', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('occupied_until', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('price', sa.Integer(), nullable=False),
    sa.Column('area_m2', sa.Integer(), nullable=True),
    sa.Column('paid_amount', sa.Integer(), nullable=False),
    sa.Column('refunded_amount', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('paid_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('cancel_fee', sa.Integer(), nullable=False),
    sa.Column('cancelled_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('client_ref', sa.String(length=64), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_bookings_member_id_members')),
    sa.ForeignKeyConstraint(['offering_id'], ['service_offerings.id'], name=op.f('fk_bookings_offering_id_service_offerings')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_bookings_sku_id_skus')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_bookings_store_id_stores')),
    sa.ForeignKeyConstraint(['technician_id'], ['technician_profiles.staff_id'], name=op.f('fk_bookings_technician_id_technician_profiles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings')),
    sa.UniqueConstraint('member_id', 'client_ref', name=op.f('uq_bookings_member_id_client_ref'))
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bookings_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_store_id'), ['store_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_technician_id'), ['technician_id'], unique=False)

    op.create_table('campaign_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('coupon_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['reactivation_campaigns.id'], name=op.f('fk_campaign_targets_campaign_id_reactivation_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coupon_id'], ['coupons.id'], name=op.f('fk_campaign_targets_coupon_id_coupons')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_campaign_targets_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_targets')),
    sa.UniqueConstraint('campaign_id', 'member_id', name=op.f('uq_campaign_targets_campaign_id_member_id'))
    )
    op.create_table('cart_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cart_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('added_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_cart_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['cart_id'], ['carts.id'], name=op.f('fk_cart_lines_cart_id_carts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_cart_lines_sku_id_skus'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cart_lines')),
    sa.UniqueConstraint('cart_id', 'sku_id', name=op.f('uq_cart_lines_cart_id_sku_id'))
    )
    op.create_table('distribution_order_marks',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('refunded_amount', sa.Integer(), nullable=False),
    sa.Column('settled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_distribution_order_marks_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_distribution_order_marks'))
    )
    op.create_table('distribution_referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('distributor_id', sa.Integer(), nullable=False),
    sa.Column('via', sa.String(length=8), nullable=False),
    sa.Column('bound_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_distribution_referrals_distributor_id_distributors')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_distribution_referrals_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_referrals')),
    sa.UniqueConstraint('member_id', name=op.f('uq_distribution_referrals_member_id'))
    )
    with op.batch_alter_table('distribution_referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_referrals_distributor_id'), ['distributor_id'], unique=False)

    op.create_table('distribution_withdrawals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('distributor_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reviewed_by', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=120), nullable=True),
    sa.Column('reference', sa.String(length=64), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_distribution_withdrawals_amount_positive')),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_distribution_withdrawals_distributor_id_distributors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_withdrawals'))
    )
    with op.batch_alter_table('distribution_withdrawals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_withdrawals_distributor_id'), ['distributor_id'], unique=False)

    op.create_table('flash_sale_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('pay_by', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('paid_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_flash_sale_claims_quantity_positive')),
    sa.ForeignKeyConstraint(['item_id'], ['flash_sale_items.id'], name=op.f('fk_flash_sale_claims_item_id_flash_sale_items')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_flash_sale_claims_member_id_members')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_flash_sale_claims_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flash_sale_claims'))
    )
    with op.batch_alter_table('flash_sale_claims', schema=None) as batch_op:
        batch_op.create_index('ix_flash_sale_claims_due', ['status', 'pay_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_flash_sale_claims_member_id'), ['member_id'], unique=False)
        batch_op.create_index('uq_flash_sale_claims_live', ['item_id', 'member_id'], unique=True, postgresql_where=sa.text("status IN ('held', 'paid')"), sqlite_where=sa.text("status IN ('held', 'paid')"))

    op.create_table('group_buy_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('paid', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('expires_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('paid <= seats', name=op.f('ck_group_buy_groups_paid_within_seats')),
    sa.CheckConstraint('seats >= 0 AND seats <= size', name=op.f('ck_group_buy_groups_seats_within_size')),
    sa.ForeignKeyConstraint(['deal_id'], ['group_buy_deals.id'], name=op.f('fk_group_buy_groups_deal_id_group_buy_deals')),
    sa.ForeignKeyConstraint(['leader_id'], ['members.id'], name=op.f('fk_group_buy_groups_leader_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_buy_groups')),
    sa.UniqueConstraint('code', name=op.f('uq_group_buy_groups_code'))
    )
    with op.batch_alter_table('group_buy_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_buy_groups_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index('ix_group_buy_groups_due', ['status', 'expires_at'], unique=False)

    op.create_table('kiosk_checkouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('lines', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('stored_value', sa.Integer(), server_default='0', nullable=False),
    sa.Column('points_amount', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('priced_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_kiosk_checkouts_device_id_devices')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_kiosk_checkouts_member_id_members')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_kiosk_checkouts_order_id_orders')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_kiosk_checkouts_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kiosk_checkouts')),
    sa.UniqueConstraint('client_id', name=op.f('uq_kiosk_checkouts_client_id'))
    )
    op.create_table('markdowns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('percent_bp', sa.Integer(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('marked_by', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['stock_batches.id'], name=op.f('fk_markdowns_batch_id_stock_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rule_id'], ['markdown_rules.id'], name=op.f('fk_markdowns_rule_id_markdown_rules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_markdowns_sku_id_skus')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_markdowns_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_markdowns')),
    sa.UniqueConstraint('batch_id', name=op.f('uq_markdowns_batch_id'))
    )
    with op.batch_alter_table('markdowns', schema=None) as batch_op:
        batch_op.create_index('ix_markdowns_store_sku', ['store_id', 'sku_id'], unique=False)

    op.create_table('member_perk_grants',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('coupon_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['coupon_id'], ['coupons.id'], name=op.f('fk_member_perk_grants_coupon_id_coupons')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_perk_grants_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_id'], ['coupon_templates.id'], name=op.f('fk_member_perk_grants_template_id_coupon_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_perk_grants')),
    sa.UniqueConstraint('member_id', 'event', 'period', 'template_id', name=op.f('uq_member_perk_grants_member_id_event_period_template_id'))
    )
    op.create_table('order_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('actor_kind', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_events_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_events'))
    )
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_events_order_id'), ['order_id'], unique=False)

    op.create_table('order_idempotency_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_key', sa.String(length=60), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_idempotency_keys_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_idempotency_keys')),
    sa.UniqueConstraint('owner_key', 'key', name=op.f('uq_order_idempotency_keys_owner_key_key'))
    )
    op.create_table('order_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('stars', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('stars BETWEEN 1 AND 5', name=op.f('ck_order_ratings_stars_in_range')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_order_ratings_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_ratings_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_order_ratings_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_ratings')),
    sa.UniqueConstraint('order_id', name=op.f('uq_order_ratings_order_id'))
    )
    with op.batch_alter_table('order_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_ratings_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_ratings_store_id'), ['store_id'], unique=False)

    op.create_table('order_returns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.String(length=120), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('actor_kind', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_returns_order_id_orders')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_order_returns_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_returns')),
    sa.UniqueConstraint('client_id', name=op.f('uq_order_returns_client_id'))
    )
    with op.batch_alter_table('order_returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_returns_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_returns_store_id'), ['store_id'], unique=False)

    op.create_table('order_shipments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('picker_id', sa.Integer(), nullable=True),
    sa.Column('tracking_no', sa.String(length=40), nullable=True),
    sa.Column('delivery_fee', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('packed_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('handed_over_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_shipments_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_order_shipments_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_shipments'))
    )
    with op.batch_alter_table('order_shipments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_shipments_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_order_shipments_store_status', ['store_id', 'status'], unique=False)

    op.create_table('order_tenders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('tendered', sa.Integer(), nullable=False),
    sa.Column('change', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.String(length=64), nullable=True),
    sa.Column('reference', sa.String(length=64), nullable=True),
    sa.Column('refunded_amount', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_order_tenders_amount_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_tenders_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_tenders'))
    )
    with op.batch_alter_table('order_tenders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_tenders_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_tenders_payment_id'), ['payment_id'], unique=False)

    op.create_table('payment_refunds',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('no', sa.String(length=32), nullable=False),
    sa.Column('payment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=True),
    sa.Column('provider_refund_no', sa.String(length=64), nullable=True),
    sa.Column('requested_by_kind', sa.String(length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('failure_reason', sa.String(length=200), nullable=True),
    sa.Column('succeeded_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_payment_refunds_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_refunds')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_payment_refunds_idempotency_key')),
    sa.UniqueConstraint('no', name=op.f('uq_payment_refunds_no'))
    )
    with op.batch_alter_table('payment_refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_refunds_payment_id'), ['payment_id'], unique=False)

    op.create_table('points_mall_redemptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('coupon_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('collected_store_id', sa.Integer(), nullable=True),
    sa.Column('collected_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['collected_store_id'], ['stores.id'], name=op.f('fk_points_mall_redemptions_collected_store_id_stores')),
    sa.ForeignKeyConstraint(['coupon_id'], ['coupons.id'], name=op.f('fk_points_mall_redemptions_coupon_id_coupons')),
    sa.ForeignKeyConstraint(['item_id'], ['points_mall_items.id'], name=op.f('fk_points_mall_redemptions_item_id_points_mall_items')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_points_mall_redemptions_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_mall_redemptions')),
    sa.UniqueConstraint('item_id', 'member_id', 'seq', name=op.f('uq_points_mall_redemptions_item_id_member_id_seq')),
    sa.UniqueConstraint('member_id', 'client_key', name=op.f('uq_points_mall_redemptions_member_id_client_key'))
    )
    with op.batch_alter_table('points_mall_redemptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_points_mall_redemptions_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_points_mall_redemptions_member_id'), ['member_id'], unique=False)

    op.create_table('risk_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('rules', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reviewed_by', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_risk_holds_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_holds')),
    sa.UniqueConstraint('order_id', name=op.f('uq_risk_holds_order_id'))
    )
    with op.batch_alter_table('risk_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_holds_status'), ['status'], unique=False)

    op.create_table('routing_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('strategy', sa.String(length=10), nullable=False),
    sa.Column('store_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('candidates', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('weights', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_routing_decisions_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_decisions')),
    sa.UniqueConstraint('order_id', name=op.f('uq_routing_decisions_order_id'))
    )
    op.create_table('stock_alerts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['stock_batches.id'], name=op.f('fk_stock_alerts_batch_id_stock_batches')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_stock_alerts_sku_id_skus')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_stock_alerts_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_alerts'))
    )
    with op.batch_alter_table('stock_alerts', schema=None) as batch_op:
        batch_op.create_index('ix_stock_alerts_open', ['store_id', 'status', 'kind'], unique=False)

    op.create_table('stock_movements',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('on_hand_delta', sa.Integer(), nullable=False),
    sa.Column('reserved_delta', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('ref_type', sa.String(length=30), nullable=True),
    sa.Column('ref_id', sa.String(length=64), nullable=True),
    sa.Column('actor_kind', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['stock_batches.id'], name=op.f('fk_stock_movements_batch_id_stock_batches')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_stock_movements_sku_id_skus')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_stock_movements_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_movements'))
    )
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.create_index('ix_stock_movements_ref', ['ref_type', 'ref_id'], unique=False)
        batch_op.create_index('ix_stock_movements_store_sku', ['store_id', 'sku_id', 'id'], unique=False)

    op.create_table('tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('first_response_due', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolution_due', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('first_responded_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('response_breached_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolution_breached_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('rating_comment', sa.String(length=500), nullable=True),
    sa.Column('client_ref', sa.String(length=64), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['staff_users.id'], name=op.f('fk_tickets_assignee_id_staff_users')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_tickets_member_id_members')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_tickets_order_id_orders')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_tickets_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets')),
    sa.UniqueConstraint('member_id', 'client_ref', name=op.f('uq_tickets_member_id_client_ref'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tickets_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_first_response_due'), ['first_response_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_resolution_due'), ['resolution_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_store_id'), ['store_id'], unique=False)

    op.create_table('aftersales_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('reason_code', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('auto_approved', sa.Boolean(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('difference', sa.Integer(), nullable=False),
    sa.Column('difference_paid', sa.Integer(), nullable=False),
    sa.Column('difference_payment_id', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.String(length=200), nullable=True),
    sa.Column('completed_store_id', sa.Integer(), nullable=True),
    sa.Column('order_return_id', sa.Integer(), nullable=True),
    sa.Column('completed_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('client_ref', sa.String(length=64), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['completed_store_id'], ['stores.id'], name=op.f('fk_aftersales_requests_completed_store_id_stores')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_aftersales_requests_member_id_members')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_aftersales_requests_order_id_orders')),
    sa.ForeignKeyConstraint(['order_return_id'], ['order_returns.id'], name=op.f('fk_aftersales_requests_order_return_id_order_returns')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_aftersales_requests_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aftersales_requests')),
    sa.UniqueConstraint('member_id', 'client_ref', name=op.f('uq_aftersales_requests_member_id_client_ref'))
    )
    with op.batch_alter_table('aftersales_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aftersales_requests_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aftersales_requests_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aftersales_requests_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_aftersales_requests_store_id'), ['store_id'], unique=False)

    op.create_table('bargain_cuts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bargain_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bargain_id'], ['bargains.id'], name=op.f('fk_bargain_cuts_bargain_id_bargains')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_bargain_cuts_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bargain_cuts')),
    sa.UniqueConstraint('bargain_id', 'member_id', name=op.f('uq_bargain_cuts_bargain_id_member_id')),
    sa.UniqueConstraint('bargain_id', 'seq', name=op.f('uq_bargain_cuts_bargain_id_seq'))
    )
    with op.batch_alter_table('bargain_cuts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bargain_cuts_bargain_id'), ['bargain_id'], unique=False)

    op.create_table('booking_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('due_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_booking_reminders_booking_id_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_booking_reminders_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_reminders')),
    sa.UniqueConstraint('booking_id', 'kind', name=op.f('uq_booking_reminders_booking_id_kind'))
    )
    with op.batch_alter_table('booking_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_reminders_due_at'), ['due_at'], unique=False)

    op.create_table('group_buy_seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('pay_by', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('paid_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['deal_id'], ['group_buy_deals.id'], name=op.f('fk_group_buy_seats_deal_id_group_buy_deals')),
    sa.ForeignKeyConstraint(['group_id'], ['group_buy_groups.id'], name=op.f('fk_group_buy_seats_group_id_group_buy_groups')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_group_buy_seats_member_id_members')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_group_buy_seats_order_id_orders')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_group_buy_seats_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_buy_seats')),
    sa.UniqueConstraint('group_id', 'member_id', name=op.f('uq_group_buy_seats_group_id_member_id'))
    )
    with op.batch_alter_table('group_buy_seats', schema=None) as batch_op:
        batch_op.create_index('ix_group_buy_seats_due', ['status', 'pay_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_buy_seats_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_buy_seats_member_id'), ['member_id'], unique=False)

    op.create_table('order_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=True),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('sku_code', sa.String(length=40), nullable=False),
    sa.Column('name_zh', sa.String(length=160), nullable=False),
    sa.Column('name_en', sa.String(length=160), nullable=False),
    sa.Column('specs', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('base_price', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Integer(), nullable=False),
    sa.Column('price_reason', sa.String(length=20), nullable=False),
    sa.Column('discounts', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('discount_total', sa.Integer(), nullable=False),
    sa.Column('line_total', sa.Integer(), nullable=False),
    sa.Column('picked_qty', sa.Integer(), nullable=False),
    sa.Column('short_qty', sa.Integer(), nullable=False),
    sa.Column('short_reason', sa.String(length=120), nullable=True),
    sa.Column('substitute_for_id', sa.Integer(), nullable=True),
    sa.Column('substitution', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('returned_qty', sa.Integer(), nullable=False),
    sa.Column('refunded_amount', sa.Integer(), nullable=False),
    sa.CheckConstraint('picked_qty + short_qty <= quantity', name=op.f('ck_order_lines_picked_within_quantity')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_order_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_lines_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shipment_id'], ['order_shipments.id'], name=op.f('fk_order_lines_shipment_id_order_shipments')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_order_lines_sku_id_skus')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_order_lines_store_id_stores')),
    sa.ForeignKeyConstraint(['substitute_for_id'], ['order_lines.id'], name=op.f('fk_order_lines_substitute_for_id_order_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lines'))
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_lines_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_lines_shipment_id'), ['shipment_id'], unique=False)

    op.create_table('order_refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=True),
    sa.Column('return_id', sa.Integer(), nullable=True),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=False),
    sa.Column('provider_refund_id', sa.String(length=64), nullable=True),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_refunds_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['return_id'], ['order_returns.id'], name=op.f('fk_order_refunds_return_id_order_returns')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_order_refunds_store_id_stores')),
    sa.ForeignKeyConstraint(['tender_id'], ['order_tenders.id'], name=op.f('fk_order_refunds_tender_id_order_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_refunds'))
    )
    with op.batch_alter_table('order_refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_refunds_order_id'), ['order_id'], unique=False)

    op.create_table('technician_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('technician_id', sa.Integer(), nullable=False),
    sa.Column('seat', sa.Integer(), nullable=False),
    sa.Column('slot_start', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_technician_slots_booking_id_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['technician_id'], ['technician_profiles.staff_id'], name=op.f('fk_technician_slots_technician_id_technician_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_technician_slots')),
    sa.UniqueConstraint('technician_id', 'seat', 'slot_start', name=op.f('uq_technician_slots_technician_id_seat_slot_start'))
    )
    with op.batch_alter_table('technician_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_technician_slots_booking_id'), ['booking_id'], unique=False)

    op.create_table('ticket_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('author_kind', sa.String(length=10), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('internal', sa.Boolean(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_messages_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_messages'))
    )
    with op.batch_alter_table('ticket_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_messages_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('work_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('technician_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('diagnosis', sa.String(length=500), nullable=False),
    sa.Column('labour', sa.Integer(), nullable=False),
    sa.Column('parts_total', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('paid_amount', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('quoted_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paid_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('rating_comment', sa.String(length=500), nullable=True),
    sa.Column('rated_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_work_orders_booking_id_bookings')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_work_orders_member_id_members')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_work_orders_store_id_stores')),
    sa.ForeignKeyConstraint(['technician_id'], ['technician_profiles.staff_id'], name=op.f('fk_work_orders_technician_id_technician_profiles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_orders')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_work_orders_booking_id'))
    )
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_orders_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_orders_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_orders_store_id'), ['store_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_orders_technician_id'), ['technician_id'], unique=False)

    op.create_table('aftersales_request_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('exchange_sku_id', sa.Integer(), nullable=True),
    sa.Column('exchange_price', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['exchange_sku_id'], ['skus.id'], name=op.f('fk_aftersales_request_lines_exchange_sku_id_skus')),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_aftersales_request_lines_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['request_id'], ['aftersales_requests.id'], name=op.f('fk_aftersales_request_lines_request_id_aftersales_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_aftersales_request_lines_sku_id_skus')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aftersales_request_lines'))
    )
    with op.batch_alter_table('aftersales_request_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aftersales_request_lines_request_id'), ['request_id'], unique=False)

    op.create_table('aftersales_request_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['aftersales_requests.id'], name=op.f('fk_aftersales_request_photos_request_id_aftersales_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aftersales_request_photos'))
    )
    with op.batch_alter_table('aftersales_request_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aftersales_request_photos_request_id'), ['request_id'], unique=False)

    op.create_table('distribution_commissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('distributor_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('buyer_member_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('base', sa.Integer(), nullable=False),
    sa.Column('rate_bp', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('reversed', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('settled_at', backend.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('reversed >= 0 AND reversed <= amount', name=op.f('ck_distribution_commissions_reversed_within_amount')),
    sa.ForeignKeyConstraint(['buyer_member_id'], ['members.id'], name=op.f('fk_distribution_commissions_buyer_member_id_members')),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_distribution_commissions_distributor_id_distributors')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_distribution_commissions_order_id_orders')),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_distribution_commissions_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_distribution_commissions_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_commissions')),
    sa.UniqueConstraint('order_line_id', 'level', name=op.f('uq_distribution_commissions_order_line_id_level'))
    )
    with op.batch_alter_table('distribution_commissions', schema=None) as batch_op:
        batch_op.create_index('ix_distribution_commissions_distributor', ['distributor_id', 'id'], unique=False)
        batch_op.create_index('ix_distribution_commissions_status', ['status', 'order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_distribution_commissions_store_id'), ['store_id'], unique=False)

    op.create_table('order_return_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_order_return_lines_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['return_id'], ['order_returns.id'], name=op.f('fk_order_return_lines_return_id_order_returns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_order_return_lines_sku_id_skus')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_return_lines'))
    )
    with op.batch_alter_table('order_return_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_return_lines_return_id'), ['return_id'], unique=False)

    op.create_table('work_order_parts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_order_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=160), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_work_order_parts_sku_id_skus')),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_orders.id'], name=op.f('fk_work_order_parts_work_order_id_work_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_order_parts')),
    sa.UniqueConstraint('work_order_id', 'sku_id', name=op.f('uq_work_order_parts_work_order_id_sku_id'))
    )
    with op.batch_alter_table('work_order_parts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_order_parts_work_order_id'), ['work_order_id'], unique=False)

    op.create_table('work_order_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_order_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=8), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_orders.id'], name=op.f('fk_work_order_photos_work_order_id_work_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_order_photos'))
    )
    with op.batch_alter_table('work_order_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_order_photos_work_order_id'), ['work_order_id'], unique=False)

    op.create_table('distribution_ledger',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('distributor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=True),
    sa.Column('withdrawal_id', sa.Integer(), nullable=True),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('frozen_delta', sa.Integer(), nullable=False),
    sa.Column('available_delta', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=120), nullable=True),
    sa.Column('created_at', backend.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commission_id'], ['distribution_commissions.id'], name=op.f('fk_distribution_ledger_commission_id_distribution_commissions')),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_distribution_ledger_distributor_id_distributors')),
    sa.ForeignKeyConstraint(['withdrawal_id'], ['distribution_withdrawals.id'], name=op.f('fk_distribution_ledger_withdrawal_id_distribution_withdrawals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_ledger'))
    )
    with op.batch_alter_table('distribution_ledger', schema=None) as batch_op:
        batch_op.create_index('ix_distribution_ledger_distributor', ['distributor_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_distribution_ledger_store_id'), ['store_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('distribution_ledger', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distribution_ledger_store_id'))
        batch_op.drop_index('ix_distribution_ledger_distributor')

    op.drop_table('distribution_ledger')
    with op.batch_alter_table('work_order_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_order_photos_work_order_id'))

    op.drop_table('work_order_photos')
    with op.batch_alter_table('work_order_parts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_order_parts_work_order_id'))

    op.drop_table('work_order_parts')
    with op.batch_alter_table('order_return_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_return_lines_return_id'))

    op.drop_table('order_return_lines')
    with op.batch_alter_table('distribution_commissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distribution_commissions_store_id'))
        batch_op.drop_index('ix_distribution_commissions_status')
        batch_op.drop_index('ix_distribution_commissions_distributor')

    op.drop_table('distribution_commissions')
    with op.batch_alter_table('aftersales_request_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aftersales_request_photos_request_id'))

    op.drop_table('aftersales_request_photos')
    with op.batch_alter_table('aftersales_request_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aftersales_request_lines_request_id'))

    op.drop_table('aftersales_request_lines')
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_orders_technician_id'))
        batch_op.drop_index(batch_op.f('ix_work_orders_store_id'))
        batch_op.drop_index(batch_op.f('ix_work_orders_status'))
        batch_op.drop_index(batch_op.f('ix_work_orders_member_id'))

    op.drop_table('work_orders')
    with op.batch_alter_table('ticket_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_messages_ticket_id'))

    op.drop_table('ticket_messages')
    with op.batch_alter_table('technician_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_technician_slots_booking_id'))

    op.drop_table('technician_slots')
    with op.batch_alter_table('order_refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_refunds_order_id'))

    op.drop_table('order_refunds')
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_lines_shipment_id'))
        batch_op.drop_index(batch_op.f('ix_order_lines_order_id'))

    op.drop_table('order_lines')
    with op.batch_alter_table('group_buy_seats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_buy_seats_member_id'))
        batch_op.drop_index(batch_op.f('ix_group_buy_seats_group_id'))
        batch_op.drop_index('ix_group_buy_seats_due')

    op.drop_table('group_buy_seats')
    with op.batch_alter_table('booking_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_reminders_due_at'))

    op.drop_table('booking_reminders')
    with op.batch_alter_table('bargain_cuts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bargain_cuts_bargain_id'))

    op.drop_table('bargain_cuts')
    with op.batch_alter_table('aftersales_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aftersales_requests_store_id'))
        batch_op.drop_index(batch_op.f('ix_aftersales_requests_status'))
        batch_op.drop_index(batch_op.f('ix_aftersales_requests_order_id'))
        batch_op.drop_index(batch_op.f('ix_aftersales_requests_member_id'))

    op.drop_table('aftersales_requests')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_store_id'))
        batch_op.drop_index(batch_op.f('ix_tickets_status'))
        batch_op.drop_index(batch_op.f('ix_tickets_resolution_due'))
        batch_op.drop_index(batch_op.f('ix_tickets_member_id'))
        batch_op.drop_index(batch_op.f('ix_tickets_first_response_due'))
        batch_op.drop_index(batch_op.f('ix_tickets_category'))

    op.drop_table('tickets')
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_movements_store_sku')
        batch_op.drop_index('ix_stock_movements_ref')

    op.drop_table('stock_movements')
    with op.batch_alter_table('stock_alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_alerts_open')

    op.drop_table('stock_alerts')
    op.drop_table('routing_decisions')
    with op.batch_alter_table('risk_holds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_holds_status'))

    op.drop_table('risk_holds')
    with op.batch_alter_table('points_mall_redemptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_points_mall_redemptions_member_id'))
        batch_op.drop_index(batch_op.f('ix_points_mall_redemptions_item_id'))

    op.drop_table('points_mall_redemptions')
    with op.batch_alter_table('payment_refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_refunds_payment_id'))

    op.drop_table('payment_refunds')
    with op.batch_alter_table('order_tenders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_tenders_payment_id'))
        batch_op.drop_index(batch_op.f('ix_order_tenders_order_id'))

    op.drop_table('order_tenders')
    with op.batch_alter_table('order_shipments', schema=None) as batch_op:
        batch_op.drop_index('ix_order_shipments_store_status')
        batch_op.drop_index(batch_op.f('ix_order_shipments_order_id'))

    op.drop_table('order_shipments')
    with op.batch_alter_table('order_returns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_returns_store_id'))
        batch_op.drop_index(batch_op.f('ix_order_returns_order_id'))

    op.drop_table('order_returns')
    with op.batch_alter_table('order_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_ratings_store_id'))
        batch_op.drop_index(batch_op.f('ix_order_ratings_member_id'))

    op.drop_table('order_ratings')
    op.drop_table('order_idempotency_keys')
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_events_order_id'))

    op.drop_table('order_events')
    op.drop_table('member_perk_grants')
    with op.batch_alter_table('markdowns', schema=None) as batch_op:
        batch_op.drop_index('ix_markdowns_store_sku')

    op.drop_table('markdowns')
    op.drop_table('kiosk_checkouts')
    with op.batch_alter_table('group_buy_groups', schema=None) as batch_op:
        batch_op.drop_index('ix_group_buy_groups_due')
        batch_op.drop_index(batch_op.f('ix_group_buy_groups_deal_id'))

    op.drop_table('group_buy_groups')
    with op.batch_alter_table('flash_sale_claims', schema=None) as batch_op:
        batch_op.drop_index('uq_flash_sale_claims_live', postgresql_where=sa.text("status IN ('held', 'paid')"), sqlite_where=sa.text("status IN ('held', 'paid')"))
        batch_op.drop_index(batch_op.f('ix_flash_sale_claims_member_id'))
        batch_op.drop_index('ix_flash_sale_claims_due')

    op.drop_table('flash_sale_claims')
    with op.batch_alter_table('distribution_withdrawals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distribution_withdrawals_distributor_id'))

    op.drop_table('distribution_withdrawals')
    with op.batch_alter_table('distribution_referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distribution_referrals_distributor_id'))

    op.drop_table('distribution_referrals')
    op.drop_table('distribution_order_marks')
    op.drop_table('cart_lines')
    op.drop_table('campaign_targets')
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bookings_technician_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_store_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_status'))
        batch_op.drop_index(batch_op.f('ix_bookings_member_id'))

    op.drop_table('bookings')
    with op.batch_alter_table('bargains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bargains_member_id'))
        batch_op.drop_index(batch_op.f('ix_bargains_deal_id'))

    op.drop_table('bargains')
    op.drop_table('transfer_suggestions')
    op.drop_table('technician_shifts')
    op.drop_table('technician_days_off')
    with op.batch_alter_table('stored_value_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_value_entries_member_id'))

    op.drop_table('stored_value_entries')
    with op.batch_alter_table('stocktake_scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stocktake_scans_stocktake_id'))

    op.drop_table('stocktake_scans')
    op.drop_table('stocktake_lines')
    with op.batch_alter_table('stock_transfer_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_transfer_lines_transfer_id'))

    op.drop_table('stock_transfer_lines')
    with op.batch_alter_table('stock_reservations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_reservations_store_id'))
        batch_op.drop_index('ix_stock_reservations_ref')
        batch_op.drop_index('ix_stock_reservations_due')

    op.drop_table('stock_reservations')
    with op.batch_alter_table('stock_document_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_document_lines_document_id'))

    op.drop_table('stock_document_lines')
    with op.batch_alter_table('stock_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_batches_sku_id'))
        batch_op.drop_index('ix_stock_batches_expiry')

    op.drop_table('stock_batches')
    with op.batch_alter_table('stock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_sku_id'))

    op.drop_table('stock')
    op.drop_table('service_offerings')
    with op.batch_alter_table('sales_history', schema=None) as batch_op:
        batch_op.drop_index('ix_sales_history_store_sku')
        batch_op.drop_index('ix_sales_history_customer')

    op.drop_table('sales_history')
    with op.batch_alter_table('risk_signals', schema=None) as batch_op:
        batch_op.drop_index('ix_risk_signals_device')

    op.drop_table('risk_signals')
    op.drop_table('replenishment_suggestions')
    with op.batch_alter_table('price_suggestions', schema=None) as batch_op:
        batch_op.drop_index('ix_price_suggestions_store')
        batch_op.drop_index('ix_price_suggestions_status')

    op.drop_table('price_suggestions')
    with op.batch_alter_table('price_list_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_list_items_sku_id'))

    op.drop_table('price_list_items')
    op.drop_table('points_mall_items')
    with op.batch_alter_table('points_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_points_entries_lots')

    op.drop_table('points_entries')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_store_id'))
        batch_op.drop_index('ix_payments_ref')
        batch_op.drop_index(batch_op.f('ix_payments_provider_trade_no'))
        batch_op.drop_index(batch_op.f('ix_payments_payer_member_id'))

    op.drop_table('payments')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_store_id'))
        batch_op.drop_index('ix_orders_status_due')
        batch_op.drop_index(batch_op.f('ix_orders_status'))
        batch_op.drop_index('ix_orders_member')

    op.drop_table('orders')
    op.drop_table('member_wallets')
    with op.batch_alter_table('member_topups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_topups_member_id'))

    op.drop_table('member_topups')
    with op.batch_alter_table('member_spend', schema=None) as batch_op:
        batch_op.drop_index('ix_member_spend_member_at')

    op.drop_table('member_spend')
    with op.batch_alter_table('member_segments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_segments_segment'))

    op.drop_table('member_segments')
    with op.batch_alter_table('member_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_merges_kept_id'))

    op.drop_table('member_merges')
    with op.batch_alter_table('member_arrivals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_arrivals_store_id'))

    op.drop_table('member_arrivals')
    with op.batch_alter_table('group_buy_deals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_buy_deals_sku_id'))

    op.drop_table('group_buy_deals')
    with op.batch_alter_table('flash_sale_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flash_sale_items_slot_id'))
        batch_op.drop_index('ix_flash_sale_items_due')

    op.drop_table('flash_sale_items')
    op.drop_table('distributors')
    op.drop_table('demand_forecasts')
    with op.batch_alter_table('coupons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coupons_template_id'))
        batch_op.drop_index('ix_coupons_member_status')

    op.drop_table('coupons')
    with op.batch_alter_table('carts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carts_member_id'))

    op.drop_table('carts')
    with op.batch_alter_table('behaviour_events', schema=None) as batch_op:
        batch_op.drop_index('ix_behaviour_events_member')

    op.drop_table('behaviour_events')
    with op.batch_alter_table('bargain_deals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bargain_deals_sku_id'))

    op.drop_table('bargain_deals')
    with op.batch_alter_table('barcodes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_barcodes_sku_id'))

    op.drop_table('barcodes')
    with op.batch_alter_table('assistant_turns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistant_turns_member_id'))

    op.drop_table('assistant_turns')
    with op.batch_alter_table('technician_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_technician_profiles_home_store_id'))

    op.drop_table('technician_profiles')
    with op.batch_alter_table('store_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_store_targets_store_id'))

    op.drop_table('store_targets')
    with op.batch_alter_table('store_closures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_store_closures_store_id'))
        batch_op.drop_index(batch_op.f('ix_store_closures_day'))

    op.drop_table('store_closures')
    with op.batch_alter_table('store_beacons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_store_beacons_store_id'))

    op.drop_table('store_beacons')
    with op.batch_alter_table('stocktakes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stocktakes_store_id'))
        batch_op.drop_index(batch_op.f('ix_stocktakes_status'))

    op.drop_table('stocktakes')
    with op.batch_alter_table('stock_transfers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_transfers_to_store_id'))
        batch_op.drop_index(batch_op.f('ix_stock_transfers_status'))
        batch_op.drop_index(batch_op.f('ix_stock_transfers_from_store_id'))

    op.drop_table('stock_transfers')
    with op.batch_alter_table('stock_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_documents_store_id'))
        batch_op.drop_index(batch_op.f('ix_stock_documents_status'))

    op.drop_table('stock_documents')
    op.drop_table('staff_stores')
    with op.batch_alter_table('skus', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_skus_product_id'))

    op.drop_table('skus')
    with op.batch_alter_table('search_terms', schema=None) as batch_op:
        batch_op.drop_index('ix_search_terms_product_id')

    op.drop_table('search_terms')
    with op.batch_alter_table('product_images', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_images_product_id'))

    op.drop_table('product_images')
    op.drop_table('members')
    with op.batch_alter_table('inspection_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_flags_store_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_flags_period_end'))
        batch_op.drop_index(batch_op.f('ix_inspection_flags_merchant_id'))

    op.drop_table('inspection_flags')
    with op.batch_alter_table('help_calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_calls_store_id'))

    op.drop_table('help_calls')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_devices_store_id'))

    op.drop_table('devices')
    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stores_region_id'))
        batch_op.drop_index(batch_op.f('ix_stores_merchant_id'))
        batch_op.drop_index(batch_op.f('ix_stores_city'))

    op.drop_table('stores')
    op.drop_table('staff_users')
    with op.batch_alter_table('refresh_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refresh_tokens_session_id'))

    op.drop_table('refresh_tokens')
    op.drop_table('reactivation_campaigns')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_products_status'))
        batch_op.drop_index(batch_op.f('ix_products_sales_count'))
        batch_op.drop_index(batch_op.f('ix_products_category_id'))

    op.drop_table('products')
    with op.batch_alter_table('price_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_price_changes_due')

    op.drop_table('price_changes')
    op.drop_table('member_event_coupons')
    op.drop_table('markdown_rules')
    with op.batch_alter_table('franchise_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_franchise_statements_merchant_id'))

    op.drop_table('franchise_statements')
    op.drop_table('expiry_windows')
    op.drop_table('aftersales_category_rules')
    op.drop_table('topup_bonuses')
    op.drop_table('tier_rules')
    op.drop_table('sandbox_transactions')
    with op.batch_alter_table('sandbox_refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sandbox_refunds_trade_no'))

    op.drop_table('sandbox_refunds')
    with op.batch_alter_table('sandbox_notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_sandbox_notifications_due')

    op.drop_table('sandbox_notifications')
    op.drop_table('routing_config')
    op.drop_table('return_policy')
    op.drop_table('regions')
    op.drop_table('recommendations')
    with op.batch_alter_table('promotions', schema=None) as batch_op:
        batch_op.drop_index('ix_promotions_window')

    op.drop_table('promotions')
    op.drop_table('pricing_settings')
    with op.batch_alter_table('price_lists', schema=None) as batch_op:
        batch_op.drop_index('ix_price_lists_scope')

    op.drop_table('price_lists')
    with op.batch_alter_table('one_time_codes', schema=None) as batch_op:
        batch_op.drop_index('ix_one_time_codes_phone_created')

    op.drop_table('one_time_codes')
    op.drop_table('merchants')
    op.drop_table('loyalty_config')
    op.drop_table('login_throttles')
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_runs_name'))

    op.drop_table('job_runs')
    op.drop_table('inspection_runs')
    op.drop_table('flash_sale_slots')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_topic_id')

    op.drop_table('events')
    op.drop_table('earn_rules')
    op.drop_table('distribution_settings')
    op.drop_table('discount_funding')
    op.drop_table('coupon_templates')
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_categories_parent_id'))

    op.drop_table('categories')
    op.drop_table('auth_sessions')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_store_id'))
        batch_op.drop_index('ix_audit_log_entity')

    op.drop_table('audit_log')
    op.drop_table('assistant_faq')
