"""Errors of the orders domain."""

from __future__ import annotations

from backend.core.errors import BadRequest, Conflict, Forbidden, InvalidState, NotFound, ValidationFailed


class OrderNotFound(NotFound):
    code = "order_not_found"
    default_message = "没有这个订单 / No such order."


class IllegalTransition(InvalidState):
    code = "invalid_state"
    default_message = "订单当前状态不允许此操作 / The order's status does not allow this."


class IdempotencyKeyRequired(BadRequest):
    code = "idempotency_key_required"
    default_message = "Send an Idempotency-Key header so a retry cannot place the order twice."


class IdempotencyMismatch(ValidationFailed):
    code = "idempotency_key_reused"
    default_message = "This Idempotency-Key was used for a different request."


class CartEmpty(ValidationFailed):
    code = "cart_empty"
    default_message = "购物车是空的 / Nothing to buy."


class CartInvalid(ValidationFailed):
    code = "cart_invalid"
    default_message = "Some lines cannot be bought as they are."


class OutsideDeliveryArea(ValidationFailed):
    code = "outside_delivery_area"
    default_message = "该地址不在门店配送范围内 / The address is outside the store's delivery area."


class NotDeliverable(ValidationFailed):
    code = "no_store_can_fill"
    default_message = "No store can fill this order."


class BadPickupSlot(ValidationFailed):
    code = "bad_pickup_slot"
    default_message = "自提时间不在门店营业时间内 / The pickup time is outside the store's opening hours."


class FulfilmentUnavailable(ValidationFailed):
    code = "fulfilment_unavailable"
    default_message = "This store does not offer this kind of fulfilment."


class TaskNotFound(NotFound):
    code = "picking_task_not_found"
    default_message = "No such picking task."


class WrongItem(Conflict):
    code = "wrong_item"
    default_message = "扫描的商品不在拣货单上 / The scanned item is not on this pick list."


class UnknownBarcode(ValidationFailed):
    code = "unknown_barcode"
    default_message = "未知条码 / No product has this barcode."


class OverPick(Conflict):
    code = "over_pick"
    default_message = "已拣够数量 / This item is already fully picked."


class PickupCodeInvalid(NotFound):
    code = "pickup_code_invalid"
    default_message = "取货码无效 / No order is waiting with this pickup code."


class WrongStore(Conflict):
    code = "wrong_store"
    default_message = "This order is collected at another store."


class AlreadyCollected(Conflict):
    code = "already_collected"
    default_message = "该订单已取货 / This order has already been collected."


class TenderShort(ValidationFailed):
    code = "tender_short"
    default_message = "付款金额不足 / The tenders do not cover the total."


class ReturnNotAllowed(Conflict):
    code = "return_not_allowed"
    default_message = "This order cannot be returned."


class ReturnWindowClosed(Conflict):
    code = "return_window_closed"
    default_message = "已超过退货期限 / The return window has closed."


class ReturnQuantity(ValidationFailed):
    code = "return_quantity"
    default_message = "退货数量超过可退数量 / More than can be returned."


class NotYourOrder(Forbidden):
    code = "not_your_order"
    default_message = "This order is not yours."


class MemberCodeRequired(Forbidden):
    code = "member_code_required"
    default_message = (
        "使用会员储值、积分或优惠券须扫描会员当前的会员码 / Scan the member's current member code to "
        "spend their stored value, points or coupons."
    )
