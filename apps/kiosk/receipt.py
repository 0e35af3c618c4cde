"""Receipts for thermal printers: an ESC/POS byte stream (GB18030 text), a parser that reads it back,
and a plain-text rendering.

Commands used: ``ESC @`` initialise, ``FS &`` Chinese character mode (GB18030 on Chinese-firmware
printers), ``ESC a n`` alignment, ``ESC E n`` bold, ``GS ! n`` character size (0x01 = double height),
``GS ( k`` QR code (model 2, module size, error level M, store, print), ``ESC d n`` feed lines,
``GS V 66 n`` feed and partial cut.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backend.orders.schemas import Receipt

ESC, GS, FS, LF = 0x1B, 0x1D, 0x1C, 0x0A
ENCODING = "gb18030"
WIDTH = 32  # characters of a 58 mm roll; a CJK character takes two columns

LEFT, CENTER, RIGHT = 0, 1, 2
METHOD = {
    "zh-CN": {"sandbox_qr": "扫码支付", "online": "在线支付", "card": "银行卡", "cash": "现金"},
    "en": {"sandbox_qr": "QR pay", "online": "Online", "card": "Card", "cash": "Cash"},
}


def width_of(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def two_columns(left: str, right: str, width: int = WIDTH) -> str:
    gap = max(1, width - width_of(left) - width_of(right))
    return left + " " * gap + right


def center(text: str, width: int = WIDTH) -> str:
    return " " * max(0, (width - width_of(text)) // 2) + text


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


class EscPos:
    """Builds an ESC/POS byte stream."""

    def __init__(self) -> None:
        self.buf = bytearray()

    def init(self) -> EscPos:
        self.buf += bytes([ESC, 0x40, FS, 0x26])
        return self

    def align(self, how: int) -> EscPos:
        self.buf += bytes([ESC, 0x61, how])
        return self

    def bold(self, on: bool) -> EscPos:
        self.buf += bytes([ESC, 0x45, 1 if on else 0])
        return self

    def size(self, double_height: bool = False, double_width: bool = False) -> EscPos:
        self.buf += bytes([GS, 0x21, (0x10 if double_width else 0) | (0x01 if double_height else 0)])
        return self

    def line(self, text: str = "") -> EscPos:
        self.buf += text.encode(ENCODING) + bytes([LF])
        return self

    def qr(self, data: str, module: int = 4) -> EscPos:
        payload = data.encode("ascii")
        n = len(payload) + 3
        self.buf += bytes([GS, 0x28, 0x6B, 4, 0, 0x31, 0x41, 0x32, 0x00])  # model 2
        self.buf += bytes([GS, 0x28, 0x6B, 3, 0, 0x31, 0x43, module])  # module size
        self.buf += bytes([GS, 0x28, 0x6B, 3, 0, 0x31, 0x45, 0x31])  # error correction M
        self.buf += bytes([GS, 0x28, 0x6B, n & 0xFF, n >> 8, 0x31, 0x50, 0x30]) + payload
        self.buf += bytes([GS, 0x28, 0x6B, 3, 0, 0x31, 0x51, 0x30])  # print
        return self

    def feed(self, lines: int) -> EscPos:
        self.buf += bytes([ESC, 0x64, lines])
        return self

    def cut(self) -> EscPos:
        self.buf += bytes([GS, 0x56, 0x42, 0])
        return self

    def bytes(self) -> bytes:
        return bytes(self.buf)


# What a scale label adds to a sold line's specs (see backend.orders.kiosk): the pack's net weight and
# the price per kg it was charged at, or the price the scale printed.
WEIGHT, PER_KG, LABEL_PRICE = "净重", "单价", "标签价"


def amount_line(ln: dict[str, Any], specs: dict[str, Any], zh: bool) -> str:
    """``2 x 6.50``, or for a weighed pack ``612 g x ¥30.00/kg``, or the scale label's price."""
    weight, per_kg, label_price = (
        specs.pop(WEIGHT, None),
        specs.pop(PER_KG, None),
        specs.pop(LABEL_PRICE, None),
    )
    times = f"{ln['quantity']} x " if ln["quantity"] != 1 else ""
    if weight is not None:
        return f"  {times}{weight} x {per_kg}"
    if label_price is not None:
        return f"  {times}{'标签价' if zh else 'Label'} {label_price}"
    return f"  {ln['quantity']} x {yuan(ln['unit_price'])}"


def _body(receipt: Receipt, lang: str) -> tuple[list[str], list[tuple[str, str]]]:
    zh = lang != "en"
    lines: list[str] = []
    for ln in receipt.lines:
        name = ln.get("name_zh") if zh else (ln.get("name_en") or ln.get("name_zh"))
        specs = dict(ln.get("specs") or {})
        amount = amount_line(ln, specs, zh)
        spec = " ".join(str(v) for v in specs.values())
        lines.append(f"{name}{(' ' + spec) if spec else ''}")
        lines.append(two_columns(amount, yuan(ln["line_total"])))
        if ln.get("discount"):
            lines.append(two_columns("  优惠" if zh else "  Discount", "-" + yuan(ln["discount"])))
    sums = [("合计" if zh else "Subtotal", yuan(receipt.subtotal))]
    if receipt.discount_total:
        sums.append(("优惠" if zh else "Discount", "-" + yuan(receipt.discount_total)))
    return lines, sums


def render_escpos(receipt: Receipt, store_name: str = "", lang: str = "zh-CN") -> bytes:
    """The receipt as ESC/POS bytes: store name, lines, bold double-height total, tenders, QR, cut."""
    zh = lang != "en"
    p = EscPos().init()
    p.align(CENTER).bold(True).size(double_height=True).line(store_name or receipt.store_name)
    p.size().bold(False).line("自助收银" if zh else "Self-checkout")
    p.align(LEFT)
    p.line(("单号：" if zh else "No.: ") + receipt.number)
    p.line(("时间：" if zh else "Time: ") + receipt.sold_at.strftime("%Y-%m-%d %H:%M:%S"))
    p.line("-" * WIDTH)
    lines, sums = _body(receipt, lang)
    for text in lines:
        p.line(text)
    p.line("-" * WIDTH)
    for label, amount in sums:
        p.line(two_columns(label, amount))
    p.bold(True).size(double_height=True).line(two_columns("应付" if zh else "TOTAL", yuan(receipt.total)))
    p.size().bold(False)
    for tender in receipt.tenders:
        label = METHOD["zh-CN" if zh else "en"].get(tender["method"], tender["method"])
        p.line(two_columns(label, yuan(tender.get("tendered") or tender["amount"])))
    p.line("-" * WIDTH)
    p.align(CENTER).line("扫码查看电子小票" if zh else "Scan for your e-receipt")
    p.qr(receipt.qr)
    p.line("谢谢惠顾，欢迎再次光临！" if zh else "Thank you!")
    return p.feed(3).cut().bytes()


def render_text(receipt: Receipt, store_name: str = "", lang: str = "zh-CN") -> str:
    """The same receipt as plain text (a screen preview, or a printer without ESC/POS)."""
    zh = lang != "en"
    out = [
        center(store_name or receipt.store_name),
        ("单号：" if zh else "No.: ") + receipt.number,
        ("时间：" if zh else "Time: ") + receipt.sold_at.strftime("%Y-%m-%d %H:%M:%S"),
        "-" * WIDTH,
    ]
    lines, sums = _body(receipt, lang)
    out += lines + ["-" * WIDTH] + [two_columns(a, b) for a, b in sums]
    out.append(two_columns("应付" if zh else "TOTAL", yuan(receipt.total)))
    for tender in receipt.tenders:
        label = METHOD["zh-CN" if zh else "en"].get(tender["method"], tender["method"])
        out.append(two_columns(label, yuan(tender.get("tendered") or tender["amount"])))
    out += ["-" * WIDTH, "谢谢惠顾，欢迎再次光临！" if zh else "Thank you!"]
    return "\n".join(out)


def write_to(target: str | Path, data: bytes) -> Path:
    """Write to a printer device (``/dev/usb/lp0``) or a file, whole, in one go."""
    path = Path(target)
    if not str(path).startswith("/dev/"):
        path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    return path


@dataclass
class Printed:
    """What a printer would do with a byte stream: lines with their style, QR payloads, cuts."""

    lines: list[dict[str, Any]] = field(default_factory=list)
    qr: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    cuts: int = 0

    def text(self) -> str:
        return "\n".join(ln["text"] for ln in self.lines)


def parse(data: bytes) -> Printed:
    """Read an ESC/POS stream back (the commands ``EscPos`` writes); unknown commands raise ValueError."""
    out = Printed()
    style = {"align": LEFT, "bold": False, "double_height": False, "double_width": False}
    text = bytearray()
    chinese = False
    i = 0
    while i < len(data):
        b = data[i]
        if b == LF:
            out.lines.append({"text": text.decode(ENCODING if chinese else "ascii"), **style})
            text.clear()
            i += 1
        elif b == ESC:
            cmd = data[i + 1]
            if cmd == 0x40:
                style = {"align": LEFT, "bold": False, "double_height": False, "double_width": False}
                out.commands.append("init")
                i += 2
            elif cmd == 0x61:
                style["align"] = data[i + 2]
                i += 3
            elif cmd == 0x45:
                style["bold"] = bool(data[i + 2])
                i += 3
            elif cmd == 0x64:
                out.commands.append(f"feed:{data[i + 2]}")
                i += 3
            else:
                raise ValueError(f"unknown ESC command 0x{cmd:02x} at {i}")
        elif b == GS:
            cmd = data[i + 1]
            if cmd == 0x21:
                n = data[i + 2]
                style["double_height"], style["double_width"] = bool(n & 0x0F), bool(n & 0xF0)
                i += 3
            elif cmd == 0x56:
                out.cuts += 1
                out.commands.append("cut")
                i += 4
            elif cmd == 0x28 and data[i + 2] == 0x6B:
                n = data[i + 3] | (data[i + 4] << 8)
                body = data[i + 5 : i + 5 + n]
                if body[:2] == b"\x31\x50":
                    out.qr.append(body[3:].decode("ascii"))
                i += 5 + n
            else:
                raise ValueError(f"unknown GS command 0x{cmd:02x} at {i}")
        elif b == FS:
            if data[i + 1] == 0x26:
                chinese = True
                out.commands.append("chinese")
                i += 2
            else:
                raise ValueError(f"unknown FS command at {i}")
        else:
            text.append(b)
            i += 1
    if text:
        out.lines.append({"text": text.decode(ENCODING if chinese else "ascii"), **style})
    return out
