"""Return policy as pure rules: what a request may ask for, and which requests approve themselves."""

from __future__ import annotations

from dataclasses import dataclass

from backend.aftersales.enums import ReasonCode, RequestKind

# Quality claims (quality, damaged, wrong item) are accepted this many days after completion unless the
# category says otherwise.
QUALITY_DAYS = 15
# Automatic approval: a no-reason return (nothing to inspect) of at most 100 yuan, by a member who has
# had fewer than three requests approved automatically in the last 30 days. Everything else waits for
# the store's staff.
AUTO_APPROVE_MAX = 10_000
AUTO_APPROVE_PER_30_DAYS = 3
# An approved request is honoured at any store for this many days after the decision.
APPROVAL_VALID_DAYS = 15


@dataclass(frozen=True, slots=True)
class Rule:
    """The return rule that applies to a line (its category's, inherited from the nearest ancestor)."""

    category: str
    no_reason: bool = True
    no_reason_days: int | None = None
    quality_days: int = QUALITY_DAYS


def window_days(reason: ReasonCode, rule: Rule, default_no_reason_days: int) -> int:
    if reason == ReasonCode.NO_REASON:
        return rule.no_reason_days if rule.no_reason_days is not None else default_no_reason_days
    return rule.quality_days


def problems(
    reason: ReasonCode, days_since: float, rules: list[Rule], default_no_reason_days: int
) -> list[dict[str, object]]:
    """Why the request breaks the policy, one entry per offending line (empty when it is allowed)."""
    found: list[dict[str, object]] = []
    for rule in rules:
        if reason == ReasonCode.NO_REASON and not rule.no_reason:
            found.append(
                {
                    "category": rule.category,
                    "rule": "no_reason_refused",
                    "message": f"{rule.category}类商品不支持无理由退货 / No no-reason returns here.",
                }
            )
            continue
        days = window_days(reason, rule, default_no_reason_days)
        if days_since > days:
            found.append(
                {
                    "category": rule.category,
                    "rule": "window_closed",
                    "window_days": days,
                    "message": f"已超过{days}天期限 / The {days}-day window has closed.",
                }
            )
    return found


def auto_approvable(kind: RequestKind, reason: ReasonCode, amount: int, recent_auto: int) -> bool:
    return (
        kind == RequestKind.RETURN
        and reason == ReasonCode.NO_REASON
        and amount <= AUTO_APPROVE_MAX
        and recent_auto < AUTO_APPROVE_PER_30_DAYS
    )
