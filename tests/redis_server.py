"""A real Redis for tests: a `redis-server` of the test's own, on a free port, that can be
stopped and started again on the same port to play an outage."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import REQUIRE_SERVICES


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """One `redis-server` process without persistence; `url` stays valid across restarts."""

    def __init__(self, executable: str, workdir: Path, port: int | None = None) -> None:
        self.executable = executable
        self.workdir = workdir
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        return self.workdir / "redis.log"

    def start(self, timeout: float = 10.0) -> None:
        """Start the server and return once it answers PING."""
        if self._process is not None:
            raise RuntimeError("redis-server is already running")
        # cwd: whatever redis-server might write lands in the test's own directory.
        self._process = subprocess.Popen(
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(self.log),
            ],
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not self._answers_ping():
            if self._process.poll() is not None:
                self._process = None
                raise RuntimeError(f"redis-server exited at start:\n{self._log_tail()}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"redis-server did not answer within {timeout} s")
            time.sleep(0.005)  # polling for readiness, not waiting a fixed time

    def stop(self) -> None:
        """Shut the server down (SIGTERM), closing every client connection."""
        process, self._process = self._process, None
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def kill(self) -> None:
        """End the server at once (SIGKILL), as a crash would."""
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait()

    def freeze(self) -> None:
        """Stop the process (SIGSTOP): connections stay open but nothing answers."""
        assert self._process is not None
        self._process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self._process is not None
        self._process.send_signal(signal.SIGCONT)

    def _answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return "(no log)"


# Named in the decorator so that a test module can import it without shadowing its parameter.
@pytest.fixture(name="redis_server")
def redis_server_fixture(tmp_path: Path) -> Iterator[RedisServer]:
    """A fresh `redis-server` of this test's own, killed by its pid afterwards."""
    executable = shutil.which("redis-server")
    if executable is None:
        if REQUIRE_SERVICES:
            pytest.fail("redis-server not installed")
        pytest.skip("redis-server not installed")
    server = RedisServer(executable, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()  # SIGKILL also ends a frozen (SIGSTOPped) server
