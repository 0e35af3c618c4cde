"""Inventory rules by use case: stock (the primitives), ledger (their building blocks), documents
(receipts, issues, transfers), stocktakes and alerts."""
