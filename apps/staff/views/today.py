"""The store's day: counts of tasks, pickups and alerts; the picking tasks to open; the pickup desk."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import flet as ft

from apps.staff.views.common import error_banner, lang_toggle, page_view, sign_out_button, sync_chip, yuan
from shared.i18n import pick
from shared.ui import controls as ui
from shared.ui.theme import BRAND, MUTED, OK, WARN

if TYPE_CHECKING:
    from apps.staff.app import StaffApp
    from backend.orders.schemas import PickTask


def stat(label: str, value: int, icon: ft.IconData, color: str) -> ft.Control:
    return ft.Container(
        ui.card(
            ft.Row(
                [
                    ft.Icon(icon, size=36, color=color),
                    ft.Column(
                        [ui.title(str(value), size=30, color=color), ui.muted(label, size=15)],
                        spacing=0,
                    ),
                ],
                spacing=16,
            ),
            padding=20,
        ),
        expand=True,
    )


DESKS = ("stocktake", "transfers", "receiving", "adjust", "expiry", "members", "beacons", "appointments")


def live_chip(app: StaffApp) -> ft.Control:
    return ft.Row(
        [
            ft.Icon(ft.Icons.CIRCLE, size=12, color=OK if app.today.live else MUTED),
            ft.Text(app.t("staff.today.live"), color=ui.ON_BRAND),
        ],
        spacing=4,
    )


def help_section(app: StaffApp) -> list[ft.Control]:
    vm = app.today
    out: list[ft.Control] = [ui.title(app.t("staff.today.help"), size=22)]
    if not vm.open_help:
        return [*out, ui.muted(app.t("staff.today.no_help"), 16)]
    store = app.session.active
    tz = ZoneInfo(store.timezone if store else "Asia/Shanghai")
    for call in vm.open_help:

        def answer(call_id: int = call.id):  # type: ignore[no-untyped-def]
            async def handler(_e: object) -> None:
                await vm.answer(call_id)

            return handler

        def resolve(call_id: int = call.id):  # type: ignore[no-untyped-def]
            async def handler(_e: object) -> None:
                await vm.resolve(call_id)

            return handler

        about = call.context.get("order_number") or call.context.get("last_item") or call.note
        detail = " · ".join(
            p
            for p in (
                call.created_at.astimezone(tz).strftime("%H:%M"),
                str(about or ""),
                app.t(f"staff.help.status.{call.status}"),
            )
            if p
        )
        buttons: list[ft.Control] = []
        if call.status == "open":
            buttons.append(ui.secondary_button(app.t("staff.today.answer"), answer()))
        buttons.append(ui.secondary_button(app.t("staff.today.resolve"), resolve()))
        out.append(
            ui.card(
                ft.Row(
                    [
                        ft.Icon(
                            ft.Icons.NOTIFICATION_IMPORTANT,
                            color=WARN if call.status == "open" else OK,
                            size=32,
                        ),
                        ft.Column(
                            [
                                ui.title(
                                    app.t(
                                        "staff.today.help_from",
                                        device=call.device_name or call.caller_kind,
                                        reason=app.t(f"staff.help.{call.reason}"),
                                    ),
                                    size=18,
                                ),
                                ui.muted(detail, 14),
                            ],
                            expand=True,
                            spacing=2,
                        ),
                        *buttons,
                    ],
                    spacing=12,
                ),
                padding=16,
            )
        )
    return out


def appointments_section(app: StaffApp) -> list[ft.Control]:
    vm = app.today
    store = app.session.active
    tz = ZoneInfo(store.timezone if store else "Asia/Shanghai")
    out: list[ft.Control] = [ui.title(app.t("staff.today.appointments"), size=22)]
    if not vm.bookings:
        return [*out, ui.muted(app.t("staff.today.no_appointments"), 16)]
    for b in vm.bookings:
        out.append(
            ft.Text(
                app.t(
                    "staff.booking.row",
                    time=b.start_at.astimezone(tz).strftime("%m-%d %H:%M"),
                    technician=b.technician_id,
                    price=yuan(b.price),
                ),
                size=16,
            )
        )
    return out


def task_card(app: StaffApp, task: PickTask) -> ft.Control:
    units = sum(ln.quantity for ln in task.lines)
    store = app.session.active
    tz = ZoneInfo(store.timezone if store else "Asia/Shanghai")
    slot = task.pickup_slot_start.astimezone(tz).strftime("%H:%M") if task.pickup_slot_start else ""
    return ui.card(
        ft.Row(
            [
                ft.Icon(ft.Icons.SHOPPING_BASKET_OUTLINED, size=32, color=BRAND),
                ft.Column(
                    [
                        ui.title(task.order_number, size=19),
                        ui.muted(
                            " · ".join(
                                p
                                for p in (
                                    app.t(f"staff.fulfilment.{task.fulfilment}"),
                                    app.t("staff.today.lines", n=units),
                                    slot,
                                )
                                if p
                            ),
                            size=15,
                        ),
                    ],
                    spacing=2,
                    expand=True,
                ),
                ui.badge(app.t(f"staff.task.{task.status}"), good=task.status == "picking"),
                ft.Icon(ft.Icons.CHEVRON_RIGHT, color=MUTED),
            ],
            spacing=16,
        ),
        on_click=app.link(f"/pick/{task.id}"),
        padding=20,
        tooltip=task.order_number,
    )


def build(app: StaffApp) -> ft.View:
    vm = app.today
    store = app.session.active

    async def refresh(_e: object) -> None:
        await vm.refresh()

    async def switch(_e: object) -> None:
        app.session.switch_store()
        await app.go("/stores")

    stats = ft.Row(
        [
            stat(app.t("staff.today.picking"), len(vm.tasks), ft.Icons.SHOPPING_BASKET_OUTLINED, BRAND),
            stat(app.t("staff.today.pickups"), len(vm.pickups), ft.Icons.INVENTORY_2_OUTLINED, OK),
            stat(app.t("staff.today.low_stock"), vm.low_stock, ft.Icons.TRENDING_DOWN, WARN),
            stat(app.t("staff.today.near_expiry"), vm.near_expiry, ft.Icons.EVENT_BUSY_OUTLINED, WARN),
        ],
        spacing=16,
    )
    tasks: list[ft.Control] = [task_card(app, task) for task in vm.tasks] or [
        ui.muted(app.t("staff.today.no_tasks"), size=16)
    ]
    actions: list[ft.Control] = [
        ui.icon_button(ft.Icons.REFRESH, app.t("staff.today.refresh"), refresh, color=ui.ON_BRAND)
    ]
    if len(app.session.stores) > 1:
        actions.append(
            ui.icon_button(ft.Icons.SWAP_HORIZ, app.t("staff.store.switch"), switch, color=ui.ON_BRAND)
        )
    actions = [live_chip(app), sync_chip(app), *actions, lang_toggle(app), sign_out_button(app)]

    def desk(route: str):  # type: ignore[no-untyped-def]
        async def handler(_e: object) -> None:
            await app.open_desk(route)

        return handler

    title = pick(app.lang, store.name_zh, store.name_en) if store else app.t("staff.app_name")
    body: list[ft.Control | None] = [
        error_banner(app, vm),
        stats,
        ft.Row(
            [
                ui.primary_button(
                    app.t("staff.today.verify_pickup"), app.link("/pickup"), icon=ft.Icons.QR_CODE_SCANNER
                ),
                ui.primary_button(app.t("staff.nav.till"), desk("/till"), icon=ft.Icons.POINT_OF_SALE),
            ],
            spacing=12,
        ),
        ft.Row(
            [ui.secondary_button(app.t(f"staff.nav.{name}"), desk(f"/{name}")) for name in DESKS],
            wrap=True,
            spacing=8,
        ),
        *help_section(app),
        ui.title(app.t("staff.today.tasks"), size=22),
        *tasks,
        *appointments_section(app),
    ]
    return page_view("/", ui.app_bar(f"{title} · {app.t('staff.today.title')}", actions=actions), body)
