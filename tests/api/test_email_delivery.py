"""Notification mail at a real SMTP server: at once or in a daily digest; one-click unsubscribe."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage

import httpx
import pytest

from gateway.jobs.email_delivery import MailLinks, collect, send_due
from gateway.mail import mailer_from_url
from tests.builders import World
from tests.news_support import Content
from tests.smtp import SmtpServer
from tests.support import Database, FrozenClock, GraphQLClient, RunningServer

EMAIL_ON = """
mutation($category: NotificationCategory!) {
  updateNotificationSettings(
    input: {settings: [{category: $category, channel: EMAIL, enabled: true}]}
  ) { errors { code } }
}
"""
DIGEST = """
mutation { setEmailFrequency(input: {frequency: DAILY_DIGEST}) { frequency errors { code } } }
"""
PUBLISH = """
mutation($title: String!) {
  publishNews(input: {title: $title, bodyHtml: "<p>Tekst</p>"}) { errors { code } }
}
"""
EMAIL_SETTINGS = "{ notificationSettings { category channel enabled } emailFrequency }"
LINKS = MailLinks(
    public_base_url="https://app.example", api_url="https://api.example", secret="s" * 32
)


@pytest.fixture
async def content(world: World) -> Content:
    content = Content(world)
    await content.grant_editor("sita", None)
    return content


async def deliver(
    db: Database, smtp: SmtpServer, clock: FrozenClock, links: MailLinks = LINKS
) -> dict[str, int]:
    """One round of the worker, as a fresh process would run it."""
    async with db.sessionmaker() as session:
        await collect(session, clock())
        mailer = mailer_from_url(smtp.url, "Ouderportaal <noreply@ouderportaal.nl>")
        return await send_due(session, mailer, links, clock())


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def unsubscribe_link(message: EmailMessage) -> str:
    header = str(message["List-Unsubscribe"])
    assert header.startswith("<")
    assert header.endswith(">")
    return header[1:-1]


async def test_news_by_email_at_once_with_one_click_unsubscribe_headers(
    gql: GraphQLClient,
    world: World,
    content: Content,
    db: Database,
    smtp_server: SmtpServer,
    clock: FrozenClock,
) -> None:
    await deliver(db, smtp_server, clock)  # the worker has been running
    await gql.data(EMAIL_ON, {"category": "NEWS"}, token=world.token("anna"))

    await gql.data(PUBLISH, {"title": "Zomerfeest"}, token=world.token("sita"))
    sent = await deliver(db, smtp_server, clock)
    again = await deliver(db, smtp_server, clock)

    assert sent == {"sent": 1, "failed": 0}
    assert again == {"sent": 0, "failed": 0}
    [message] = await smtp_server.wait_for(1)
    assert message["To"] == "anna@example.nl"  # Bram kept the default: no e-mail for news
    assert message["Subject"] == "Nieuws: Zomerfeest — Zon"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_link(message).startswith("https://api.example/unsubscribe?a=")
    assert "c=news" in unsubscribe_link(message)
    assert "Hoi Anna," in body(message)
    assert "- Nieuws: Zomerfeest (10 maart 2026 om 10:30)" in body(message)


async def test_the_daily_digest_collects_the_day_and_its_link_unsubscribes(
    gql: GraphQLClient,
    server: RunningServer,
    world: World,
    content: Content,
    db: Database,
    smtp_server: SmtpServer,
    clock: FrozenClock,
) -> None:
    # Links to the running gateway, signed with its secret, as its own worker would make them.
    links = MailLinks(
        public_base_url="https://app.example",
        api_url=server.url,
        secret=server.app.state.runtime.settings.secret_key,
    )
    await deliver(db, smtp_server, clock, links)
    token = world.token("anna")
    await gql.data(EMAIL_ON, {"category": "NEWS"}, token=token)
    assert (await gql.data(DIGEST, token=token))["setEmailFrequency"]["frequency"] == "DAILY_DIGEST"

    await gql.data(PUBLISH, {"title": "Ochtend"}, token=world.token("sita"))
    clock.advance(timedelta(hours=3))
    await gql.data(PUBLISH, {"title": "Middag"}, token=world.token("sita"))
    before_six = await deliver(db, smtp_server, clock, links)
    clock.now = datetime.fromisoformat("2026-03-10T18:00:00+01:00")
    at_six = await deliver(db, smtp_server, clock, links)

    assert before_six == {"sent": 0, "failed": 0}
    assert at_six == {"sent": 1, "failed": 0}
    [message] = await smtp_server.wait_for(1)
    assert message["Subject"] == "Je dagoverzicht van Zon: 2 nieuwe meldingen"
    assert "- Nieuws: Ochtend (10:30)\n- Nieuws: Middag (13:30)" in body(message)
    link = unsubscribe_link(message)
    assert "c=all" in link

    async with httpx.AsyncClient(timeout=30) as http:
        shown = await http.get(link)  # a link scanner's fetch changes nothing
        unchanged = await gql.data(EMAIL_SETTINGS, token=token)
        clicked = await http.post(link, data={"List-Unsubscribe": "One-Click"})
        tampered = await http.post(link.replace("a=", "a=9"))

    assert shown.status_code == 200
    assert 'method="post"' in shown.text
    assert {"category": "NEWS", "channel": "EMAIL", "enabled": True} in unchanged[
        "notificationSettings"
    ]
    assert clicked.status_code == 200
    assert tampered.status_code == 404
    after = await gql.data(EMAIL_SETTINGS, token=token)
    emails = [s for s in after["notificationSettings"] if s["channel"] == "EMAIL"]
    assert len(emails) == 4
    assert not any(s["enabled"] for s in emails)
    assert after["emailFrequency"] == "DAILY_DIGEST"
