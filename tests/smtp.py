"""A real SMTP server for tests: aiosmtpd in its own thread, keeping every mail it receives."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class SmtpServer:
    """What a test sees of the server: where it listens and what it has received so far."""

    url: str
    messages: list[EmailMessage] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[EmailMessage]:  # noqa: ASYNC109
        """The first `count` messages, once they have arrived."""
        try:
            async with asyncio.timeout(timeout):
                # Polling, not an asyncio.Event: messages arrive on aiosmtpd's thread and loop.
                while len(self.messages) < count:  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
        except TimeoutError:
            raise AssertionError(
                f"expected {count} mail(s) within {timeout} s, got {len(self.messages)}"
            ) from None
        return self.messages[:count]

    # aiosmtpd calls this on its own thread; list.append is atomic, so no lock is needed.
    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        assert isinstance(content, bytes)  # decode_data is off, so aiosmtpd keeps bytes
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.raw.append(content)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    port = free_port()
    server = SmtpServer(url=f"smtp://127.0.0.1:{port}")
    # server_hostname: without it aiosmtpd asks DNS for this machine's name on every start.
    controller = Controller(server, hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
