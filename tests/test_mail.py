"""Outgoing mail: a real SMTP server, the outbox folder, URL parsing and the activation text."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from gateway.mail.mailer import (
    Mail,
    MailError,
    OutboxMailer,
    SmtpMailer,
    mailer_from_url,
    read_outbox,
)
from gateway.mail.templates import activation_mail, dutch_datetime
from tests import smtp
from tests.smtp import SmtpServer, free_port

# Makes the fixture visible to this module; harmless once conftest.py imports it as well.
smtp_server = smtp.smtp_server

SENDER = "Ouderportaal <noreply@ouderportaal.nl>"
NOW = datetime(2026, 11, 28, 8, 30, tzinfo=UTC)
WELCOME = Mail(
    to="Sanne de Vries <sanne@example.nl>",
    subject="Welkom bij één groep",
    text="Hoi Sanne,\n\nWe zien Noëlle graag één keer extra op de crèche.\n",
)


def frozen() -> datetime:
    return NOW


def body(message: EmailMessage, kind: str = "plain") -> str:
    part = message.get_body(preferencelist=(kind,))
    assert isinstance(part, EmailMessage)
    content: str = part.get_content()
    return content.replace("\r\n", "\n")  # the wire form ends lines in CRLF


# SMTP


async def test_smtp_mailer_delivers_headers_and_utf8_body(smtp_server: SmtpServer) -> None:
    mailer = mailer_from_url(smtp_server.url, SENDER, clock=frozen)

    await mailer.send(WELCOME)

    [message] = await smtp_server.wait_for(1)
    assert message["From"] == SENDER
    assert message["To"] == "Sanne de Vries <sanne@example.nl>"
    assert message["Subject"] == "Welkom bij één groep"
    assert message["Date"].datetime == NOW
    assert message["Message-ID"].endswith("@ouderportaal.nl>")
    assert message.get_content_type() == "text/plain"
    assert body(message) == WELCOME.text


async def test_smtp_mailer_sends_html_as_an_alternative(smtp_server: SmtpServer) -> None:
    mailer = mailer_from_url(smtp_server.url, SENDER)

    await mailer.send(Mail(to="sanne@example.nl", subject="Hoi", text="één", html="<p>één</p>"))

    [message] = await smtp_server.wait_for(1)
    assert message.get_content_type() == "multipart/alternative"
    assert body(message) == "één\n"
    assert body(message, "html") == "<p>één</p>\n"


async def test_outbox_file_holds_the_bytes_smtp_delivers(
    smtp_server: SmtpServer, tmp_path: Path
) -> None:
    await mailer_from_url(smtp_server.url, SENDER, clock=frozen).send(WELCOME)
    await OutboxMailer(tmp_path, sender=SENDER, clock=frozen).send(WELCOME)

    [delivered] = await smtp_server.wait_for(1)
    [written] = read_outbox(tmp_path)
    # Only the Message-ID is meant to differ between two sends of the same mail.
    expected = smtp_server.raw[0].replace(
        delivered["Message-ID"].encode(), _message_id(written.path).encode()
    )
    assert written.path.read_bytes().rstrip(b"\r\n") == expected.rstrip(b"\r\n")


async def test_smtp_to_a_closed_port_raises_mail_error_quickly() -> None:
    port = free_port()
    mailer = mailer_from_url(f"smtp://mailer:geheim@127.0.0.1:{port}", SENDER)

    started = time.monotonic()
    with pytest.raises(MailError) as caught:
        await mailer.send(WELCOME)

    assert time.monotonic() - started < 2
    reason = str(caught.value)
    assert reason.startswith(f"could not send mail via 127.0.0.1:{port}: ")
    assert "\n" not in reason
    assert "geheim" not in reason


async def test_starttls_is_required_not_opportunistic(smtp_server: SmtpServer) -> None:
    # The test server offers no STARTTLS: sending must fail rather than fall back to plain text.
    mailer = mailer_from_url(f"{smtp_server.url}?starttls=1", SENDER)

    with pytest.raises(MailError, match="STARTTLS"):
        await mailer.send(WELCOME)

    assert smtp_server.messages == []


async def test_header_injection_is_refused_before_sending(smtp_server: SmtpServer) -> None:
    mailer = mailer_from_url(smtp_server.url, SENDER)

    with pytest.raises(ValueError, match="linefeed"):
        await mailer.send(
            Mail(to="sanne@example.nl\r\nBcc: spy@example.com", subject="x", text="x")
        )

    assert smtp_server.messages == []


# Outbox


async def test_outbox_writes_eml_files_that_read_back_oldest_first(tmp_path: Path) -> None:
    folder = tmp_path / "var" / "outbox"  # does not exist yet
    times = iter([NOW, NOW + timedelta(seconds=1)])
    mailer = mailer_from_url(f"outbox://{folder}", SENDER, clock=lambda: next(times))

    await mailer.send(WELCOME)
    await mailer.send(Mail(to="bram@example.nl", subject="Tweede", text="Daarna.\n"))

    first, second = read_outbox(folder)
    assert (first.to, first.subject, first.text) == (WELCOME.to, WELCOME.subject, WELCOME.text)
    assert first.sent_at == NOW
    assert (second.to, second.subject, second.text) == ("bram@example.nl", "Tweede", "Daarna.\n")
    assert second.sent_at == NOW + timedelta(seconds=1)
    assert [p.suffix for p in folder.iterdir()] == [".eml", ".eml"]  # no temporary files left


async def test_outbox_keeps_send_order_when_the_clock_stands_still(tmp_path: Path) -> None:
    mailer = OutboxMailer(tmp_path, sender=SENDER, clock=frozen)

    for n in range(20):
        await mailer.send(Mail(to="sanne@example.nl", subject=f"Mail {n}", text="x"))

    assert [entry.subject for entry in read_outbox(tmp_path)] == [f"Mail {n}" for n in range(20)]


def test_read_outbox_of_a_missing_folder_is_empty(tmp_path: Path) -> None:
    assert read_outbox(tmp_path / "nothing-sent-yet") == []


# Choosing a mailer by URL


def test_outbox_url_gives_an_outbox_mailer() -> None:
    relative = mailer_from_url("outbox://var/outbox", SENDER)
    absolute = mailer_from_url("outbox:///srv/mail/outbox", SENDER)

    assert isinstance(relative, OutboxMailer)
    assert relative.folder == Path("var/outbox")
    assert isinstance(absolute, OutboxMailer)
    assert absolute.folder == Path("/srv/mail/outbox")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.nl", ("mail.example.nl", 25, "plain", None, None)),
        ("smtp://mail.example.nl:2525/", ("mail.example.nl", 2525, "plain", None, None)),
        ("smtp://mail.example.nl?starttls=1", ("mail.example.nl", 587, "starttls", None, None)),
        ("smtp://mail.example.nl:25?starttls=0", ("mail.example.nl", 25, "plain", None, None)),
        (
            "smtp://app%40kdv.nl:p%40ss%3Aword@mail.example.nl:587?starttls=true",
            ("mail.example.nl", 587, "starttls", "app@kdv.nl", "p@ss:word"),
        ),
        ("smtps://u:pw@Mail.Example.NL", ("mail.example.nl", 465, "tls", "u", "pw")),
    ],
)
def test_smtp_urls_give_an_smtp_mailer(
    url: str, expected: tuple[str, int, str, str | None, str | None]
) -> None:
    mailer = mailer_from_url(url, SENDER)

    assert isinstance(mailer, SmtpMailer)
    assert (mailer.host, mailer.port, mailer.security, mailer.username, mailer.password) == expected
    assert mailer.sender == SENDER


def test_smtp_mailer_repr_hides_the_password() -> None:
    mailer = mailer_from_url("smtps://u:geheim@mail.example.nl", SENDER)

    assert "geheim" not in repr(mailer)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://mail.example.nl", "unknown mail URL scheme 'ftp'"),
        ("redis://localhost", "unknown mail URL scheme 'redis'"),
        ("var/outbox", "mail URL must look like"),
        ("outbox://", "outbox:// needs a folder"),
        ("smtp://", "smtp:// needs a host"),
        ("smtp://mail.example.nl/inbox", "takes no path"),
        ("smtp://mail.example.nl:smtp", "port is not a number"),
        ("smtp://u@mail.example.nl", "no password"),
        ("smtp://u:geheim@mail.example.nl?tls=1", "unknown mail URL parameter"),
        ("smtp://mail.example.nl?starttls=maybe", "starttls must be 1 or 0"),
        ("smtps://u:geheim@mail.example.nl?starttls=1", "does not apply to smtps"),
    ],
)
def test_unusable_urls_are_rejected_without_echoing_them(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        mailer_from_url(url, SENDER)

    assert "geheim" not in str(caught.value)


# Templates

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_activation_mail_is_dutch_first_with_link_and_expiry() -> None:
    link = "https://ouders.example.nl/activate?token=act_abc&x=1"

    mail = activation_mail(
        to="sanne@example.nl",
        guardian_name="Sanne",
        organisation_name="Kinderopvang 't Bolletje",
        link=link,
        expires_at=datetime(2026, 12, 12, 9, 0, tzinfo=AMSTERDAM),
    )

    assert mail.to == "sanne@example.nl"
    assert mail.subject == "Activeer je account voor de ouderapp van Kinderopvang 't Bolletje"
    assert mail.text.startswith("Hoi Sanne,\n\n")
    assert f"\n\n{link}\n\n" in mail.text
    assert "geldig tot 12 december 2026 om 09:00" in mail.text
    assert "niet verwacht? Dan kun je hem negeren" in mail.text
    assert "In English:" in mail.text
    assert "valid until 12 December 2026, 09:00" in mail.text
    assert mail.html is not None
    assert '<a href="https://ouders.example.nl/activate?token=act_abc&amp;x=1">' in mail.html
    assert "Kinderopvang &#x27;t Bolletje" in mail.html


def test_activation_mail_escapes_names_in_html() -> None:
    mail = activation_mail(
        to="sanne@example.nl",
        guardian_name="<script>",
        organisation_name="Kids & Co",
        link="https://ouders.example.nl/activate?token=t",
        expires_at=datetime(2026, 12, 12, 9, 0, tzinfo=AMSTERDAM),
    )

    assert mail.html is not None
    assert "<script>" not in mail.html
    assert "Hoi &lt;script&gt;," in mail.html
    assert "Kids &amp; Co" in mail.html
    assert "Kids & Co" in mail.text


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2027, 1, 1, 0, 5, tzinfo=AMSTERDAM), "1 januari 2027 om 00:05"),
        (datetime(2026, 3, 29, 14, 30, tzinfo=AMSTERDAM), "29 maart 2026 om 14:30"),
        (datetime(2026, 5, 9, 23, 59, tzinfo=AMSTERDAM), "9 mei 2026 om 23:59"),
    ],
)
def test_dutch_dates_need_no_locale(moment: datetime, expected: str) -> None:
    assert dutch_datetime(moment) == expected


async def test_activation_mail_survives_the_outbox_round_trip(tmp_path: Path) -> None:
    mail = activation_mail(
        to="sanne@example.nl",
        guardian_name="Noëlle",
        organisation_name="Crèche Één",
        link="https://ouders.example.nl/activate?token=t",
        expires_at=datetime(2026, 12, 12, 9, 0, tzinfo=AMSTERDAM),
    )

    await OutboxMailer(tmp_path, sender=SENDER).send(mail)

    [entry] = read_outbox(tmp_path)
    assert entry.subject == "Activeer je account voor de ouderapp van Crèche Één"
    assert entry.text == mail.text
    assert "één keer" in entry.text


def _message_id(path: Path) -> str:
    for line in path.read_text().splitlines():
        if line.lower().startswith("message-id:"):
            return line.partition(":")[2].strip()
    raise AssertionError(f"no Message-ID in {path.name}")
