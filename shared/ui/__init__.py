"""The look and the building blocks shared by the Flet apps (shopper and staff)."""
