"""Stock desks: stocktake by scanning with the variance, transfers, receiving against a document,
adjustments with a reason, the near-expiry list."""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from apps.staff.viewmodels.stock import MARKDOWN_BP
from apps.staff.views.common import desk_bar, error_banner, page_view, scan_field, submitted, yuan
from shared.i18n import pick
from shared.ui import controls as ui
from shared.ui.theme import BRAND, OK, WARN

if TYPE_CHECKING:
    from apps.staff.app import StaffApp


def _count(text: str) -> int:
    text = text.strip()
    return int(text) if text.lstrip("-").isdigit() else 0


def stocktake(app: StaffApp) -> ft.View:
    vm = app.stocktake
    form = app.form("stocktake", zone="", quantity="1")

    def entry(e: ft.Event[ft.TextField]) -> None:
        vm.entry = e.control.value

    def field(key: str):  # type: ignore[no-untyped-def]
        def handler(e: ft.Event[ft.TextField]) -> None:
            form[key] = e.control.value

        return handler

    async def start(_e: object) -> None:
        await vm.start(shelf_zone=form["zone"].strip() or None)

    def resume(take_id: int):  # type: ignore[no-untyped-def]
        async def handler(_e: object) -> None:
            await vm.open(take_id)

        return handler

    async def scan(e: ft.Event[ft.TextField]) -> None:
        await vm.scan(submitted(e, vm.entry), quantity=max(1, _count(form["quantity"])))

    async def review(_e: object) -> None:
        await vm.review()

    def act(action: str):  # type: ignore[no-untyped-def]
        async def handler(_e: object) -> None:
            await vm.act(action)

        return handler

    body: list[ft.Control | None] = [error_banner(app, vm)]
    take = vm.take
    if take is None:
        body += [
            ui.text_field(app.t("staff.stocktake.zone"), form["zone"], field("zone"), on_submit=start),
            ft.Row(
                [
                    ui.primary_button(
                        app.t("staff.stocktake.start"), start, busy=vm.busy, icon=ft.Icons.PLAYLIST_ADD_CHECK
                    )
                ]
            ),
            *[
                ui.secondary_button(app.t("staff.stocktake.open", id=t.id), resume(t.id))
                for t in vm.open_takes
            ],
        ]
    else:
        body.append(
            ui.title(
                app.t(
                    "staff.stocktake.status", id=take.id, status=app.t(f"staff.stocktake.state.{take.status}")
                ),
                size=20,
            )
        )
        if take.status == "open":
            body += [
                ft.Row(
                    [
                        ft.Container(
                            scan_field(app, app.t("staff.stocktake.scan"), vm.entry, entry, scan), expand=True
                        ),
                        ft.Container(
                            ui.text_field(
                                app.t("staff.stocktake.quantity"),
                                form["quantity"],
                                field("quantity"),
                                keyboard=ft.KeyboardType.NUMBER,
                            ),
                            width=120,
                        ),
                    ]
                ),
                ft.Row(
                    [
                        ui.primary_button(app.t("staff.stocktake.count"), scan, busy=vm.busy),
                        ui.secondary_button(app.t("staff.stocktake.review"), review),
                        ui.primary_button(app.t("staff.stocktake.submit"), act("submit"), busy=vm.busy),
                    ]
                ),
            ]
            for sku_id, n in vm.counted.items():
                body.append(
                    ft.Row(
                        [
                            ft.Text(vm.name(sku_id, app.lang), size=17, expand=True),
                            ui.badge(app.t("staff.stocktake.counted", n=n), good=True),
                        ]
                    )
                )
        elif take.status == "submitted":
            body.append(ft.Row([ui.primary_button(app.t("staff.stocktake.post"), act("post"), busy=vm.busy)]))
        if vm.variance is not None:
            v = vm.variance
            body.append(
                ui.title(
                    app.t(
                        "staff.stocktake.summary",
                        over=v.units_over,
                        short=v.units_short,
                        value=yuan(v.value_net),
                    ),
                    size=18,
                    color=BRAND,
                )
            )
            for line in v.lines:
                color = OK if line.variance == 0 else WARN
                body.append(
                    ui.card(
                        ft.Row(
                            [
                                ft.Text(vm.name(line.sku_id, app.lang), size=17, expand=True),
                                ft.Text(
                                    app.t(
                                        "staff.stocktake.variance_row",
                                        expected=line.expected,
                                        counted=line.counted,
                                        variance=f"{line.variance:+d}",
                                    ),
                                    color=color,
                                    size=16,
                                ),
                            ]
                        ),
                        padding=12,
                    )
                )
    return page_view("/stocktake", desk_bar(app, "staff.stocktake.title"), body)


def transfers(app: StaffApp) -> ft.View:
    vm = app.transfers
    form = app.form("transfers", code="", source="")
    mine = {s.id: s for s in app.session.stores}
    others = [s for s in app.session.stores if s.id != vm.store_id]

    def field(key: str):  # type: ignore[no-untyped-def]
        def handler(e: ft.Event[ft.TextField]) -> None:
            form[key] = e.control.value

        return handler

    async def add(e: ft.Event[ft.TextField]) -> None:
        if await vm.add(submitted(e, form["code"])):
            form["code"] = ""
            app.refresh()

    def choose(e: ft.Event[ft.Dropdown]) -> None:
        form["source"] = e.control.value or ""

    async def request(_e: object) -> None:
        source = form["source"] or (str(others[0].id) if others else "")
        if source.isdigit():
            await vm.request(int(source))
        else:
            vm.fail("staff.error.store_forbidden")

    def act(transfer_id: int, action: str):  # type: ignore[no-untyped-def]
        async def handler(_e: object) -> None:
            if action == "receive":
                await vm.receive(transfer_id)
            else:
                await vm.act(transfer_id, action)

        return handler

    def store_name(store_id: int) -> str:
        s = mine.get(store_id)
        return pick(app.lang, s.name_zh, s.name_en) if s else f"#{store_id}"

    body: list[ft.Control | None] = [error_banner(app, vm)]
    body += [
        ft.Row(
            [
                ft.Container(
                    scan_field(app, app.t("staff.transfers.scan"), form["code"], field("code"), add),
                    expand=True,
                ),
                ft.Dropdown(
                    label=app.t("staff.transfers.from"),
                    value=form["source"] or (str(others[0].id) if others else None),
                    options=[
                        ft.DropdownOption(key=str(s.id), text=pick(app.lang, s.name_zh, s.name_en))
                        for s in others
                    ],
                    on_select=choose,
                    width=240,
                ),
            ]
        ),
        *[ft.Text(f"{vm.name(sku, app.lang)} × {n}", size=17) for sku, n in vm.draft.items()],
        ft.Row(
            [
                ui.primary_button(
                    app.t("staff.transfers.request"), request, busy=vm.busy, icon=ft.Icons.SWAP_HORIZ
                )
            ]
        ),
    ]
    for heading, rows in (
        ("staff.transfers.incoming", vm.incoming),
        ("staff.transfers.outgoing", vm.outgoing),
    ):
        body.append(ui.title(app.t(heading), size=20))
        if not rows:
            body.append(ui.muted(app.t("staff.transfers.none"), 15))
        for tr in rows:
            actions: list[ft.Control] = []
            if tr.from_store_id == vm.store_id and tr.status == "requested":
                actions.append(ui.secondary_button(app.t("staff.transfers.approve"), act(tr.id, "approve")))
            if tr.from_store_id == vm.store_id and tr.status == "approved":
                actions.append(ui.primary_button(app.t("staff.transfers.ship"), act(tr.id, "ship")))
            if tr.to_store_id == vm.store_id and tr.status == "shipped":
                actions.append(ui.primary_button(app.t("staff.transfers.receive"), act(tr.id, "receive")))
            lines = ", ".join(f"{vm.name(ln.sku_id, app.lang)} × {ln.quantity}" for ln in tr.lines)
            body.append(
                ui.card(
                    ft.Row(
                        [
                            ft.Column(
                                [
                                    ui.title(
                                        app.t(
                                            "staff.transfers.row",
                                            id=tr.id,
                                            from_store=store_name(tr.from_store_id),
                                            to_store=store_name(tr.to_store_id),
                                            status=app.t(f"staff.transfer.{tr.status}"),
                                        ),
                                        size=17,
                                    ),
                                    ui.muted(lines, 14),
                                ],
                                expand=True,
                            ),
                            *actions,
                        ]
                    ),
                    padding=14,
                )
            )
    return page_view("/transfers", desk_bar(app, "staff.transfers.title"), body)


def receiving(app: StaffApp) -> ft.View:
    vm = app.receiving
    form = app.form("receiving", code="")

    def code(e: ft.Event[ft.TextField]) -> None:
        form["code"] = e.control.value

    def open_doc(doc_id: int):  # type: ignore[no-untyped-def]
        async def handler(_e: object) -> None:
            await vm.open(doc_id)

        return handler

    async def scan(e: ft.Event[ft.TextField]) -> None:
        if await vm.scan(submitted(e, form["code"])):
            form["code"] = ""
            app.refresh()

    async def post(_e: object) -> None:
        await vm.post()

    body: list[ft.Control | None] = [error_banner(app, vm)]
    doc = vm.document
    if doc is None or doc.status == "posted":
        if doc is not None:
            body.append(ui.banner(app.t("staff.receiving.posted"), error=False))
        if not vm.documents:
            body.append(ui.muted(app.t("staff.receiving.none"), 16))
        for d in vm.documents:
            body.append(
                ui.card(
                    ui.title(app.t("staff.receiving.doc", id=d.id, supplier=d.supplier or "-"), size=17),
                    on_click=open_doc(d.id),
                    padding=14,
                )
            )
    else:
        expected = vm.expected()
        body += [
            ui.title(app.t("staff.receiving.doc", id=doc.id, supplier=doc.supplier or "-"), size=20),
            scan_field(app, app.t("staff.receiving.scan"), form["code"], code, scan),
            *[
                ft.Row(
                    [
                        ft.Text(vm.name(sku, app.lang), size=17, expand=True),
                        ui.badge(
                            app.t("staff.receiving.row", expected=qty, checked=vm.checked.get(sku, 0)),
                            good=vm.checked.get(sku, 0) == qty,
                        ),
                    ]
                )
                for sku, qty in expected.items()
            ],
            ft.Row([ui.primary_button(app.t("staff.receiving.post"), post, busy=vm.busy)]),
        ]
    return page_view("/receiving", desk_bar(app, "staff.receiving.title"), body)


def adjust(app: StaffApp) -> ft.View:
    vm = app.adjust
    form = app.form("adjust", code="", delta="", reason="damaged")

    def field(key: str):  # type: ignore[no-untyped-def]
        def handler(e: ft.Event[ft.TextField]) -> None:
            form[key] = e.control.value

        return handler

    async def choose(e: ft.Event[ft.TextField]) -> None:
        await vm.choose(submitted(e, form["code"]))

    def reason(e: ft.Event[ft.Dropdown]) -> None:
        form["reason"] = e.control.value or ""

    async def apply(_e: object) -> None:
        await vm.adjust(_count(form["delta"]), form["reason"])

    body: list[ft.Control | None] = [
        error_banner(app, vm),
        scan_field(app, app.t("staff.adjust.scan"), form["code"], field("code"), choose),
    ]
    if vm.item is not None:
        body += [
            ui.title(pick(app.lang, vm.item.name_zh, vm.item.name_en), size=20),
            ft.Row(
                [
                    ft.Container(
                        ui.text_field(
                            app.t("staff.adjust.delta"),
                            form["delta"],
                            field("delta"),
                            keyboard=ft.KeyboardType.NUMBER,
                        ),
                        expand=True,
                    ),
                    ft.Dropdown(
                        value=form["reason"],
                        options=[
                            ft.DropdownOption(key=r, text=app.t(f"staff.adjust.reason.{r}"))
                            for r in vm.REASONS
                        ],
                        on_select=reason,
                        width=220,
                    ),
                ]
            ),
            ft.Row([ui.primary_button(app.t("staff.adjust.apply"), apply, busy=vm.busy)]),
        ]
    if vm.stock is not None:
        body.append(ui.banner(app.t("staff.adjust.done", n=vm.stock.on_hand), error=False))
    return page_view("/adjust", desk_bar(app, "staff.adjust.title"), body)


def expiry(app: StaffApp) -> ft.View:
    vm = app.expiry
    body: list[ft.Control | None] = [error_banner(app, vm)]
    if not vm.batches:
        body.append(ui.muted(app.t("staff.expiry.none", days=vm.days), 16))

    def mark(batch_id: int):  # type: ignore[no-untyped-def]
        async def handler(_e: object) -> None:
            await vm.mark_down(batch_id)

        return handler

    for b in vm.batches:
        marked = vm.marked.get(b.id)
        action: ft.Control
        if marked is None:
            action = ui.primary_button(
                app.t("staff.expiry.markdown", percent=MARKDOWN_BP // 100),
                mark(b.id),
                busy=vm.busy,
                icon=ft.Icons.SELL_OUTLINED,
            )
        else:
            label = app.t("staff.expiry.marked", percent=f"{marked / 100:g}")
            if b.sku_id in vm.prices:
                label += " · " + app.t("staff.expiry.now", price=yuan(vm.prices[b.sku_id]))
            action = ui.badge(label, good=True)
        body.append(
            ui.card(
                ft.Row(
                    [
                        ft.Icon(ft.Icons.EVENT_BUSY_OUTLINED, color=WARN),
                        ft.Column(
                            [
                                ui.title(vm.name(b.sku_id, app.lang), size=17),
                                ui.muted(
                                    app.t(
                                        "staff.expiry.row",
                                        batch=b.batch_no or "-",
                                        n=b.quantity,
                                        date=b.expires_on.isoformat() if b.expires_on else "-",
                                    ),
                                    14,
                                ),
                            ],
                            expand=True,
                        ),
                        action,
                    ]
                ),
                padding=14,
            )
        )
    return page_view("/expiry", desk_bar(app, "staff.expiry.title"), body)
