"""The graphql-http audits (the GraphQL-over-HTTP spec's own conformance checks, npm
`graphql-http`, pinned in tests/audit/package.json) against a started gateway: every one ok.

`.ci/run` installs the pinned package (`npm ci --prefix tests/audit`); without node or that
install the test is skipped, with the reason, unless REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gateway.app import create_app
from gateway.settings import Settings
from tests.support import REQUIRE_SERVICES, FrozenClock, RunningServer, run_server

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

HERE = Path(__file__).parent
SCRIPT = HERE / "graphql_http_audit.mjs"
NODE = shutil.which("node")
# The number of audits graphql-http 1.23.1 runs; a new version with more is a deliberate update.
AUDITS = 61


def _missing() -> str | None:
    if NODE is None:
        return "node is not installed (apt-get install nodejs npm)"
    if not (HERE / "node_modules" / "graphql-http").is_dir():
        return "graphql-http is not installed: npm ci --prefix tests/audit"
    return None


@pytest.fixture
async def audited_server(settings: Settings, clock: FrozenClock) -> AsyncIterator[RunningServer]:
    missing = _missing()
    if missing is not None:
        if REQUIRE_SERVICES:
            pytest.fail(missing)
        pytest.skip(missing)
    app = create_app(settings, clock=clock, background_tasks=False)
    async with run_server(app, clock) as running:
        yield running


async def test_every_graphql_http_audit_passes(audited_server: RunningServer) -> None:
    assert NODE is not None
    process = await asyncio.create_subprocess_exec(
        NODE,
        str(SCRIPT),
        audited_server.graphql_url,
        cwd=HERE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, stderr.decode()

    results = json.loads(stdout)
    failed = [r for r in results if r["status"] != "ok"]
    assert failed == [], "\n".join(f"{r['name']}: {r['reason']} ({r['body']})" for r in failed)
    assert len(results) == AUDITS
