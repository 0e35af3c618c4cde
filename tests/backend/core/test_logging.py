"""Personal data never reaches a log line in the clear, whoever logs it and however."""

from __future__ import annotations

import io
import json
import logging

from backend.core.logging import PersonalDataFilter, make_handler
from backend.core.privacy import mask_text, mask_value


def _logger(name: str, json_lines: bool) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    logger = logging.getLogger(name)
    logger.handlers[:] = [make_handler(json_lines, stream)]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger, stream


def test_phone_numbers_are_masked_in_messages_arguments_and_extra_fields():
    logger, stream = _logger("omo.test.mask", json_lines=True)
    logger.info("otp for 13912345678 sent", extra={"phone": "13800138000", "note": "call +86 13700001111"})
    logger.info("member %s at %s", "15011112222", {"address": "上海市黄浦区南京东路1号"})
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    text = stream.getvalue()
    for raw in ("13912345678", "13800138000", "13700001111", "15011112222", "南京东路1号"):
        assert raw not in text
    assert lines[0]["msg"] == "otp for 139****5678 sent"
    assert lines[0]["phone"] == "138****8000"
    assert "137****1111" in lines[0]["note"]
    assert "150****2222" in lines[1]["msg"]


def test_addresses_and_contacts_inside_structured_extras_are_masked():
    logger, stream = _logger("omo.test.address", json_lines=True)
    order = {
        "id": 7,
        "address": {"contact_name": "张三", "phone": "13900000000", "text": "上海市黄浦区南京东路1号"},
    }
    logger.warning("delivery failed", extra={"order": order})
    body = json.loads(stream.getvalue())
    address = body["order"]["address"]
    assert body["order"]["id"] == 7
    assert address["contact_name"] == "张*"
    assert address["phone"] == "139****0000"
    assert "南京东路" not in json.dumps(body, ensure_ascii=False)


def test_plain_text_lines_are_masked_too_and_ordinary_numbers_are_left_alone():
    logger, stream = _logger("omo.test.plain", json_lines=False)
    logger.info("order 202611220001 paid 12800 fen by 18612345678, id 110101199003074512")
    line = stream.getvalue()
    assert "202611220001" in line and "12800" in line
    assert "186****5678" in line and "18612345678" not in line
    assert "110101199003074512" not in line and "110101********4512" in line


def test_uvicorn_access_lines_keep_their_argument_shape():
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/v1/members/lookup?phone=13912345678", "1.1", 200),
        None,
    )
    assert PersonalDataFilter().filter(record)
    assert isinstance(record.args, tuple) and len(record.args) == 5
    assert (
        record.getMessage() == '127.0.0.1:5000 - "GET /api/v1/members/lookup?phone=139****5678 HTTP/1.1" 200'
    )


def test_masking_helpers():
    assert mask_text("call 13912345678 or 8613912345678") == "call 139****5678 or 139****5678"
    assert mask_value("password", "secret") == "****"
    assert mask_value("items", [{"phone": "13900000000"}]) == [{"phone": "139****0000"}]
