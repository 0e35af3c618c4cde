"""Desks beside the day's work: member look-up (masked), beacon pairing, the day's appointments."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.staff.views.common import desk_bar, error_banner, page_view, scan_field, submitted, yuan
from shared.ui import controls as ui
from shared.ui.theme import BRAND, OK

if TYPE_CHECKING:
    from apps.staff.app import StaffApp
    from backend.appointments.schemas import Booking
    from backend.stores.schemas import Beacon
    from shared.devices.beacons import Candidate


def members(app: StaffApp) -> ft.View:
    vm = app.members

    def entry(e: ft.Event[ft.TextField]) -> None:
        vm.entry = e.control.value

    async def find(e: ft.Event[ft.TextField]) -> None:
        await vm.find(submitted(e, vm.entry))

    body: list[ft.Control | None] = [
        ft.Row(
            [
                ft.Container(
                    ui.text_field(
                        app.t("staff.members.entry"),
                        vm.entry,
                        entry,
                        on_submit=find,
                        autofocus=True,
                        prefix_icon=ft.Icons.PERSON_SEARCH,
                    ),
                    expand=True,
                ),
                ui.secondary_button(app.t("staff.members.find"), find),
            ]
        ),
        error_banner(app, vm),
    ]
    if vm.member is not None:
        m = vm.member
        rows: list[ft.Control] = [
            ui.title(app.t("staff.members.number", id=m.id), size=22, color=BRAND),
            ft.Text(app.t("staff.members.phone", phone=m.phone_masked), size=18),
        ]
        if m.name_masked and vm.shows("name"):
            rows.append(ft.Text(app.t("staff.members.name", name=m.name_masked), size=18))
        if m.birthday_this_month and vm.shows("birthday"):
            rows.append(ft.Row([ui.badge(app.t("staff.members.birthday"), good=True)]))
        rows.append(ui.muted(app.t("staff.members.masked_note"), 13))
        body.append(ui.card(ft.Column(rows, spacing=6), padding=20))
    return page_view("/members", desk_bar(app, "staff.members.title"), body, width=720)


def beacons(app: StaffApp) -> ft.View:
    vm = app.beacons
    form = app.form("beacons", zone="入口")

    def zone(e: ft.Event[ft.TextField]) -> None:
        form["zone"] = e.control.value

    async def scan(_e: object) -> None:
        await vm.scan()

    def pair(candidate: Candidate):  # type: ignore[no-untyped-def]
        async def handler(_e: object) -> None:
            await vm.pair(candidate, form["zone"])

        return handler

    body: list[ft.Control | None] = [
        error_banner(app, vm),
        ft.Row(
            [
                ft.Container(ui.text_field(app.t("staff.beacons.zone"), form["zone"], zone), expand=True),
                ui.primary_button(
                    app.t("staff.beacons.scan"), scan, busy=vm.busy, icon=ft.Icons.BLUETOOTH_SEARCHING
                ),
            ]
        ),
    ]
    if vm.verified is not None:
        key = "staff.beacons.verified" if vm.verified.ok else "staff.beacons.verify_failed"
        body.append(ui.banner(app.t(key, distance=f"{vm.verified.distance_m:.1f}"), error=not vm.verified.ok))
    for c in vm.candidates:
        b = c.beacon
        label = app.t(
            "staff.beacons.candidate",
            major=getattr(b, "major", "-"),
            minor=getattr(b, "minor", "-"),
            distance=f"{c.distance_m:.1f}" if c.distance_m is not None else "?",
            rssi=round(c.median_rssi),
        )
        action: ft.Control = (
            ui.badge(app.t("staff.beacons.paired"), good=True)
            if vm.is_paired(c)
            else ui.secondary_button(app.t("staff.beacons.pair"), pair(c))
        )
        body.append(
            ui.card(
                ft.Row(
                    [ft.Icon(ft.Icons.BLUETOOTH, color=BRAND), ft.Text(label, size=16, expand=True), action]
                ),
                padding=12,
            )
        )
    body.append(ui.title(app.t("staff.beacons.paired"), size=20))
    if not vm.paired:
        body.append(ui.muted(app.t("staff.beacons.none"), 15))

    def check(beacon: Beacon):  # type: ignore[no-untyped-def]
        async def handler(_e: object) -> None:
            await vm.check(beacon)

        return handler

    for p in vm.paired:
        done = vm.verified is not None and vm.verified_id == p.id and vm.verified.ok
        body.append(
            ui.card(
                ft.Row(
                    [
                        ft.Icon(ft.Icons.CHECK_CIRCLE if done else ft.Icons.BLUETOOTH_CONNECTED, color=OK),
                        ft.Text(f"{p.zone} · {p.major}-{p.minor}", size=16, expand=True),
                        ui.secondary_button(app.t("staff.beacons.verify"), check(p)),
                    ]
                ),
                padding=12,
            )
        )
    return page_view("/beacons", desk_bar(app, "staff.beacons.title"), body, width=820)


def booking_card(app: StaffApp, b: Booking) -> ft.Control:
    vm = app.appointments
    start = b.start_at.astimezone(vm.tz).strftime("%H:%M")
    end = b.end_at.astimezone(vm.tz).strftime("%H:%M")

    async def start_work(_e: object) -> None:
        await vm.start(b.id)

    detail = app.t("staff.booking.when", technician=b.technician_id, price=yuan(b.price))
    if b.address:
        detail = f"{detail} · {b.address}"
    row: list[ft.Control] = [
        ui.title(f"{start}–{end}", size=19, color=BRAND),
        ft.Text(detail, size=16, expand=True),
        ui.badge(app.t(f"staff.booking.status.{b.status}"), good=b.status != "cancelled"),
    ]
    if b.status == "booked":
        row.append(
            ft.Container(
                ui.primary_button(app.t("staff.appointments.start"), start_work, icon=ft.Icons.BUILD),
                width=200,
            )
        )
    return ui.card(ft.Row(row, spacing=12), padding=14)


def work_order(app: StaffApp) -> list[ft.Control]:
    vm = app.appointments
    work = vm.work
    assert work is not None

    def typed(attr: str):  # type: ignore[no-untyped-def]
        def handler(e: ft.Event[ft.TextField]) -> None:
            setattr(vm, attr, e.control.value)

        return handler

    async def scan(e: ft.Event[ft.TextField]) -> None:
        await vm.scan_part(submitted(e, vm.entry))

    async def quote(e: object) -> None:
        # Enter in the labour field carries its text; a tap uses what the field last reported.
        vm.labour = submitted(e, vm.labour)
        await vm.send_quote()

    async def complete(_e: object) -> None:
        await vm.complete()

    async def back(_e: object) -> None:
        vm.close()
        await vm.load()

    def photo(stage: str):  # type: ignore[no-untyped-def]
        async def handler(_e: object) -> None:
            files = await app.file_picker().pick_files(
                dialog_title=app.t(f"staff.work.photo_{stage}"),
                file_type=ft.FilePickerFileType.IMAGE,
                with_data=True,
            )
            if files:
                await vm.add_photo(stage, files[0].bytes or b"", files[0].name)

        return handler

    def part_qty(sku_id: int, n: int):  # type: ignore[no-untyped-def]
        def handler(_e: object) -> None:
            vm.set_part(sku_id, n)

        return handler

    out: list[ft.Control] = [
        ft.Row(
            [
                ui.title(app.t("staff.work.title", id=work.id), size=22),
                ui.badge(app.t(f"staff.work.status.{work.status}"), good=work.status != "cancelled"),
            ],
            spacing=12,
        ),
        ui.muted(
            app.t(
                "staff.work.totals",
                labour=yuan(work.labour),
                parts=yuan(work.parts_total),
                total=yuan(work.total),
                paid=yuan(work.paid_amount),
            ),
            15,
        ),
    ]
    if vm.editable:
        out += [
            ui.text_field(app.t("staff.work.diagnosis"), vm.diagnosis, typed("diagnosis")),
            ft.Row(
                [
                    ft.Container(
                        scan_field(app, app.t("staff.work.scan_part"), vm.entry, typed("entry"), scan),
                        expand=True,
                    ),
                    ft.Container(
                        ui.text_field(
                            app.t("staff.work.labour"),
                            vm.labour,
                            typed("labour"),
                            keyboard=ft.KeyboardType.NUMBER,
                            on_submit=quote,
                        ),
                        width=180,
                    ),
                ]
            ),
        ]
    out.append(ui.title(app.t("staff.work.parts"), size=18))
    if not vm.parts:
        out.append(ui.muted(app.t("staff.work.no_parts"), 15))
    for sku_id, n in vm.parts.items():
        name = vm.part_names.get(sku_id, f"#{sku_id}")
        controls: list[ft.Control] = [
            ft.Text(app.t("staff.work.part_row", name=name, n=n), size=16, expand=True)
        ]
        if vm.editable:
            controls += [
                ui.icon_button(ft.Icons.REMOVE, f"- {name}", part_qty(sku_id, n - 1)),
                ui.icon_button(ft.Icons.ADD, f"+ {name}", part_qty(sku_id, n + 1)),
            ]
        out.append(ft.Row(controls))
    out.append(ui.muted(app.t("staff.work.photos", before=vm.photos("before"), after=vm.photos("after")), 15))
    buttons: list[ft.Control] = []
    if vm.editable:
        buttons.append(
            ft.Container(
                ui.primary_button(app.t("staff.work.quote"), quote, busy=vm.busy, icon=ft.Icons.SEND),
                width=200,
            )
        )
    if work.status not in ("completed", "cancelled"):
        buttons += [
            ui.secondary_button(app.t("staff.work.photo_before"), photo("before")),
            ui.secondary_button(app.t("staff.work.photo_after"), photo("after")),
        ]
    if work.status == "confirmed":
        buttons.append(
            ft.Container(
                ui.primary_button(
                    app.t("staff.work.complete"), complete, busy=vm.busy, icon=ft.Icons.TASK_ALT
                ),
                width=200,
            )
        )
    out.append(ft.Row(buttons, wrap=True, spacing=8))
    if work.status == "quoted" or (work.status == "confirmed" and work.paid_amount < work.total):
        out.append(ui.banner(app.t("staff.work.waiting"), error=False))
    if work.status == "completed":
        out.append(ui.banner(app.t("staff.work.done"), error=False))
    out.append(ft.Row([ui.secondary_button(app.t("staff.work.back"), back)]))
    return out


def appointments(app: StaffApp) -> ft.View:
    vm = app.appointments
    body: list[ft.Control | None] = [error_banner(app, vm)]
    if vm.work is not None:
        body += work_order(app)
        return page_view("/appointments", desk_bar(app, "staff.appointments.title"), body, width=900)
    me = app.session.me

    def only(technician_id: int | None):  # type: ignore[no-untyped-def]
        def handler(_e: object) -> None:
            vm.only(technician_id)

        return handler

    if me is not None:
        mine = vm.technician_id == me.id
        body.append(
            ft.Row(
                [
                    ft.Chip(
                        label=ft.Text(app.t("staff.appointments.mine")), selected=mine, on_select=only(me.id)
                    ),
                    ft.Chip(
                        label=ft.Text(app.t("staff.appointments.everyone")),
                        selected=not mine,
                        on_select=only(None),
                    ),
                ],
                spacing=8,
            )
        )
    if not vm.shown:
        body.append(ui.muted(app.t("staff.appointments.none"), 16))
    for b in vm.shown:
        body.append(booking_card(app, b))
    return page_view("/appointments", desk_bar(app, "staff.appointments.title"), body, width=900)
