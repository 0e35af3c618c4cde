"""服务: the service catalogue, technicians with their shifts, and upcoming bookings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.appointments.models import Booking, ServiceOffering, Shift, TechnicianProfile
from backend.auth.models import StaffUser
from backend.auth.principal import Principal
from backend.catalog.models import Product, Sku
from backend.core.time import utcnow
from backend.hq.queries import scoped
from backend.hq.web import Column, Table, nav, table_page
from backend.stores.models import Store

router = APIRouter()
nav("services", "服务", "/hq/services")

LOCAL = ZoneInfo("Asia/Shanghai")
WHERE_ZH = {"in_store": "到店", "at_home": "上门"}
BOOKING_ZH = {"booked": "已预约", "completed": "已完成", "cancelled": "已取消"}


async def offerings(session: AsyncSession) -> list[dict[str, Any]]:
    query = (
        select(ServiceOffering, Sku, Product.name_zh)
        .join(Sku, Sku.id == ServiceOffering.sku_id)
        .join(Product, Product.id == Sku.product_id)
        .order_by(Product.name_zh, Sku.code)
    )
    return [
        {
            "name": name + (" " + " ".join(str(v) for v in sku.specs.values()) if sku.specs else ""),
            "price": sku.base_price,
            "per_m2": o.price_per_m2 or None,
            "duration": f"{o.duration_min} 分钟",
            "where": WHERE_ZH.get(o.location_type, o.location_type),
            "skill": o.required_skill or "",
            "cancel": f"{o.free_cancel_hours} 小时前免费",
            "active": "上架" if o.active else "下架",
        }
        for o, sku, name in (await session.execute(query)).all()
    ]


async def technicians(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    today = utcnow().astimezone(LOCAL).date()
    shifts = (
        select(Shift.technician_id, func.count().label("n"))
        .where(Shift.local_date >= today, Shift.local_date < today + timedelta(days=7))
        .group_by(Shift.technician_id)
        .subquery()
    )
    booked = (
        select(Booking.technician_id, func.count().label("n"))
        .where(Booking.start_at >= utcnow(), Booking.status.not_in(("cancelled",)))
        .group_by(Booking.technician_id)
        .subquery()
    )
    query = (
        select(TechnicianProfile, StaffUser.name, Store.name_zh, shifts.c.n, booked.c.n)
        .join(StaffUser, StaffUser.id == TechnicianProfile.staff_id)
        .join(Store, Store.id == TechnicianProfile.home_store_id)
        .outerjoin(shifts, shifts.c.technician_id == TechnicianProfile.staff_id)
        .outerjoin(booked, booked.c.technician_id == TechnicianProfile.staff_id)
        .order_by(Store.name_zh, StaffUser.name)
    )
    query = scoped(query, TechnicianProfile.home_store_id, principal.store_ids)
    return [
        {
            "name": name,
            "store": store,
            "skills": "、".join(t.skills),
            "capacity": t.capacity,
            "shifts": n_shifts or 0,
            "upcoming": n_booked or 0,
            "active": "在岗" if t.active else "停用",
        }
        for t, name, store, n_shifts, n_booked in (await session.execute(query)).all()
    ]


async def bookings(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    query = (
        select(Booking, Product.name_zh, Store.name_zh, StaffUser.name)
        .join(Sku, Sku.id == Booking.sku_id)
        .join(Product, Product.id == Sku.product_id)
        .join(Store, Store.id == Booking.store_id)
        .join(StaffUser, StaffUser.id == Booking.technician_id)
        .where(Booking.end_at >= utcnow() - timedelta(days=1))
        .order_by(Booking.start_at)
        .limit(300)
    )
    query = scoped(query, Booking.store_id, principal.store_ids)
    return [
        {
            "id": b.id,
            "service": service,
            "store": store,
            "technician": technician,
            "start": b.start_at.astimezone(LOCAL).replace(tzinfo=None),
            "where": "上门" if b.address else "到店",
            "price": b.price,
            "paid": b.paid_amount,
            "status": BOOKING_ZH.get(b.status, b.status),
        }
        for b, service, store, technician in (await session.execute(query)).all()
    ]


async def build(session: AsyncSession, principal: Principal, request: Request) -> dict[str, Any]:
    return {
        "tables": [
            Table(
                "offerings",
                "服务项目",
                [
                    Column("name", "服务"),
                    Column("price", "起步价", "money"),
                    Column("per_m2", "每平米加价", "money"),
                    Column("duration", "时长"),
                    Column("where", "方式"),
                    Column("skill", "所需技能"),
                    Column("cancel", "取消规则"),
                    Column("active", "状态"),
                ],
                await offerings(session),
            ),
            Table(
                "technicians",
                "技师（未来 7 天排班）",
                [
                    Column("name", "技师"),
                    Column("store", "所属门店"),
                    Column("skills", "技能"),
                    Column("capacity", "并行能力", "count"),
                    Column("shifts", "排班天数", "count"),
                    Column("upcoming", "待服务预约", "count"),
                    Column("active", "状态"),
                ],
                await technicians(session, principal),
            ),
            Table(
                "bookings",
                "预约（近期）",
                [
                    Column("id", "编号"),
                    Column("service", "服务"),
                    Column("store", "门店"),
                    Column("technician", "技师"),
                    Column("start", "开始（北京时间）", "time"),
                    Column("where", "方式"),
                    Column("price", "价格", "money"),
                    Column("paid", "已付", "money"),
                    Column("status", "状态"),
                ],
                await bookings(session, principal),
                empty="近期没有预约",
            ),
        ]
    }


table_page(router, "/services", "services", "服务", build)
