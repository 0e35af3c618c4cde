"""Payments: provider-agnostic payments and refunds for any payable reference (orders, top-ups, ...)."""
