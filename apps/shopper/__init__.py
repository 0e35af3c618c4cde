"""The OMO shopper app (Flet): desktop, mobile and the web page the backend serves at /app/shopper."""
