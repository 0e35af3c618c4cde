"""User-facing messages of the device layer as keys with zh-CN / en text."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "scan.none": ("未识别到条码", "No barcode found"),
    "scan.checksum": ("条码校验位错误，已忽略", "Barcode check digit is wrong; read ignored"),
    "scan.unconfirmed": ("条码读取不稳定，请对准后重试", "Barcode read not confirmed; hold steady and retry"),
    "scan.camera_unavailable": ("无法打开摄像头", "Camera unavailable"),
    "scan.image_unreadable": ("无法读取图片", "Image could not be read"),
    "code.not_ours": ("不是本系统的二维码", "Not one of our codes"),
    "code.wrong_kind": ("二维码类型不符", "Wrong kind of code"),
    "code.bad_signature": ("二维码签名无效", "Code signature does not match"),
    "code.damaged": ("二维码内容已损坏", "Code payload is damaged"),
    "code.expired": ("二维码已过期", "Code has expired"),
    "code.no_key": ("缺少验签公钥，无法校验", "No verification key; code not checked"),
    "ble.unavailable": ("蓝牙不可用", "Bluetooth unavailable"),
    "ble.available": ("蓝牙可用", "Bluetooth available"),
    "ble.verify.ok": ("信标信号良好", "Beacon signal verified"),
    "ble.verify.not_seen": ("未检测到该信标", "Beacon not seen"),
    "ble.verify.weak": ("信标信号太弱，请靠近后重试", "Beacon signal too weak; move closer and retry"),
    "ble.verify.few_samples": ("信号样本不足，请稍候", "Too few signal samples; keep scanning"),
    "ble.already_bound": ("该信标已绑定到门店", "Beacon is already bound to a store"),
    "tryon.no_face": (
        "照片中未检测到人脸，请正对镜头重拍",
        "No face found in the photo; face the camera and retry",
    ),
    "tryon.no_body": (
        "未检测到上半身，请后退让肩膀入镜",
        "No upper body found; step back so your shoulders show",
    ),
    "tryon.image_unreadable": ("无法读取图片", "Image could not be read"),
    "tryon.unavailable": ("此设备不支持试戴", "Try-on is not available on this device"),
    "notify.in_app": ("系统通知不可用，已在应用内显示", "System notifications unavailable; shown in the app"),
}


def message(key: str, lang: str = "zh") -> str:
    """Text for a message key in ``lang`` ("zh" or "en"); unknown keys come back unchanged."""
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    return pair[1] if lang.lower().startswith("en") else pair[0]
