"""Desks beside the day's work: member look-up (masked), beacon pairing, the day's appointments."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.staff.views.common import desk_bar, error_banner, page_view, submitted, yuan
from shared.ui import controls as ui
from shared.ui.theme import BRAND, OK

if TYPE_CHECKING:
    from apps.staff.app import StaffApp
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
            ui.title(f"#{m.id}", size=22, color=BRAND),
            ft.Text(app.t("staff.members.phone", phone=m.phone_masked), size=18),
        ]
        if m.name_masked:
            rows.append(ft.Text(app.t("staff.members.name", name=m.name_masked), size=18))
        if m.birthday_this_month:
            rows.append(ui.badge(app.t("staff.members.birthday"), good=True))
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
        body.append(
            ui.banner(
                app.t("staff.beacons.verified", distance=f"{vm.verified.distance_m:.1f}"),
                error=not vm.verified.ok,
            )
        )
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
    for p in vm.paired:
        body.append(
            ft.Row(
                [
                    ft.Icon(ft.Icons.CHECK_CIRCLE, color=OK),
                    ft.Text(f"{p.zone} · {p.major}-{p.minor}", size=16),
                ]
            )
        )
    return page_view("/beacons", desk_bar(app, "staff.beacons.title"), body, width=820)


def appointments(app: StaffApp) -> ft.View:
    vm = app.appointments
    body: list[ft.Control | None] = [error_banner(app, vm)]
    if not vm.shown:
        body.append(ui.muted(app.t("staff.appointments.none"), 16))
    for b in vm.shown:
        start = b.start_at.astimezone(vm.tz).strftime("%H:%M")
        end = b.end_at.astimezone(vm.tz).strftime("%H:%M")
        body.append(
            ui.card(
                ft.Row(
                    [
                        ui.title(f"{start}–{end}", size=19, color=BRAND),
                        ft.Text(
                            app.t(
                                "staff.booking.row",
                                time=b.address or "",
                                technician=b.technician_id,
                                price=yuan(b.price),
                            ),
                            size=16,
                            expand=True,
                        ),
                        ui.badge(b.status, good=b.status == "booked"),
                    ]
                ),
                padding=14,
            )
        )
    return page_view("/appointments", desk_bar(app, "staff.appointments.title"), body, width=820)
