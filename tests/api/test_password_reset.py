"""Forgotten password: a mailed link that works once, expires, and ends every session."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from email.message import EmailMessage

import httpx
import pytest

from gateway.app import create_app
from gateway.settings import Settings
from tests.builders import PASSWORD, World
from tests.smtp import SmtpServer
from tests.support import FrozenClock, GraphQLClient, RunningServer, run_server

REQUEST = """
mutation($domain: String!, $email: String!) {
  requestPasswordReset(input: {domain: $domain, email: $email}) {
    accepted errors { code field message }
  }
}
"""
RESET = """
mutation($token: String!, $password: String!) {
  resetPassword(input: {token: $token, password: $password}) {
    token account { email } errors { code field }
  }
}
"""
LOGIN = """
mutation($password: String!) {
  login(input: {domain: "zon.example", email: "anna@example.nl", password: $password}) {
    errors { code }
  }
}
"""
ME = "{ me { email } }"
NEW_PASSWORD = "herfstbladeren 2026"


@pytest.fixture
async def mail_server(
    settings: Settings, smtp_server: SmtpServer, clock: FrozenClock
) -> AsyncIterator[RunningServer]:
    app = create_app(
        settings.model_copy(update={"mail_url": smtp_server.url}),
        clock=clock,
        background_tasks=False,
    )
    async with run_server(app, clock) as running:
        yield running


@pytest.fixture
async def client(mail_server: RunningServer) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(timeout=30) as http:
        yield GraphQLClient(http, mail_server.graphql_url)


def link_token(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    match = re.search(r"https://app\.example/reset-password\?token=(\S+)", body.get_content())
    assert match is not None
    return match.group(1)


async def ask(client: GraphQLClient, email: str = "anna@example.nl") -> dict[str, object]:
    data = await client.data(REQUEST, {"domain": "zon.example", "email": email})
    result: dict[str, object] = data["requestPasswordReset"]
    return result


async def test_the_link_arrives_works_once_and_ends_every_session(
    client: GraphQLClient, world: World, smtp_server: SmtpServer
) -> None:
    assert await ask(client, " Anna@Example.nl ") == {"accepted": True, "errors": []}
    [message] = await smtp_server.wait_for(1)
    assert message["To"] == "anna@example.nl"
    assert message["Subject"] == "Nieuw wachtwoord voor de ouderapp van Zon"
    assert "Hoi Anna," in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    token = link_token(message)

    reset = await client.data(RESET, {"token": token, "password": NEW_PASSWORD})
    again = await client.data(RESET, {"token": token, "password": "nog een ander wachtwoord"})

    assert reset["resetPassword"]["errors"] == []
    assert reset["resetPassword"]["account"] == {"email": "anna@example.nl"}
    assert await client.token_refused(world.token("anna"))
    assert await client.data(ME, token=reset["resetPassword"]["token"]) == {
        "me": {"email": "anna@example.nl"}
    }
    assert again["resetPassword"] == {
        "token": None,
        "account": None,
        "errors": [{"code": "TOKEN_USED", "field": ["input", "token"]}],
    }
    old = await client.data(LOGIN, {"password": PASSWORD})
    new = await client.data(LOGIN, {"password": NEW_PASSWORD})
    assert old["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]
    assert new["login"]["errors"] == []


async def test_unknown_addresses_get_the_identical_answer_and_no_mail(
    client: GraphQLClient, world: World, smtp_server: SmtpServer
) -> None:
    unknown = await ask(client, "nobody@example.nl")
    other_domain = await client.data(
        REQUEST, {"domain": "maan.example", "email": "bram@example.nl"}
    )
    not_activated = await ask(client, "eva@example.nl")
    known = await ask(client, "bram@example.nl")

    assert unknown == other_domain["requestPasswordReset"] == not_activated == known
    [message] = await smtp_server.wait_for(1)
    assert message["To"] == "bram@example.nl"


async def test_the_link_expires(
    client: GraphQLClient, world: World, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    await ask(client)
    token = link_token((await smtp_server.wait_for(1))[0])
    clock.advance(timedelta(hours=1, seconds=1))

    late = await client.data(RESET, {"token": token, "password": NEW_PASSWORD})

    assert late["resetPassword"]["errors"] == [
        {"code": "TOKEN_EXPIRED", "field": ["input", "token"]}
    ]
    assert await client.data(ME, token=world.token("anna")) == {"me": {"email": "anna@example.nl"}}


async def test_a_newer_link_replaces_the_older_one(
    client: GraphQLClient, world: World, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    await ask(client)
    first = link_token((await smtp_server.wait_for(1))[0])
    await ask(client)  # a double tap: no second mail
    clock.advance(timedelta(minutes=2))
    await ask(client)
    second = link_token((await smtp_server.wait_for(2))[1])

    stale = await client.data(RESET, {"token": first, "password": NEW_PASSWORD})
    fresh = await client.data(RESET, {"token": second, "password": NEW_PASSWORD})

    assert len(smtp_server.messages) == 2
    assert stale["resetPassword"]["errors"] == [
        {"code": "TOKEN_INVALID", "field": ["input", "token"]}
    ]
    assert fresh["resetPassword"]["errors"] == []


async def test_requests_are_throttled_alike_for_known_and_unknown_addresses(
    client: GraphQLClient, world: World
) -> None:
    known = [(await ask(client))["errors"] for _ in range(6)]
    unknown = [(await ask(client, "nobody@example.nl"))["errors"] for _ in range(6)]

    assert known[:5] == unknown[:5] == [[]] * 5
    assert (
        known[5]
        == unknown[5]
        == [
            {
                "code": "TOO_MANY_ATTEMPTS",
                "field": ["input", "email"],
                "message": "Too many requests for a new password. Try again later.",
            }
        ]
    )


@pytest.mark.parametrize(
    ("token", "password", "code", "field"),
    [
        ("opr_made-up", NEW_PASSWORD, "TOKEN_INVALID", "token"),
        ("", NEW_PASSWORD, "TOKEN_INVALID", "token"),
        ("x" * 201, NEW_PASSWORD, "TOKEN_INVALID", "token"),
        ("opr_made-up", "kort", "PASSWORD_TOO_WEAK", "password"),
    ],
)
async def test_bad_tokens_and_passwords_are_refused(
    client: GraphQLClient, world: World, token: str, password: str, code: str, field: str
) -> None:
    data = await client.data(RESET, {"token": token, "password": password})

    assert data["resetPassword"]["errors"] == [{"code": code, "field": ["input", field]}]
