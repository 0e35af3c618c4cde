"""The ASGI entry point for uvicorn and other servers."""

from backend.app import create_app

app = create_app()
