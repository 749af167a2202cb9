"""A real S3-protocol server for tests: moto's standalone server, a process of its own on loopback.

moto rather than s3rver (npm): it installs with the test extras from PyPI like everything else
here, speaks enough of S3 for what the gateway uses (PUT, multipart uploads, ranged GET, HEAD,
DELETE), and as a separate process it is reached over real HTTP exactly like a real bucket.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.redis_server import free_port
from tests.support import REQUIRE_SERVICES

BUCKET = "ouderportaal-test"


class S3Server:
    def __init__(self, port: int, process: subprocess.Popen[bytes]) -> None:
        self.port = port
        self.process = process
        self.endpoint = f"http://127.0.0.1:{port}"

    def storage_url(self, prefix: str) -> str:
        """A STORAGE_URL for the test bucket, under a prefix of the test's own."""
        return (
            f"s3://{BUCKET}?endpoint={self.endpoint}&region=us-east-1"
            f"&key=test&secret=test&prefix={prefix}"
        )


def _executable() -> str | None:
    beside = Path(sys.executable).with_name("moto_server")
    return str(beside) if beside.exists() else shutil.which("moto_server")


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            pass
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """moto_server on a free port for the whole run, with the test bucket made."""
    executable = _executable()
    if executable is None:
        if REQUIRE_SERVICES:
            raise RuntimeError("moto_server not found: install the test extras (moto[server])")
        pytest.skip("moto_server not installed (pip install 'moto[server]')")
    port = free_port()
    log = (tmp_path_factory.mktemp("s3") / "moto.log").open("wb")
    process = subprocess.Popen(
        [executable, "-H", "127.0.0.1", "-p", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"moto_server did not start (see {log.name})")
            time.sleep(0.05)  # polling for readiness, not waiting a fixed time
        request = urllib.request.Request(f"http://127.0.0.1:{port}/{BUCKET}", method="PUT")
        urllib.request.urlopen(request, timeout=5).close()  # noqa: S310
        yield S3Server(port, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
