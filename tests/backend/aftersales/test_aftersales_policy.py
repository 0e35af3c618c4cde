"""The return policy as written rules: no-reason windows, category refusals, quality windows, approval."""

from __future__ import annotations

from backend.aftersales.enums import ReasonCode, RequestKind
from backend.aftersales.policy import AUTO_APPROVE_MAX, Rule, auto_approvable, problems

CLOTHES = Rule("服饰")
FRESH = Rule("生鲜", no_reason=False, quality_days=2)
UNDERWEAR = Rule("内衣", no_reason_days=0)


def test_no_reason_returns_within_the_chains_window():
    assert problems(ReasonCode.NO_REASON, 6.9, [CLOTHES], 7) == []
    assert problems(ReasonCode.NO_REASON, 7.0, [CLOTHES], 7) == []
    late = problems(ReasonCode.NO_REASON, 7.01, [CLOTHES], 7)
    assert [(p["rule"], p["window_days"]) for p in late] == [("window_closed", 7)]


def test_a_category_may_refuse_no_reason_returns_or_shorten_the_window():
    refused = problems(ReasonCode.NO_REASON, 0.1, [FRESH], 7)
    assert [p["rule"] for p in refused] == ["no_reason_refused"]
    assert [p["rule"] for p in problems(ReasonCode.NO_REASON, 0.1, [UNDERWEAR], 7)] == ["window_closed"]


def test_quality_claims_use_the_quality_window_even_where_no_reason_returns_are_refused():
    assert problems(ReasonCode.QUALITY, 1.5, [FRESH], 7) == []
    assert [p["window_days"] for p in problems(ReasonCode.DAMAGED, 2.5, [FRESH], 7)] == [2]
    assert problems(ReasonCode.WRONG_ITEM, 14, [CLOTHES], 7) == []
    assert [p["window_days"] for p in problems(ReasonCode.QUALITY, 16, [CLOTHES], 7)] == [15]


def test_every_offending_line_is_named():
    found = problems(ReasonCode.NO_REASON, 3, [CLOTHES, FRESH, FRESH], 7)
    assert [p["category"] for p in found] == ["生鲜", "生鲜"]


def test_only_small_no_reason_returns_of_members_without_many_recent_ones_approve_themselves():
    assert auto_approvable(RequestKind.RETURN, ReasonCode.NO_REASON, AUTO_APPROVE_MAX, 2)
    assert not auto_approvable(RequestKind.RETURN, ReasonCode.NO_REASON, AUTO_APPROVE_MAX + 1, 0)
    assert not auto_approvable(RequestKind.RETURN, ReasonCode.NO_REASON, 100, 3)
    assert not auto_approvable(RequestKind.RETURN, ReasonCode.QUALITY, 100, 0)
    assert not auto_approvable(RequestKind.EXCHANGE, ReasonCode.NO_REASON, 100, 0)
