"""Activation: links mailed ahead of a placement, single use, expiring, sent again on request."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from email.message import EmailMessage

import httpx
import pytest

from gateway.app import create_app
from gateway.mail import mailer_from_url
from gateway.services.activation import ActivationSettings, send_due_activations
from gateway.settings import Settings
from tests.builders import World
from tests.smtp import SmtpServer
from tests.support import Database, FrozenClock, GraphQLClient, RunningServer, run_server

ACTIVATE = """
mutation($input: ActivateAccountInput!) {
  activateAccount(input: $input) { token account { email } errors { code field } }
}
"""
RESEND = """
mutation($input: RequestActivationMailInput!) {
  requestActivationMail(input: $input) { accepted errors { code } }
}
"""
NEW_PASSWORD = "zonnige dagen 2026"


@pytest.fixture
def smtp_settings(settings: Settings, smtp_server: SmtpServer) -> Settings:
    return settings.model_copy(update={"mail_url": smtp_server.url})


@pytest.fixture
async def mail_server(smtp_settings: Settings, clock: FrozenClock) -> AsyncIterator[RunningServer]:
    app = create_app(smtp_settings, clock=clock, background_tasks=False)
    async with run_server(app, clock) as running:
        yield running


@pytest.fixture
async def client(mail_server: RunningServer) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(timeout=30) as http:
        yield GraphQLClient(http, mail_server.graphql_url)


async def send_due(db: Database, settings: Settings, clock: FrozenClock) -> int:
    config = ActivationSettings(
        lead=settings.activation_lead,
        ttl=settings.activation_token_ttl,
        public_base_url=settings.public_base_url,
    )
    async with db.sessionmaker() as session:
        mailer = mailer_from_url(settings.mail_url, settings.mail_from)
        return await send_due_activations(session, mailer, clock(), config)


def link_token(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    match = re.search(r"https://app\.example/activate\?token=(\S+)", body.get_content())
    assert match is not None
    return match.group(1)


async def test_a_guardian_is_mailed_six_weeks_ahead_and_activates(
    client: GraphQLClient,
    world: World,
    db: Database,
    smtp_settings: Settings,
    smtp_server: SmtpServer,
    clock: FrozenClock,
) -> None:
    sent = await send_due(db, smtp_settings, clock)
    [message] = await smtp_server.wait_for(1)

    assert sent == 1  # only Eva: everyone else has a password already
    assert message["To"] == "eva@example.nl"
    token = link_token(message)
    data = await client.data(ACTIVATE, {"input": {"token": token, "password": NEW_PASSWORD}})
    assert data["activateAccount"]["errors"] == []
    assert data["activateAccount"]["account"] == {"email": "eva@example.nl"}
    me = await client.data("{ me { email } }", token=data["activateAccount"]["token"])
    assert me == {"me": {"email": "eva@example.nl"}}
    # a second run mails nobody: Eva is active now
    assert await send_due(db, smtp_settings, clock) == 0


async def test_an_activation_link_works_once(
    client: GraphQLClient,
    world: World,
    db: Database,
    smtp_settings: Settings,
    smtp_server: SmtpServer,
    clock: FrozenClock,
) -> None:
    await send_due(db, smtp_settings, clock)
    token = link_token((await smtp_server.wait_for(1))[0])
    await client.data(ACTIVATE, {"input": {"token": token, "password": NEW_PASSWORD}})

    again = await client.data(
        ACTIVATE, {"input": {"token": token, "password": "een ander wachtwoord"}}
    )

    assert again["activateAccount"] == {
        "token": None,
        "account": None,
        "errors": [{"code": "TOKEN_USED", "field": ["input", "token"]}],
    }


async def test_an_expired_link_is_refused_and_a_new_one_works(
    client: GraphQLClient,
    world: World,
    db: Database,
    smtp_settings: Settings,
    smtp_server: SmtpServer,
    clock: FrozenClock,
) -> None:
    await send_due(db, smtp_settings, clock)
    old = link_token((await smtp_server.wait_for(1))[0])
    clock.advance(timedelta(days=14, seconds=1))

    expired = await client.data(ACTIVATE, {"input": {"token": old, "password": NEW_PASSWORD}})
    resend = await client.data(
        RESEND, {"input": {"domain": "zon.example", "email": "eva@example.nl"}}
    )
    new = link_token((await smtp_server.wait_for(2))[1])
    activated = await client.data(ACTIVATE, {"input": {"token": new, "password": NEW_PASSWORD}})

    assert expired["activateAccount"]["errors"] == [
        {"code": "TOKEN_EXPIRED", "field": ["input", "token"]}
    ]
    assert resend == {"requestActivationMail": {"accepted": True, "errors": []}}
    assert activated["activateAccount"]["errors"] == []


async def test_sending_again_replaces_the_older_link(
    client: GraphQLClient,
    world: World,
    db: Database,
    smtp_settings: Settings,
    smtp_server: SmtpServer,
    clock: FrozenClock,
) -> None:
    await send_due(db, smtp_settings, clock)
    old = link_token((await smtp_server.wait_for(1))[0])
    clock.advance(timedelta(minutes=2))
    await client.data(RESEND, {"input": {"domain": "zon.example", "email": "eva@example.nl"}})
    new = link_token((await smtp_server.wait_for(2))[1])

    replaced = await client.data(ACTIVATE, {"input": {"token": old, "password": NEW_PASSWORD}})

    assert new != old
    assert replaced["activateAccount"]["errors"] == [
        {"code": "TOKEN_INVALID", "field": ["input", "token"]}
    ]


async def test_asking_for_a_link_tells_nothing_about_accounts(
    client: GraphQLClient, world: World, smtp_server: SmtpServer
) -> None:
    answers = [
        await client.data(RESEND, {"input": {"domain": "zon.example", "email": email}})
        for email in ("nobody@example.nl", "anna@example.nl", "eva@example.nl")
    ]

    assert answers[0] == answers[1] == answers[2]
    messages = await smtp_server.wait_for(1)
    assert [m["To"] for m in messages] == ["eva@example.nl"]  # the only one due and not active


@pytest.mark.parametrize(
    ("token", "password", "code", "field"),
    [
        ("", NEW_PASSWORD, "TOKEN_INVALID", "token"),
        ("opa_unknown", NEW_PASSWORD, "TOKEN_INVALID", "token"),
        ("x" * 5000, NEW_PASSWORD, "TOKEN_INVALID", "token"),
        ("opa_unknown", "short", "PASSWORD_TOO_WEAK", "password"),
        ("opa_unknown", "a" * 129, "INVALID_INPUT", "password"),
        ("opa_unknown", "aaaaaaaaaaaa", "PASSWORD_TOO_WEAK", "password"),
    ],
)
async def test_bad_activation_input_changes_nothing(
    gql: GraphQLClient, world: World, db: Database, token: str, password: str, code: str, field: str
) -> None:
    data = await gql.data(ACTIVATE, {"input": {"token": token, "password": password}})

    assert data["activateAccount"]["errors"] == [{"code": code, "field": ["input", field]}]
    assert await db.count("access_tokens") == len(world.people) - 1


async def test_a_weak_password_leaves_the_link_usable(
    client: GraphQLClient,
    world: World,
    db: Database,
    smtp_settings: Settings,
    smtp_server: SmtpServer,
    clock: FrozenClock,
) -> None:
    await send_due(db, smtp_settings, clock)
    token = link_token((await smtp_server.wait_for(1))[0])

    weak = await client.data(ACTIVATE, {"input": {"token": token, "password": "kort"}})
    strong = await client.data(ACTIVATE, {"input": {"token": token, "password": NEW_PASSWORD}})

    assert weak["activateAccount"]["errors"] == [
        {"code": "PASSWORD_TOO_WEAK", "field": ["input", "password"]}
    ]
    assert strong["activateAccount"]["errors"] == []
