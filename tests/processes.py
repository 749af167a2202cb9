"""`ouderportaal serve` in OS processes of their own, for the tests that need real processes."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support import free_port

START_TIMEOUT = 60.0


@dataclass
class ServeProcess:
    process: asyncio.subprocess.Process
    url: str

    async def kill(self) -> None:
        """SIGKILL, as a crash or an OOM killer would: no shutdown code runs."""
        if self.process.returncode is None:
            os.kill(self.process.pid, signal.SIGKILL)
        await self.process.wait()


@asynccontextmanager
async def serve_process(
    env: dict[str, str], log: Path | None = None
) -> AsyncIterator[ServeProcess]:
    """A gateway process with `env` over this one's environment, ready, until the block ends."""
    port = free_port()
    output = await asyncio.to_thread(log.open, "ab")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway.cli", "serve", "--port", str(port),
        env={**os.environ, "ENVIRONMENT": "test", **env}, stdout=output, stderr=output,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as http:
            deadline = asyncio.get_running_loop().time() + START_TIMEOUT
            while True:
                if process.returncode is not None:
                    raise RuntimeError(f"gateway on port {port} exited with {process.returncode}")
                try:
                    if (await http.get(f"{url}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise TimeoutError(f"gateway on port {port} did not start")
                await asyncio.sleep(0.05)
        yield ServeProcess(process, url)
    finally:
        # Stopped by its own pid, whatever happened in the block.
        if process.returncode is None:
            process.terminate()
            await process.wait()
        output.close()
