from __future__ import annotations

from backend.core.errors import Conflict, Forbidden, InvalidState, NotFound, ValidationFailed


class DealNotFound(NotFound):
    code = "campaign_deal_not_found"
    default_message = "没有这个活动 / No such campaign."


class GroupNotFound(NotFound):
    code = "group_not_found"
    default_message = "没有这个团 / No such group."


class SeatNotFound(NotFound):
    code = "group_seat_not_found"
    default_message = "没有这个参团记录 / No such group membership."


class CampaignNotRunning(InvalidState):
    code = "campaign_not_running"
    default_message = "活动未开始或已结束 / The campaign is not running now."


class GroupFull(Conflict):
    code = "group_full"
    default_message = "该团已满员 / This group is full."


class GroupClosed(InvalidState):
    code = "group_closed"
    default_message = "该团已结束 / This group has finished."


class AlreadyInGroup(Conflict):
    code = "already_in_group"
    default_message = "您已在该团中 / You are already in this group."


class MemberLimitReached(Conflict):
    code = "member_limit_reached"
    default_message = "已达到每人限购数量 / You have reached the per-member limit."


class BargainNotFound(NotFound):
    code = "bargain_not_found"
    default_message = "没有这个砍价 / No such bargain."


class SelfCut(Forbidden):
    code = "bargain_self_cut"
    default_message = "不能给自己砍价 / You cannot cut your own bargain."


class AlreadyCut(Conflict):
    code = "bargain_already_cut"
    default_message = "您已经砍过一刀了 / You have already cut this bargain."


class BargainClosed(InvalidState):
    code = "bargain_closed"
    default_message = "砍价已结束 / This bargain is over."


class BargainNotFinished(InvalidState):
    code = "bargain_not_finished"
    default_message = (
        "尚未砍到底价且未到截止时间 / Not at the floor price yet and the deadline has not passed."
    )


class BadCutPlan(ValidationFailed):
    code = "bargain_bad_cut_plan"
    default_message = (
        "每刀至少1分：价差须不少于刀数 / Each cut is at least 1 fen: "
        "the price gap must be at least the number of cuts."
    )


class FlashItemNotFound(NotFound):
    code = "flash_item_not_found"
    default_message = "没有这个秒杀商品 / No such flash-sale item."


class FlashClaimNotFound(NotFound):
    code = "flash_claim_not_found"
    default_message = "没有这个秒杀订单 / No such flash-sale claim."


class FlashSoldOut(Conflict):
    code = "flash_sold_out"
    default_message = "已抢光 / Sold out."


class FlashNotLive(InvalidState):
    code = "flash_not_live"
    default_message = "秒杀未开始或已结束 / The flash sale is not on now."


class NotPayable(InvalidState):
    code = "campaign_not_payable"
    default_message = "当前不可付款 / This cannot be paid now."
