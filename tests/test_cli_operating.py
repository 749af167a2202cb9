"""Operating the gateway from a shell: the console script as operators run it, in a folder of its
own. One line and a non-zero exit code for an unreachable database or a bad setting, never a
traceback; `--version`; every command's `--help` describes it with its defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

OUDERPORTAAL = str(Path(sys.executable).with_name("ouderportaal"))  # the console script
UNREACHABLE = "postgresql+asyncpg://admin:s3cret@127.0.0.1:1/ouderportaal"
COMMANDS = [
    "serve",
    "migrate",
    "seed-demo",
    "export-schema",
    "demo-accounts",
    "send-activations",
    "expire-requests",
    "prune-events",
    "outbox",
]


def run(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("ENVIRONMENT", "SECRET_KEY")}
    return subprocess.run(
        [OUDERPORTAAL, *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_version(tmp_path: Path) -> None:
    done = run(tmp_path, "--version")

    expected = f"ouderportaal {version('ouderportaal-gateway')}\n"
    assert (done.returncode, done.stdout) == (0, expected)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_describes_itself(tmp_path: Path, command: str) -> None:
    listed = run(tmp_path, "--help").stdout
    done = run(tmp_path, command, "--help")

    assert done.returncode == 0
    usage, description, options = done.stdout.split("\n\n")
    description, options = " ".join(description.split()), " ".join(options.split())
    assert usage.startswith(f"usage: ouderportaal {command} [-h]")
    assert len(description) > 30
    assert f"\n    {command}" in listed
    # Every option but --help states its default; the settings read are named with theirs.
    assert options.count(" --") - 1 == options.count("(default: ")
    if command not in ("export-schema", "outbox"):
        assert "DATABASE_URL (default sqlite+aiosqlite:///var/ouderportaal.db)" in description


def test_serve_help_names_host_and_port_defaults(tmp_path: Path) -> None:
    done = run(tmp_path, "serve", "--help")

    assert "address to listen on (default: 127.0.0.1)" in done.stdout
    assert "port to listen on (default: 8000)" in done.stdout
    assert "LOG_LEVEL (default INFO)" in " ".join(done.stdout.split())


@pytest.mark.parametrize("command", ["serve", "migrate", "seed-demo"])
def test_an_unreachable_database_stops_the_command_in_one_line(
    tmp_path: Path, command: str
) -> None:
    done = run(tmp_path, command, DATABASE_URL=UNREACHABLE)

    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "the database at postgresql+asyncpg://admin:***@127.0.0.1:1/ouderportaal cannot be "
        "reached (ConnectionRefusedError); set DATABASE_URL to read another\n"
    )


def test_serve_without_a_migrated_database_says_what_to_run(tmp_path: Path) -> None:
    missing = run(tmp_path, "serve", DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/none.db")
    (tmp_path / "empty.db").write_bytes(b"")
    empty = run(tmp_path, "serve", DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/empty.db")

    assert (missing.returncode, missing.stderr) == (
        1,
        f"no database at sqlite+aiosqlite:///{tmp_path}/none.db (run `ouderportaal migrate`, "
        "or set DATABASE_URL to read another)\n",
    )
    assert not (tmp_path / "none.db").exists()
    assert (empty.returncode, empty.stderr) == (
        1,
        f"the database at sqlite+aiosqlite:///{tmp_path}/empty.db has no tables yet (run "
        "`ouderportaal migrate`); set DATABASE_URL to read another\n",
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("LOG_LEVEL", "loud", "'loud' is no log level: use one of DEBUG, INFO, WARNING, ERROR, "),
        ("ACCESS_TOKEN_TTL", "a month", "'a month' is not a duration: use an ISO 8601 duration "),
        ("LIVE_POLL_INTERVAL", "0", "'0' is zero or negative: use an ISO 8601 duration "),
        ("EVENT_RETENTION", "-P1D", "'-P1D' is zero or negative: use an ISO 8601 duration "),
        ("VIEWER_CACHE_TTL", "-1", "'-1' is not a duration: use an ISO 8601 duration "),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_accepted_forms(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    done = run(tmp_path, "export-schema", **{variable: value})

    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"ouderportaal: invalid setting {variable}: {message}")
    assert done.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("LOG_LEVEL", "debug"),
        ("ACCESS_TOKEN_TTL", "PT15M"),
        ("ACCESS_TOKEN_TTL", "900"),
        ("VIEWER_CACHE_TTL", "0"),  # zero switches the cache off
    ],
)
def test_the_accepted_forms_are_accepted(tmp_path: Path, variable: str, value: str) -> None:
    done = run(tmp_path, "export-schema", "--output", "schema.graphql", **{variable: value})

    assert (done.returncode, done.stderr) == (0, "")


def test_a_missing_secret_key_in_production_is_named(tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path}/x.db"
    done = run(tmp_path, "migrate", ENVIRONMENT="production", DATABASE_URL=database)

    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("ouderportaal: invalid setting SECRET_KEY: not set; production ")
    assert done.stderr.count("\n") == 1
    assert not (tmp_path / "x.db").exists()


def closed_reader(cwd: Path, *args: str, **env: str) -> tuple[int, str]:
    """Run with a stdout whose reader has gone before anything was written (`| head` that
    finished); the exit code and stderr."""
    with subprocess.Popen(
        [OUDERPORTAAL, *args],
        cwd=cwd,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdout.close()
        stderr = process.stderr.read()
        return process.wait(timeout=60), stderr


def test_a_closed_pipe_is_no_traceback(tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path}/demo.db"
    migrated = run(tmp_path, "migrate", DATABASE_URL=database)

    schema = closed_reader(tmp_path, "export-schema")
    accounts = closed_reader(tmp_path, "demo-accounts", "--json", DATABASE_URL=database)

    assert (migrated.returncode, migrated.stdout) == (0, "database is at the newest schema\n")
    assert schema == (1, "")
    assert accounts[0] == 1
    assert "Traceback" not in accounts[1]
    assert "BrokenPipe" not in accounts[1]
