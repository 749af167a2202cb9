"""GraphiQL served whole from the gateway: the page and its pinned assets, no CDN.

The assets (React, ReactDOM, GraphiQL with the graphql-ws client it bundles) are files of this
package, refreshed from the npm registry by `tools/refresh_graphiql_assets.py`, which also
writes their sha384 into `graphiql_assets/manifest.json`. The page loads them with `integrity`
attributes, under a Content-Security-Policy that allows nothing from elsewhere, so it works on a
network without internet and cannot be made to run another script.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import html
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

ASSETS = Path(__file__).parent / "graphiql_assets"
ASSET_PATH = "/graphiql"

WELCOME = """\
# Ouderportaal GraphQL API
#
# 1. Log in: run this mutation (Ctrl-Enter or the play button). Its variables are below.
# 2. Put the token into the Headers tab: {"Authorization": "Bearer op_…"}
# 3. Open a new tab and ask, e.g. { me { email } children(first: 10) { edges { node { name } } } }
#    The Docs button lists every type and field.
mutation Login($domain: String!, $email: String!, $password: String!) {
  login(input: {domain: $domain, email: $email, password: $password}) {
    token
    expiresAt
    errors { code message field }
  }
}
"""

# The demo organisation's first parent (`ouderportaal demo-accounts` lists every login).
DEMO_LOGIN = {
    "domain": "demo.ouderportaal.nl",
    "email": "sanne.dejong0@example.nl",
    "password": "ouderportaal-demo",
}
EMPTY_LOGIN = {"domain": "", "email": "", "password": ""}

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Ouderportaal GraphiQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{css}" integrity="{css_integrity}">
<style nonce="{nonce}">body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script id="settings" type="application/json">{settings}</script>
{scripts}
<script nonce="{nonce}">
const settings = JSON.parse(document.getElementById("settings").textContent);
const url = new URL(window.location.href.split("?")[0]);
const socketUrl = new URL(url);
socketUrl.protocol = url.protocol === "https:" ? "wss:" : "ws:";
// Headers from the Headers tab travel in `connection_init` too: the same token serves both.
const fetcher = GraphiQL.createFetcher({{
  url: url.toString(),
  subscriptionUrl: socketUrl.toString(),
}});
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {{
    fetcher,
    query: settings.query,
    variables: settings.variables,
    defaultEditorToolsVisibility: true,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
    inputValueDeprecation: true,
  }}),
);
</script>
</body>
</html>
"""


@dataclass
class Asset:
    file: str
    integrity: str
    media_type: str
    body: bytes
    etag: str

    @functools.cached_property
    def gzipped(self) -> bytes:
        # On first use, not at start-up: every test server and process would pay for it.
        return gzip.compress(self.body, compresslevel=9, mtime=0)


def _load_assets() -> dict[str, Asset]:
    manifest = json.loads((ASSETS / "manifest.json").read_text())
    assets = {}
    for entry in manifest:
        body = (ASSETS / entry["file"]).read_bytes()
        media_type = "text/css" if entry["file"].endswith(".css") else "text/javascript"
        assets[entry["file"]] = Asset(
            file=entry["file"],
            integrity=entry["integrity"],
            media_type=f"{media_type}; charset=utf-8",
            body=body,
            etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"',
        )
    return assets


class GraphiQL:
    """The GraphiQL page (with a login mutation as its first tab) and the files it loads."""

    def __init__(self, *, demo_login: bool) -> None:
        self._assets = _load_assets()
        self._variables = json.dumps(DEMO_LOGIN if demo_login else EMPTY_LOGIN, indent=2)

    def page(self) -> Response:
        nonce = secrets.token_urlsafe(16)
        css = [a for a in self._assets.values() if a.file.endswith(".css")]
        # In manifest order (React, ReactDOM, GraphiQL): the UMD builds find each other as globals.
        scripts = [a for a in self._assets.values() if a.file.endswith(".js")]
        settings = json.dumps({"query": WELCOME, "variables": self._variables})
        body = _PAGE.format(
            nonce=nonce,
            css=f"{ASSET_PATH}/{css[0].file}",
            css_integrity=css[0].integrity,
            scripts="\n".join(
                f'<script src="{ASSET_PATH}/{html.escape(a.file)}" integrity="{a.integrity}">'
                "</script>"
                for a in scripts
            ),
            # `</` never ends the settings block early, whatever the text holds.
            settings=settings.replace("</", "<\\/"),
        )
        return HTMLResponse(
            body,
            headers={
                "Content-Security-Policy": (
                    "default-src 'none'; "
                    f"script-src 'self' 'nonce-{nonce}'; "
                    # GraphiQL's editors set style attributes at run time.
                    "style-src 'self' 'unsafe-inline'; "
                    "img-src 'self' data:; font-src 'self' data:; "
                    "connect-src 'self' ws: wss:; "
                    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
                ),
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            },
        )

    async def asset(self, request: Request) -> Response:
        """One pinned file: versioned names, so cacheable for ever; gzipped when accepted."""
        asset = self._assets.get(request.path_params["name"])
        if asset is None:
            return Response("Not found", status_code=404, media_type="text/plain")
        headers = {
            "Cache-Control": "public, max-age=31536000, immutable",
            "ETag": asset.etag,
            "Vary": "Accept-Encoding",
            "X-Content-Type-Options": "nosniff",
        }
        if request.headers.get("if-none-match") == asset.etag:
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(asset.gzipped, media_type=asset.media_type, headers=headers)
        return Response(asset.body, media_type=asset.media_type, headers=headers)
