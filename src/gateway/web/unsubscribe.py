"""`/unsubscribe`: the link in every notification mail (RFC 8058 one-click, and for people).

POST (what mail clients send for one click, and the button on the page) switches the e-mail
off. GET only shows the button: link scanners and previews fetch links, and a fetch must not
unsubscribe anyone.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse

from gateway.runtime import Runtime
from gateway.services.unsubscribe import unsubscribe, verify

_PAGE = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Afmelden</title></head>
<body>{body}</body></html>
"""


def _page(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(body=body), status_code=status)


async def unsubscribe_endpoint(request: Request) -> HTMLResponse:
    runtime: Runtime = request.app.state.runtime
    query = request.query_params
    found = verify(
        runtime.settings.secret_key, query.get("a", ""), query.get("c", ""), query.get("s", "")
    )
    if found is None:
        return _page("<p>Deze afmeldlink is niet geldig.</p>", status=404)
    account_id, categories = found
    if request.method == "GET":
        action = escape("/unsubscribe?" + urlencode(dict(query.items())))
        return _page(
            "<p>Wil je deze e-mails niet meer ontvangen?</p>"
            f'<form method="post" action="{action}">'
            '<button type="submit" name="List-Unsubscribe" value="One-Click">Afmelden</button>'
            "</form>"
        )
    async with runtime.sessionmaker() as session:
        await unsubscribe(session, account_id, categories, runtime.clock())
    return _page(
        "<p>Je bent afgemeld. Je kunt e-mail weer aanzetten bij de meldingen in de app.</p>"
    )
