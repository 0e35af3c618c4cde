"""The till: the scan field and the basket on the left; member, totals, tenders, the receipt with its
e-receipt QR (or the offline slip) and returns on the right."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.staff.views.common import desk_bar, error_banner, page_view, scan_field, submitted, yuan
from shared.i18n import pick
from shared.ui import controls as ui
from shared.ui.qr import qr_png
from shared.ui.theme import BRAND, MUTED

if TYPE_CHECKING:
    from apps.staff.app import StaffApp
    from apps.staff.viewmodels.cashier import TillLine


def line_row(app: StaffApp, line: TillLine) -> ft.Control:
    vm = app.cashier
    sku = line.item.sku_id

    async def more(_e: object) -> None:
        await vm.set_quantity(sku, line.quantity + 1)

    async def less(_e: object) -> None:
        await vm.set_quantity(sku, line.quantity - 1)

    name = pick(app.lang, line.item.name_zh, line.item.name_en)
    detail = f"¥{yuan(line.item.unit_price)} {app.t('staff.till.qty', n=line.quantity)}"
    if line.label:
        detail += f" · {line.label}"
    return ui.card(
        ft.Row(
            [
                ft.Column([ui.title(name, size=17), ui.muted(detail, size=14)], spacing=2, expand=True),
                ui.icon_button(ft.Icons.REMOVE, f"− {name}", less),
                ft.Text(str(line.quantity), size=18),
                ui.icon_button(ft.Icons.ADD, f"+ {name}", more),
                ft.Text(f"¥{yuan(line.estimate)}", size=17, width=90, text_align=ft.TextAlign.RIGHT),
            ],
            spacing=6,
        ),
        padding=12,
    )


def totals(app: StaffApp) -> list[ft.Control]:
    vm = app.cashier
    rows: list[ft.Control] = []
    if vm.quote is not None and app.sync.online:
        rows.append(
            ft.Row([ui.muted(app.t("staff.till.subtotal"), 16), ft.Text(f"¥{yuan(vm.quote.subtotal)}")])
        )
        if vm.discount:
            rows.append(
                ft.Row([ui.muted(app.t("staff.till.discount"), 16), ft.Text(f"-¥{yuan(vm.discount)}")])
            )
    elif vm.lines:
        rows.append(ui.muted(app.t("staff.till.estimate"), 14))
    rows.append(
        ft.Row(
            [ui.title(app.t("staff.till.due"), size=22), ui.title(f"¥{yuan(vm.due)}", size=30, color=BRAND)]
        )
    )
    return rows


def build(app: StaffApp) -> ft.View:
    vm = app.cashier
    form = app.form("till", cash="", card="", member="", order="", search="")

    def changed(key: str):  # type: ignore[no-untyped-def]
        def handler(e: ft.Event[ft.TextField]) -> None:
            if key == "entry":
                vm.entry = e.control.value
            else:
                form[key] = e.control.value

        return handler

    async def scan(e: ft.Event[ft.TextField]) -> None:
        # The submitted text itself: a fast scanner's Enter can overtake the last change event.
        await vm.scan(submitted(e, vm.entry))

    async def search(_e: object) -> None:
        await vm.search(form["search"])

    def add(product_id: int):  # type: ignore[no-untyped-def]
        async def handler(_e: object) -> None:
            await vm.add_product(product_id)

        return handler

    async def identify(e: ft.Event[ft.TextField]) -> None:
        await vm.identify(submitted(e, form["member"]))

    async def forget(_e: object) -> None:
        await vm.forget_member()

    def tender(method: str):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            if method == "cash":
                # Enter in the cash field carries its text; a tap uses what the field last reported.
                text = submitted(e, form["cash"]).strip()
                form["cash"] = text
                amount = round(float(text) * 100) if text.replace(".", "", 1).isdigit() else None
                await vm.pay("cash", amount)
            elif method == "card":
                await vm.pay("card", reference=form["card"].strip() or None)
            else:
                await vm.pay(method)
            app.refresh()

        return handler

    async def next_sale(_e: object) -> None:
        form.update(cash="", card="", member="", search="")
        vm.new_sale()

    async def find_order(e: ft.Event[ft.TextField]) -> None:
        await vm.find_order(submitted(e, form["order"]))

    def give_back(line_id: int):  # type: ignore[no-untyped-def]
        async def handler(_e: object) -> None:
            await vm.refund([(line_id, 1)])

        return handler

    left: list[ft.Control | None] = [
        ft.Row(
            [
                ft.Container(
                    scan_field(
                        app,
                        app.t("staff.till.scan"),
                        vm.entry,
                        changed("entry"),
                        scan,
                        hint=app.t("staff.till.scan_hint"),
                    ),
                    expand=True,
                ),
                ui.secondary_button(app.t("staff.till.add"), scan),
            ]
        ),
        error_banner(app, vm),
        ft.Row(
            [
                ft.Container(
                    ui.text_field(
                        app.t("staff.till.search"), form["search"], changed("search"), on_submit=search
                    ),
                    expand=True,
                ),
                ui.icon_button(ft.Icons.SEARCH, app.t("staff.till.search"), search),
            ]
        ),
        *[
            ui.card(
                ft.Row([ui.title(pick(app.lang, p.name_zh, p.name_en), size=16), ui.price(p.price, 16)]),
                on_click=add(p.id),
                padding=10,
                tooltip=p.name_zh,
            )
            for p in vm.results
        ],
        *([line_row(app, line) for line in vm.lines] or [ui.muted(app.t("staff.till.empty"), 16)]),
    ]

    right: list[ft.Control | None] = []
    if vm.member is not None:
        right.append(
            ft.Row(
                [
                    ft.Icon(ft.Icons.CARD_MEMBERSHIP, color=BRAND),
                    ft.Text(
                        app.t("staff.till.member", name=vm.member.name_masked or vm.member.phone_masked),
                        size=17,
                        expand=True,
                    ),
                    ui.secondary_button(app.t("staff.till.forget_member"), forget),
                ]
            )
        )
        if vm.member_code is None:
            right.append(ui.muted(app.t("staff.till.no_code"), 14))
    elif not vm.done:
        right.append(
            ft.Row(
                [
                    ft.Container(
                        ui.text_field(
                            app.t("staff.till.member_hint"),
                            form["member"],
                            changed("member"),
                            on_submit=identify,
                        ),
                        expand=True,
                    ),
                    ui.secondary_button(app.t("staff.till.identify"), identify),
                ]
            )
        )
    if vm.order is not None:
        change = vm.receipt.change if vm.receipt else 0
        right += [
            ui.banner(app.t("staff.till.paid", number=vm.order.number), error=False),
            ui.title(app.t("staff.till.change", change=yuan(change)), size=26, color=BRAND)
            if change
            else None,
        ]
        if vm.receipt is not None:
            right += [
                ft.Row(
                    [
                        ft.Container(
                            ft.Text(vm.receipt.text, font_family="monospace", size=12),
                            bgcolor="#FFFFFF",
                            padding=12,
                            border_radius=8,
                            expand=True,
                        ),
                        ft.Column(
                            [
                                ft.Image(
                                    src=qr_png(vm.receipt.qr, scale=4),
                                    width=170,
                                    height=170,
                                    semantics_label=app.t("staff.till.eqr"),
                                ),
                                ui.muted(app.t("staff.till.eqr"), 12),
                            ],
                            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
                        ),
                    ],
                    vertical_alignment=ft.CrossAxisAlignment.START,
                )
            ]
        right.append(
            ft.Row([ui.primary_button(app.t("staff.till.next"), next_sale, icon=ft.Icons.PERSON_ADD_ALT)])
        )
    elif vm.queued_sale is not None:
        right += [
            ui.banner(app.t("staff.till.queued"), error=True),
            ft.Container(
                ft.Text(vm.offline_receipt(), font_family="monospace", size=13), bgcolor="#FFFFFF", padding=12
            ),
            ft.Row([ui.primary_button(app.t("staff.till.next"), next_sale, icon=ft.Icons.PERSON_ADD_ALT)]),
        ]
    else:
        right += totals(app)
        right.append(
            ft.Row(
                [
                    ft.Container(
                        ui.text_field(
                            app.t("staff.till.cash_given"),
                            form["cash"],
                            changed("cash"),
                            keyboard=ft.KeyboardType.NUMBER,
                            on_submit=tender("cash"),
                        ),
                        expand=True,
                    )
                ]
            )
        )
        right.append(
            ft.Row(
                [
                    ft.Container(
                        ui.text_field(app.t("staff.till.card_ref"), form["card"], changed("card")),
                        expand=True,
                    )
                ]
            )
        )
        buttons = [
            ui.primary_button(app.t(f"staff.till.tender.{m}"), tender(m), busy=vm.busy)
            for m in vm.tenders
            if m in ("cash", "card", "sandbox_qr")
        ]
        right.append(ft.Row(buttons, spacing=8))
        if vm.member is not None:
            wallet = [
                ui.secondary_button(app.t(f"staff.till.tender.{m}"), tender(m))
                for m in vm.tenders
                if m in ("stored_value", "points")
            ]
            if wallet:
                right.append(ft.Row(wallet, spacing=8))
    right += [ft.Divider(), ui.title(app.t("staff.till.returns"), size=19)]
    right.append(
        ft.Row(
            [
                ft.Container(
                    ui.text_field(
                        app.t("staff.till.order_number"),
                        form["order"],
                        changed("order"),
                        on_submit=find_order,
                    ),
                    expand=True,
                ),
                ui.secondary_button(app.t("staff.till.find_order"), find_order),
            ]
        )
    )
    if vm.return_order is not None:
        for line in vm.return_order.lines:
            right.append(
                ft.Row(
                    [
                        ft.Text(
                            f"{pick(app.lang, line.name_zh, line.name_en)} × {line.quantity}", expand=True
                        ),
                        ui.secondary_button(app.t("staff.till.return_line"), give_back(line.id)),
                    ]
                )
            )
    if vm.returned is not None:
        right.append(ui.banner(app.t("staff.till.returned", amount=yuan(vm.returned.amount)), error=False))

    columns = ft.Row(
        [
            ft.Container(
                ft.Column(
                    [c for c in left if c is not None],
                    spacing=10,
                    scroll=ft.ScrollMode.AUTO,
                    horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                ),
                expand=3,
            ),
            ft.Container(
                ft.Column(
                    [c for c in right if c is not None],
                    spacing=10,
                    scroll=ft.ScrollMode.AUTO,
                    horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                ),
                expand=2,
                padding=ft.Padding.only(left=8),
                border=ft.Border.only(left=ft.BorderSide(1, MUTED)),
            ),
        ],
        spacing=16,
        expand=True,
        vertical_alignment=ft.CrossAxisAlignment.STRETCH,
    )
    return page_view("/till", desk_bar(app, "staff.till.title"), [columns], scroll=False, width=1240)
