"""Run ``flagging serve`` in a child process on 127.0.0.1 (tests, the load script, demos).

The child is a real uvicorn server on a free port with its own SQLite file;
:meth:`LocalServer.stop` sends SIGTERM and waits, so a test can restart the
server on the same database and check that nothing was lost.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalServer:
    def __init__(self, db_path: str | Path, *, model: str = "rules", port: int | None = None,
                 extra_args: list[str] | None = None, log_path: str | Path | None = None,
                 startup_timeout: float = 300.0):
        self.db_path = Path(db_path)
        self.db_url = f"sqlite:///{self.db_path}"
        self.model, self.extra_args = model, list(extra_args or [])
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_path) if log_path else self.db_path.with_suffix(".log")
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None

    def create_key(self, role: str, name: str | None = None) -> str:
        """A new key of ``role`` in this server's database (works with the server up or down)."""
        out = subprocess.run([sys.executable, "-m", "flagging.cli.main", "keys", "create", "--db", self.db_url,
                              "--role", role, "--name", name or role, "--json"],
                             capture_output=True, text=True, check=True)
        return json.loads(out.stdout)["key"]

    def start(self) -> LocalServer:
        cmd = [sys.executable, "-m", "flagging.cli.main", "serve", "--db", self.db_url, "--port", str(self.port),
               "--model", self.model, *self.extra_args]
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ))
        log.close()
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; log: {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                    if json.loads(r.read()).get("status") == "ok":
                        return self
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise TimeoutError(f"server did not become healthy in {self.startup_timeout:.0f} s; log: {self.log_path}")

    def stop(self, timeout: float = 30.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
