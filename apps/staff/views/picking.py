"""Picking one order: the scan field on the left (a scanner or camera read lands in it), the pick list in
shelf order on the right, short-pick per line, and mark ready once every line is done."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.staff.views.common import error_banner, lang_toggle, page_view
from shared.i18n import pick
from shared.ui import controls as ui
from shared.ui.theme import BRAND, MUTED, OK, WARN

if TYPE_CHECKING:
    from apps.staff.app import StaffApp
    from backend.orders.schemas import PickLine


def line_card(app: StaffApp, line: PickLine, short) -> ft.Control:  # type: ignore[no-untyped-def]
    done = line.remaining == 0
    shelf = (
        app.t("staff.picking.shelf", shelf=line.shelf_location)
        if line.shelf_location
        else app.t("staff.picking.no_shelf")
    )
    status: list[ft.Control] = [
        ui.badge(app.t("staff.picking.progress", picked=line.picked_qty, quantity=line.quantity), good=done)
    ]
    if line.short_qty:
        status.append(ui.badge(app.t("staff.picking.short", n=line.short_qty), good=False))
    if not done:
        status.append(ui.secondary_button(app.t("staff.picking.mark_short"), short(line)))
    return ui.card(
        ft.Row(
            [
                ft.Container(
                    ui.title(line.shelf_location or "—", size=20, color=BRAND if not done else MUTED),
                    width=84,
                    tooltip=shelf,
                ),
                ft.Column(
                    [
                        ui.title(pick(app.lang, line.name_zh, line.name_en), size=18),
                        ui.muted(" · ".join([shelf, *line.barcodes[:1]]), size=14),
                        ft.Row(status, spacing=8, wrap=True),
                    ],
                    spacing=4,
                    expand=True,
                ),
                ft.Icon(
                    ft.Icons.CHECK_CIRCLE if done else ft.Icons.RADIO_BUTTON_UNCHECKED,
                    color=OK if done else WARN,
                    size=32,
                ),
            ],
            spacing=12,
        ),
        padding=16,
    )


def build(app: StaffApp) -> ft.View:
    vm = app.picking
    task = vm.task
    reason = {"text": app.t("staff.picking.short_reason_default")}

    def barcode_changed(e: ft.Event[ft.TextField]) -> None:
        vm.barcode = e.control.value

    def reason_changed(e: ft.Event[ft.TextField]) -> None:
        reason["text"] = e.control.value

    async def scan(_e: object) -> None:
        await vm.scan()

    def short(line: PickLine):  # type: ignore[no-untyped-def]
        async def handler(_e: object) -> None:
            await vm.short_pick(line.line_id, line.remaining, reason["text"] or "-")

        return handler

    async def ready(_e: object) -> None:
        await vm.mark_ready()
        await app.today.refresh()

    number = task.order_number if task else ""
    bar = ui.app_bar(
        app.t("staff.picking.title", number=number),
        actions=[lang_toggle(app)],
        back=app.back,
        back_label=app.t("nav.back"),
    )
    if task is None:
        body: list[ft.Control | None] = [error_banner(app, vm), ft.ProgressRing() if vm.busy else None]
        return page_view(f"/pick/{app.page.route.removeprefix('/pick/')}", bar, body)

    left: list[ft.Control | None]
    if vm.ready:
        left = [ui.banner(app.t("staff.picking.done"), error=False)]
    else:
        field = ui.text_field(
            app.t("staff.picking.scan"),
            vm.barcode,
            barcode_changed,
            hint=app.t("staff.picking.scan_hint"),
            on_submit=scan,
            autofocus=True,
            prefix_icon=ft.Icons.QR_CODE_SCANNER,
        )
        scanned = (
            ui.banner(
                app.t(
                    "staff.picking.scanned",
                    name=pick(app.lang, vm.last_scanned.name_zh, vm.last_scanned.name_en),
                ),
                error=False,
            )
            if vm.last_scanned and not vm.error
            else None
        )
        left = [
            field,
            ft.Row([ui.primary_button(app.t("staff.picking.confirm"), scan, busy=vm.busy)]),
            scanned,
            error_banner(app, vm),
            ui.banner(app.t("staff.picking.all_picked"), error=False) if vm.all_picked else None,
            ui.text_field(app.t("staff.picking.short_reason"), reason["text"], reason_changed),
            ft.Row(
                [ui.primary_button(app.t("staff.picking.ready"), ready, busy=vm.busy, icon=ft.Icons.DONE_ALL)]
            ),
        ]
    columns = ft.Row(
        [
            ft.Container(
                ft.Column(
                    [c for c in left if c is not None],
                    spacing=16,
                    horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                ),
                width=400,
            ),
            ft.Column(
                [line_card(app, line, short) for line in vm.lines],
                spacing=12,
                expand=True,
                scroll=ft.ScrollMode.AUTO,
                horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
            ),
        ],
        spacing=24,
        vertical_alignment=ft.CrossAxisAlignment.START,
        expand=True,
    )
    return page_view(f"/pick/{task.id}", bar, [columns], scroll=False)
