"""The CLI commands that read the database or the outbox name what they read, in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import Database


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("command", ["demo-accounts", "expire-requests", "prune-events"])
def test_a_missing_sqlite_file_is_named_not_created(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "nowhere.db"

    done = run(command, DATABASE_URL=f"sqlite+aiosqlite:///{missing}")

    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        f"no database at sqlite+aiosqlite:///{missing} (run `ouderportaal migrate`, "
        "or set DATABASE_URL to read another)\n"
    )
    assert not missing.exists()


def test_a_database_without_tables_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")

    done = run("demo-accounts", DATABASE_URL=f"sqlite+aiosqlite:///{empty}")

    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"the database at sqlite+aiosqlite:///{empty} has no tables yet (run `ouderportaal "
        "migrate`); set DATABASE_URL to read another\n"
    )


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    done = run(
        "demo-accounts", DATABASE_URL="postgresql+asyncpg://admin:s3cret@127.0.0.1:1/nothing"
    )

    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("the database at postgresql+asyncpg://admin:***@127.0.0.1:1/")
    assert "s3cret" not in done.stderr
    assert "Traceback" not in done.stderr


async def test_an_empty_database_names_itself_and_how_to_read_another(db: Database) -> None:
    done = run("demo-accounts", DATABASE_URL=db.url)

    shown = db.url.split("@")[-1]
    assert done.returncode == 1
    [looked, empty] = done.stderr.splitlines()
    assert looked.startswith("read the database at ")
    assert looked.endswith("; set DATABASE_URL to read another")
    assert shown in looked
    assert empty == "no demo accounts there: run `ouderportaal seed-demo` first"


def test_the_outbox_names_its_folder(tmp_path: Path) -> None:
    missing = run("outbox", MAIL_URL=f"outbox://{tmp_path / 'none'}")
    (tmp_path / "box").mkdir()
    empty = run("outbox", MAIL_URL=f"outbox://{tmp_path / 'box'}")

    assert (missing.returncode, missing.stderr) == (
        1,
        f"no outbox folder at {tmp_path / 'none'} (nothing was mailed yet?); "
        "set MAIL_URL=outbox://<folder> to read another\n",
    )
    assert (empty.returncode, empty.stderr) == (
        0,
        f"the outbox at {tmp_path / 'box'} is empty; "
        "set MAIL_URL=outbox://<folder> to read another\n",
    )
