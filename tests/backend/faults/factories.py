"""Real backend processes for fault tests: start uvicorn in a subprocess, SIGKILL it, start it again."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Backend:
    """One ``uvicorn backend.asgi:app`` process on a fixed port, restartable after a kill."""

    def __init__(self, settings: Any, port: int | None = None, **env: str) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "OMO_ENV": "test",
            "OMO_DATABASE_URL": settings.database_url,
            "OMO_SECRET_KEY": settings.secret_key,
            "OMO_VAR_DIR": str(settings.var_dir),
            "OMO_DB_POOL_SIZE": "5",
            "OMO_EVENT_BUS": "postgres",
            "OMO_JOBS_ENABLED": "false",
            "OMO_PUBLIC_BASE_URL": self.url,
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = Path(settings.var_dir) / f"backend-{self.port}.log"

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def start(self) -> None:
        command = [sys.executable, "-m", "uvicorn", "backend.asgi:app", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--log-level", "warning"]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"backend exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"backend did not start:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, open transactions die with their connections."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
