from __future__ import annotations

from backend.core.errors import Conflict, NotFound


class RequestNotFound(NotFound):
    code = "aftersales_request_not_found"
    default_message = "No such after-sales request."


class PolicyRefused(Conflict):
    code = "return_policy"
    default_message = "The return policy does not allow this request."


class DifferenceUnpaid(Conflict):
    code = "difference_unpaid"
    default_message = "The price difference of the exchange has not been paid yet."
