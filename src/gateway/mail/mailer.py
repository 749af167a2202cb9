"""Outgoing mail behind one small interface, chosen by `MAIL_URL`.

`outbox://<folder>` writes `.eml` files for development and tests; `smtp://[user:pass@]host:port`
(add `?starttls=1` to require STARTTLS) and `smtps://…` (TLS from the first byte) deliver for real.
Both mailers build the message with `build_message`, so an outbox file holds the very bytes an
SMTP server would have received.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import secrets
from dataclasses import KW_ONLY, dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from gateway.clock import Clock, system_clock

SMTP_TIMEOUT_SECONDS = 10.0
Security = Literal["plain", "starttls", "tls"]
_DEFAULT_PORTS: dict[Security, int] = {"plain": 25, "starttls": 587, "tls": 465}
_STAMP_FORMAT = "%Y%m%dT%H%M%S.%fZ"
_TRUE, _FALSE = ("1", "true", "yes"), ("0", "false", "no")


@dataclass(frozen=True, slots=True)
class Mail:
    """One message to one recipient; `text` is always sent, `html` as its alternative."""

    to: str
    subject: str
    text: str
    html: str | None = None
    # Extra header fields, e.g. List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post (RFC 8058).
    headers: tuple[tuple[str, str], ...] = ()


class Mailer(Protocol):
    """Sends one mail or raises `MailError`; callers send only after their transaction commits."""

    async def send(self, mail: Mail) -> None: ...


class MailError(Exception):
    """Delivery failed; the message is one line and never contains credentials."""


def build_message(mail: Mail, sender: str, now: datetime) -> EmailMessage:
    """The RFC 5322 message for `mail`, as both mailers send it."""
    # The SMTP policy (CRLF line ends) is what aiosmtplib flattens with, and quoted-printable
    # keeps the body 7-bit, so é and ë survive servers and viewers that do not speak 8BITMIME.
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(now.astimezone(UTC))
    # An explicit domain: without one, make_msgid asks DNS for this host's name on every mail.
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    for name, value in mail.headers:
        message[name] = value
    message.set_content(mail.text, charset="utf-8", cte="quoted-printable")
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message


@dataclass(frozen=True, slots=True)
class SmtpMailer:
    """Delivers through an SMTP server, one connection per mail.

    `timeout` bounds each step (connect, every command), not the whole delivery.
    """

    host: str
    port: int
    _: KW_ONLY
    sender: str
    security: Security = "plain"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = SMTP_TIMEOUT_SECONDS
    clock: Clock = field(default=system_clock, repr=False)

    async def send(self, mail: Mail) -> None:
        message = build_message(mail, self.sender, self.clock())
        try:
            await aiosmtplib.send(
                message,
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self.password,
                use_tls=self.security == "tls",
                # Never aiosmtplib's default None ("upgrade if offered"): with starttls=1, a
                # server that stops offering STARTTLS must fail, not receive the password in clear.
                start_tls=self.security == "starttls",
                timeout=self.timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise MailError(
                f"could not send mail via {self.host}:{self.port}: {_reason(exc)}"
            ) from exc


class OutboxMailer:
    """Writes each mail as an `.eml` file, for development and tests; nothing leaves the machine.

    File names start with the UTC send time, so sorting them by name sorts them by time.
    """

    def __init__(self, folder: Path, *, sender: str, clock: Clock = system_clock) -> None:
        self.folder = folder
        self.sender = sender
        self._clock = clock
        self._last_stamp: datetime | None = None

    def __repr__(self) -> str:
        return f"OutboxMailer({str(self.folder)!r})"

    async def send(self, mail: Mail) -> None:
        now = self._clock()
        # A frozen test clock gives every mail the same time; nudging the stamp keeps the files
        # in send order, which the random suffix alone would not.
        stamp = now.astimezone(UTC)
        if self._last_stamp is not None and stamp <= self._last_stamp:
            stamp = self._last_stamp + timedelta(microseconds=1)
        self._last_stamp = stamp
        name = f"{stamp.strftime(_STAMP_FORMAT)}-{secrets.token_hex(4)}.eml"
        data = bytes(build_message(mail, self.sender, now))
        await asyncio.to_thread(self._write, name, data)

    def _write(self, name: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        # Readers skip dot-files, so they never see a half-written mail.
        tmp = self.folder / f".{name}.tmp"
        with tmp.open("xb") as file:
            file.write(data)
        os.replace(tmp, self.folder / name)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    path: Path
    sent_at: datetime  # from the Date header, so to the second
    to: str
    subject: str
    text: str


def read_outbox(folder: Path) -> list[OutboxEntry]:
    """The mails an `OutboxMailer` wrote to `folder`, oldest first; none if it does not exist."""
    if not folder.is_dir():
        return []
    entries = []
    for path in sorted(folder.glob("[!.]*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        body = message.get_body(preferencelist=("plain",))
        # On disk, as on the wire, lines end in CRLF; give back the text as it was passed in.
        text = body.get_content().replace("\r\n", "\n") if isinstance(body, EmailMessage) else ""
        entries.append(
            OutboxEntry(
                path=path,
                sent_at=parsedate_to_datetime(str(message["Date"])),
                to=str(message["To"]),
                subject=str(message["Subject"]),
                text=text,
            )
        )
    return entries


def mailer_from_url(url: str, sender: str, *, clock: Clock = system_clock) -> Mailer:
    """The mailer for `MAIL_URL`; raises ValueError (never echoing the URL) when it is unusable."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError("mail URL must look like outbox://<folder>, smtp://… or smtps://…")
    if scheme == "outbox":
        if not rest:
            raise ValueError("outbox:// needs a folder, e.g. outbox://var/outbox")
        return OutboxMailer(Path(rest), sender=sender, clock=clock)
    if scheme in ("smtp", "smtps"):
        return _smtp_from_url(url, sender, clock)
    raise ValueError(f"unknown mail URL scheme {scheme!r}: use outbox://, smtp:// or smtps://")


def _smtp_from_url(url: str, sender: str, clock: Clock) -> SmtpMailer:
    # Error messages name the part that is wrong but never repeat the URL: it may hold a password.
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"{parts.scheme}:// needs a host, e.g. {parts.scheme}://mail.example.nl")
    if parts.path not in ("", "/") or parts.fragment:
        raise ValueError(f"{parts.scheme}:// takes no path: {parts.scheme}://host:port")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the mail URL's port is not a number from 0 to 65535") from None
    if parts.username is not None and parts.password is None:
        raise ValueError("the mail URL has a user name but no password: use user:password@host")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - {"starttls"})
    if unknown:
        raise ValueError(f"unknown mail URL parameter(s): {', '.join(unknown)}")
    security: Security = "tls" if parts.scheme == "smtps" else "plain"
    if "starttls" in query:
        if security == "tls":
            raise ValueError("starttls does not apply to smtps://, which is TLS from the start")
        security = "starttls" if _flag(query["starttls"]) else "plain"
    return SmtpMailer(
        parts.hostname,
        port if port is not None else _DEFAULT_PORTS[security],
        sender=sender,
        security=security,
        username=unquote(parts.username) if parts.username is not None else None,
        password=unquote(parts.password) if parts.password is not None else None,
        clock=clock,
    )


def _flag(values: list[str]) -> bool:
    value = values[-1].lower()
    if value not in _TRUE + _FALSE:
        raise ValueError("starttls must be 1 or 0")
    return value in _TRUE


def _reason(exc: Exception) -> str:
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        text = f"{exc.code} {exc.message}"
    elif isinstance(exc, aiosmtplib.SMTPException):
        text = exc.message
    else:
        text = str(exc)
    text = " ".join(text.split())  # server replies can span lines; a log line should not
    return text or type(exc).__name__
