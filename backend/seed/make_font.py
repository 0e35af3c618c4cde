"""Build the shipped CJK font: Noto Sans CJK SC cut down to the characters a Chinese retail UI needs.

The subset keeps ASCII, Latin-1, general punctuation, CJK symbols and punctuation, full-width forms
and the whole GB 2312 character set (6,763 hanzi plus its symbols), so every app, label and
generated picture renders Chinese with one small font instead of a 20 MB collection.

    python -m backend.seed.make_font [--source-dir /usr/share/fonts/opentype/noto] [--out assets/fonts]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parents[2]
FONT_DIR = ROOT / "assets" / "fonts"
SOURCE_DIR = Path("/usr/share/fonts/opentype/noto")
# The Simplified Chinese face inside Debian's NotoSansCJK-*.ttc collections (fonts-noto-cjk).
SC_FACE = "Noto Sans CJK SC"
WEIGHTS = ("Regular", "Bold")

RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement
    (0x2000, 0x206F),  # general punctuation: — ‘ ’ “ ” … ‰
    (0x2100, 0x214F),  # letterlike symbols: ℃ №
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed numbers ① ②
    (0x25A0, 0x25FF),  # geometric shapes ■ ● ★ (25xx) used in labels
    (0x2600, 0x2605),
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。「」《》【】
    (0x3200, 0x32FF),  # enclosed CJK
    (0x3380, 0x33FF),  # CJK compatibility: ㎡ ㎏ ㎖
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF01, 0xFF5E),  # full-width ASCII
    (0xFFE0, 0xFFE6),  # full-width signs ￥ ￡
]


def gb2312_characters() -> set[int]:
    """Every character of GB 2312 (rows 0xA1-0xF7, cells 0xA1-0xFE), decoded through Python's codec."""
    chars: set[int] = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return chars


def codepoints() -> set[int]:
    points = gb2312_characters()
    for start, end in RANGES:
        points.update(range(start, end + 1))
    return points


def make_subset(source: Path, out: Path, points: set[int]) -> None:
    collection = TTCollection(str(source), lazy=False)
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == SC_FACE)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(points))
    subsetter.subset(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", type=Path, default=SOURCE_DIR)
    parser.add_argument("--out", type=Path, default=FONT_DIR)
    args = parser.parse_args()
    points = codepoints()
    for weight in WEIGHTS:
        out = args.out / f"NotoSansSC-{weight}.otf"
        make_subset(args.source_dir / f"NotoSansCJK-{weight}.ttc", out, points)
        print(f"{out}: {out.stat().st_size / 1e6:.2f} MB, {len(points)} code points requested")


if __name__ == "__main__":
    main()
