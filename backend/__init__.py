"""OMO Retail backend: a FastAPI service, a folder per domain."""
