"""Draw the demo try-on overlays (RGBA PNG) and write their anchor metadata (JSON).

Run ``python assets/tryon/make_assets.py`` to regenerate. Anchor points are in the PNG's pixel
coordinates; ``shared.devices.tryon`` maps them onto face or pose landmarks.
"""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).parent


def save(name: str, img: Image.Image, meta: dict) -> None:
    img.save(HERE / f"{name}.png", optimize=True)
    meta = {"id": name, "image": f"{name}.png", **meta}
    (HERE / f"{name}.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def glasses() -> None:
    w, h = 640, 220
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    ink = (20, 20, 24, 255)
    for cx in (170, 470):
        box = (cx - 112, 110 - 70, cx + 112, 110 + 70)
        d.rounded_rectangle(box, radius=46, fill=(70, 90, 110, 60))
        d.rounded_rectangle(box, radius=46, outline=ink, width=12)
    d.arc((270, 84, 370, 150), start=205, end=335, fill=ink, width=11)
    d.line((4, 78, 62, 80), fill=ink, width=11)
    d.line((578, 80, 636, 78), fill=ink, width=11)
    save(
        "glasses_classic",
        img,
        {
            "kind": "glasses",
            "target": "eyes",
            "anchors": {"left": [170, 110], "right": [470, 110]},
            "points": {"bridge": [320, 110], "left_temple": [4, 78], "right_temple": [636, 78]},
            "product_sku": "DEMO-GLASSES-001",
            "name": {"zh": "经典黑框眼镜", "en": "Classic black frames"},
        },
    )


def hat() -> None:
    w, h = 500, 400
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((110, 60, 390, 345), radius=70, fill=(150, 40, 45, 255))
    d.rectangle((110, 290, 390, 330), fill=(30, 30, 30, 255))
    d.ellipse((10, 315, 490, 385), fill=(130, 32, 38, 255))
    d.ellipse((120, 320, 380, 350), fill=(110, 26, 30, 255))
    save(
        "hat_felt",
        img,
        {
            "kind": "hat",
            "target": "forehead",
            "anchors": {"left": [70, 350], "right": [430, 350]},
            "points": {"brim_center": [250, 350]},
            "product_sku": "DEMO-HAT-001",
            "name": {"zh": "红色毡帽", "en": "Red felt hat"},
        },
    )


def earring() -> None:
    w, h = 60, 150
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.arc((18, 0, 42, 24), start=180, end=360, fill=(200, 160, 60, 255), width=4)
    d.line((30, 12, 30, 60), fill=(200, 160, 60, 255), width=3)
    d.ellipse((8, 60, 52, 140), fill=(215, 175, 70, 255), outline=(150, 110, 30, 255), width=3)
    d.ellipse((20, 80, 32, 100), fill=(255, 240, 190, 200))
    save(
        "earrings_gold_drop",
        img.filter(ImageFilter.SMOOTH),
        {
            "kind": "earrings",
            "target": "earlobes",
            "anchors": {"hook": [30, 6]},
            "width_ratio": 0.11,
            "product_sku": "DEMO-EARRINGS-001",
            "name": {"zh": "金色水滴耳坠", "en": "Gold drop earrings"},
        },
    )


def lipstick() -> None:
    color = (179, 36, 59)
    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    ImageDraw.Draw(img).rounded_rectangle((4, 4, 60, 60), radius=12, fill=(*color, 255))
    save(
        "lipstick_ruby",
        img,
        {
            "kind": "lipstick",
            "target": "lips",
            "color": "#{:02X}{:02X}{:02X}".format(*color),
            "opacity": 0.55,
            "product_sku": "DEMO-LIPSTICK-001",
            "name": {"zh": "宝石红唇膏", "en": "Ruby lipstick"},
        },
    )


def top() -> None:
    w, h = 600, 700
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    body = [
        (150, 100),
        (235, 70),
        (265, 100),
        (335, 100),
        (365, 70),
        (450, 100),
        (590, 230),
        (520, 300),
        (470, 250),
        (470, 690),
        (130, 690),
        (130, 250),
        (80, 300),
        (10, 230),
    ]
    d.polygon(body, fill=(40, 110, 190, 235))
    d.arc((250, 40, 350, 140), start=20, end=160, fill=(25, 80, 150, 255), width=10)
    d.text((235, 330), "OMO", fill=(255, 255, 255, 230), font_size=56)
    save(
        "tshirt_blue",
        img,
        {
            "kind": "top",
            "target": "shoulders",
            "anchors": {"left": [150, 110], "right": [450, 110], "hem": [300, 690]},
            "points": {"collar": [300, 95]},
            "product_sku": "DEMO-TOP-001",
            "name": {"zh": "蓝色T恤", "en": "Blue T-shirt"},
        },
    )


if __name__ == "__main__":
    glasses()
    hat()
    earring()
    lipstick()
    top()
