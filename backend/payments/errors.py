from __future__ import annotations

from backend.core.errors import (
    BadRequest,
    Conflict,
    InvalidState,
    NotFound,
    ServiceUnavailable,
    ValidationFailed,
)


class PaymentNotFound(NotFound):
    code = "payment_not_found"
    default_message = "No such payment."


class RefundNotFound(NotFound):
    code = "refund_not_found"
    default_message = "No such refund."


class UnknownProvider(ValidationFailed):
    code = "unknown_payment_provider"
    default_message = "This payment method is not available."


class UnknownRefType(ValidationFailed):
    code = "unknown_payment_ref_type"
    default_message = "Nothing of this kind can be paid for."


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_message = "This Idempotency-Key was used for a different request."


class PaymentNotOpen(InvalidState):
    code = "payment_not_open"
    default_message = "This payment is no longer open."


class PaymentNotRefundable(InvalidState):
    code = "payment_not_refundable"
    default_message = "Only a paid payment can be refunded."


class RefundExceedsPaid(Conflict):
    code = "refund_exceeds_paid"
    default_message = "The refund is more than what is left to refund."


class GatewayError(ServiceUnavailable):
    code = "payment_gateway_error"
    default_message = "The payment gateway did not accept the request."


class InvalidNotification(BadRequest):
    code = "payment_notification_invalid"
    default_message = "The notification is malformed."


class NotificationSignatureInvalid(InvalidNotification):
    code = "payment_notification_signature_invalid"
    default_message = "The notification's signature does not verify."


class NotificationStale(InvalidNotification):
    code = "payment_notification_stale"
    default_message = "The notification's timestamp is outside the accepted window."


class NotificationMismatch(InvalidNotification):
    code = "payment_notification_mismatch"
    default_message = "The notification does not match the payment it names."
