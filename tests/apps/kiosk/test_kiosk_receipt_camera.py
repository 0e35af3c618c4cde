"""The ESC/POS writer read back byte by byte, and the camera thread decoding generated frames."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import numpy as np
import pytest

from apps.kiosk.camera import CameraScanner, QueueSource, on_camera
from apps.kiosk.receipt import EscPos, parse, render_escpos, render_text, width_of, write_to
from backend.orders.schemas import Receipt
from tests.apps.kiosk.kiosk_e2e_driver import ean13_image, qr_image


def receipt() -> Receipt:
    return Receipt(
        order_id=7,
        number="20261122000007",
        store_id=1,
        store_name="南京西路店",
        sold_at=datetime(2026, 11, 22, 3, 30, tzinfo=UTC),
        lines=[
            {
                "sku_id": 1,
                "name_zh": "光明牛奶",
                "name_en": "Milk",
                "specs": {"规格": "250ml"},
                "quantity": 2,
                "unit_price": 650,
                "discount": 100,
                "line_total": 1200,
            },
            {
                "sku_id": 2,
                "name_zh": "全麦面包",
                "name_en": "Bread",
                "specs": {},
                "quantity": 1,
                "unit_price": 1200,
                "discount": 0,
                "line_total": 1200,
            },
        ],
        subtotal=2500,
        discount_total=100,
        total=2400,
        tenders=[{"method": "sandbox_qr", "amount": 2400, "tendered": 2400, "change": 0}],
        change=0,
        qr="OMO1.receipt.eyJvIjo3fQ.c2lnbmF0dXJl",
        text="",
    )


def test_escpos_stream_reads_back(tmp_path) -> None:
    data = render_escpos(receipt(), "南京西路店")
    assert data.startswith(b"\x1b@\x1c&")  # ESC @ then FS & (Chinese mode)
    assert "光明牛奶".encode("gb18030") in data and b"\x1dVB\x00" in data
    printed = parse(data)
    assert printed.commands[0] == "init" and printed.commands[-1] == "cut" and printed.cuts == 1
    header = printed.lines[0]
    assert (
        header["text"] == "南京西路店" and header["bold"] and header["double_height"] and header["align"] == 1
    )
    texts = [ln["text"] for ln in printed.lines]
    assert "光明牛奶 250ml" in texts
    item = texts[texts.index("光明牛奶 250ml") + 1]
    assert item.startswith("  2 x 6.50") and item.endswith("12.00") and width_of(item) == 32
    total = next(ln for ln in printed.lines if ln["text"].startswith("应付"))
    assert total["bold"] and total["double_height"] and total["text"].endswith("24.00")
    after = printed.lines[printed.lines.index(total) + 1]
    assert not after["bold"] and not after["double_height"] and after["text"].startswith("扫码支付")
    assert printed.qr == ["OMO1.receipt.eyJvIjo3fQ.c2lnbmF0dXJl"]
    english = parse(render_escpos(receipt(), "West Nanjing Rd", "en")).text()
    assert "Milk 250ml" in english and "TOTAL" in english and "QR pay" in english
    text = render_text(receipt(), "南京西路店")
    assert "优惠" in text and text.splitlines()[0].strip() == "南京西路店"
    target = write_to(tmp_path / "spool" / "r.bin", data)
    assert target.read_bytes() == data


def test_parser_refuses_what_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="unknown ESC"):
        parse(EscPos().init().bytes() + b"\x1b\x7f")
    assert parse(EscPos().init().line("abc").bytes()).text() == "abc"


def test_camera_thread_reports_each_code_once() -> None:
    codes: list[str] = []
    source = QueueSource(fps=30)
    scanner = CameraScanner(source, codes.append).start()
    try:
        source.push(on_camera(ean13_image("6901234567892")))
        deadline = time.monotonic() + 10
        while not codes and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the same code stays in view: still one report
        source.push(on_camera(qr_image("OMO1.member.eyJtIjoxfQ.c2ln")))
        while len(codes) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scanner.stop()
    assert codes == ["6901234567892", "OMO1.member.eyJtIjoxfQ.c2ln"]
    assert isinstance(scanner.latest, np.ndarray) and scanner.error is None
