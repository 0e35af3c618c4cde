"""A statement as CSV (for spreadsheets) and as PDF (to sign and file).

The PDF is drawn with fpdf2: pure Python, actively maintained, and it embeds (and subsets) the
OpenType CJK font the repository ships (``assets/fonts/NotoSansSC-*.otf``, CFF outlines, which
ReportLab's TTF support cannot load), so Chinese prints on any reader with nothing installed.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from backend.core.money import yuan
from backend.franchise.schemas import Statement

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"

# (field, 中文, English) in the order a statement reads.
ROWS = [
    ("orders", "订单数", "Orders"),
    ("gross_sales", "商品销售额", "Gross sales"),
    ("discounts_hq", "总部承担优惠", "Discounts funded by HQ"),
    ("discounts_merchant", "加盟商承担优惠", "Discounts funded by merchant"),
    ("shipping", "运费", "Shipping"),
    ("collected", "实收金额", "Collected"),
    ("refunds", "退款", "Refunds"),
    ("net_sales", "结算销售额", "Net sales"),
    ("hq_commission", "总部佣金", "HQ commission"),
    ("distribution_commissions", "分销佣金", "Distribution commissions"),
    ("payable", "应付加盟商", "Payable to merchant"),
]
STORE_COLUMNS = ROWS[:8]


def _money(field: str, value: int) -> str:
    return str(value) if field == "orders" else yuan(value)


def filename(statement: Statement, ext: str) -> str:
    return f"statement-{statement.merchant_id}-{statement.period_start}-{statement.period_end}.{ext}"


def to_csv(statement: Statement) -> bytes:
    """UTF-8 with a BOM so Excel opens the Chinese headers correctly; amounts in yuan with 2 decimals."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["加盟商结算单 / Settlement statement", statement.merchant_name])
    writer.writerow(["结算期 / Period", str(statement.period_start), str(statement.period_end)])
    writer.writerow(["总部佣金率 / HQ rate (bp)", statement.commission_bp])
    writer.writerow([])
    writer.writerow(["项目 / Item", "金额 / Amount (¥)"])
    for field, zh, en in ROWS:
        writer.writerow([f"{zh} / {en}", _money(field, getattr(statement, field))])
    writer.writerow([])
    writer.writerow(["门店 / Store", *[f"{zh} / {en}" for _, zh, en in STORE_COLUMNS]])
    for store in statement.stores:
        writer.writerow(
            [f"{store.code} {store.name}", *[_money(f, getattr(store, f)) for f, _, _ in STORE_COLUMNS]]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_pdf(statement: Statement) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(f"加盟商结算单 {statement.merchant_name}")
    pdf.add_font("NotoSansSC", "", str(FONT_DIR / "NotoSansSC-Regular.otf"))
    pdf.add_font("NotoSansSC", "B", str(FONT_DIR / "NotoSansSC-Bold.otf"))
    pdf.add_page()
    pdf.set_font("NotoSansSC", "B", 16)
    pdf.cell(0, 10, "加盟商结算单 / Settlement statement", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("NotoSansSC", "", 11)
    for text in (
        f"加盟商 / Merchant: {statement.merchant_name} (#{statement.merchant_id})",
        f"结算期 / Period: {statement.period_start} — {statement.period_end}",
        f"总部佣金率 / HQ commission rate: {statement.commission_bp / 100:.2f}%",
        f"生成时间 / Generated: {statement.generated_at:%Y-%m-%d %H:%M} UTC",
    ):
        pdf.cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    for field, zh, en in ROWS:
        bold = field in ("collected", "net_sales", "payable")
        pdf.set_font("NotoSansSC", "B" if bold else "", 11)
        pdf.cell(120, 8, f"{zh} / {en}", border="B")
        pdf.cell(
            0,
            8,
            _money(field, getattr(statement, field)),
            border="B",
            align="R",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    if statement.stores:
        pdf.ln(6)
        pdf.set_font("NotoSansSC", "B", 12)
        pdf.cell(0, 8, "门店明细 / By store", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("NotoSansSC", "", 8)
        with pdf.table(text_align=("LEFT", *["RIGHT"] * len(STORE_COLUMNS))) as table:
            table.row(["门店", *[zh for _, zh, _ in STORE_COLUMNS]])
            for store in statement.stores:
                table.row(
                    [
                        f"{store.code} {store.name}",
                        *[_money(f, getattr(store, f)) for f, _, _ in STORE_COLUMNS],
                    ]
                )
    return bytes(pdf.output())
