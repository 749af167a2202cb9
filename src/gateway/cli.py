"""`ouderportaal`: the one command for running and operating the gateway.

Scripts outside the project call these sub-command names; keep them stable.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from gateway.cli_db import DatabaseUnusable, answers, looked_at, reading
from gateway.settings import Settings, get_settings

T = TypeVar("T")


def _session_scope(settings: Settings):  # type: ignore[no-untyped-def]
    from gateway.db import create_engine, create_sessionmaker

    engine = create_engine(settings.database_url)
    return engine, create_sessionmaker(engine)


async def _migrate(settings: Settings) -> None:
    from gateway.migrate import migrate

    url = settings.database_url
    # A database that does not answer is one line now, not a traceback in a minute.
    await reading(url, lambda: answers(url, migrated=False), must_exist=False)
    await migrate(url)


async def _seed(settings: Settings) -> bool:
    from gateway.clock import system_clock
    from gateway.demo import seed_demo
    from gateway.media import storage_from_url

    engine, sessionmaker = _session_scope(settings)
    storage = storage_from_url(settings.storage_url)
    try:
        async with sessionmaker() as session:
            now = system_clock()
            return await seed_demo(session, now.date(), now, storage)
    finally:
        await storage.close()
        await engine.dispose()


async def _demo_accounts(settings: Settings) -> list[dict[str, object]]:
    from gateway.demo import demo_accounts

    engine, sessionmaker = _session_scope(settings)
    try:
        async with sessionmaker() as session:
            return [asdict(a) for a in await demo_accounts(session)]
    finally:
        await engine.dispose()


def _read(settings: Settings, work: Callable[[Settings], Awaitable[T]]) -> T:
    """Run a command's database work; `DatabaseUnusable` says in one line what is wrong."""
    result = asyncio.run(reading(settings.database_url, lambda: work(settings)))
    looked_at(settings.database_url)
    return result


async def _send_activations(settings: Settings) -> int:
    from gateway.clock import system_clock
    from gateway.mail import mailer_from_url
    from gateway.runtime import Runtime
    from gateway.services.activation import send_due_activations

    engine, sessionmaker = _session_scope(settings)
    mailer = mailer_from_url(settings.mail_url, settings.mail_from)
    runtime = Runtime(settings, engine, sessionmaker, mailer, system_clock)
    try:
        async with sessionmaker() as session:
            return await send_due_activations(session, mailer, system_clock(), runtime.activation)
    finally:
        await engine.dispose()


async def _expire_requests(settings: Settings) -> int:
    from gateway.clock import system_clock
    from gateway.live import NoLivePublisher
    from gateway.services.expiry import expire_due_requests

    engine, sessionmaker = _session_scope(settings)
    try:
        async with sessionmaker() as session:
            # Nothing to push to from here; live subscribers catch up from the events table.
            return await expire_due_requests(session, system_clock(), NoLivePublisher())
    finally:
        await engine.dispose()


def _print_accounts(accounts: list[dict[str, object]], limit: int | None = None) -> None:
    shown = accounts if limit is None else accounts[:limit]
    print(f"{'domain':<22} {'e-mail':<42} {'role':<9} {'name':<22} children")
    for a in shown:
        children = ", ".join(str(c) for c in a["children"])  # type: ignore[attr-defined]
        print(
            f"{a['domain']!s:<22} {a['email']!s:<42} {a['role']!s:<9} {a['name']!s:<22} {children}"
        )
    if limit is not None and len(accounts) > limit:
        print(f"… and {len(accounts) - limit} more: `ouderportaal demo-accounts`")
    if accounts:
        print(f"password for every demo account: {accounts[0]['password']}")


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from gateway.app import create_app, server_options

    if not args.demo:  # --demo migrates, which checks the database itself
        url = settings.database_url
        asyncio.run(reading(url, lambda: answers(url, migrated=True)))
    if args.demo:
        asyncio.run(_migrate(settings))
        seeded = asyncio.run(_seed(settings))
        print("demo data created" if seeded else "demo data present")
        _print_accounts(asyncio.run(_demo_accounts(settings)), limit=8)
    url = f"http://{args.host}:{args.port}/graphql"
    print(f"GraphiQL: {url}" if settings.graphiql_enabled else f"GraphQL endpoint: {url}")
    sys.stdout.flush()
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level=settings.log_level.lower(),
        **server_options(settings),
    )
    return 0


def cmd_migrate(_args: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(_migrate(settings))
    print("database is at the newest schema")
    return 0


def cmd_seed_demo(_args: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(_migrate(settings))
    print("demo data created" if asyncio.run(_seed(settings)) else "demo data present")
    return 0


def cmd_demo_accounts(args: argparse.Namespace, settings: Settings) -> int:
    accounts = _read(settings, _demo_accounts)
    if args.json:
        print(json.dumps(accounts, indent=2, ensure_ascii=False))
    elif not accounts:
        print("no demo accounts there: run `ouderportaal seed-demo` first", file=sys.stderr)
        return 1
    else:
        _print_accounts(accounts)
    return 0


def cmd_export_schema(args: argparse.Namespace, _settings: Settings) -> int:
    from resolvers.schema import schema

    sdl = schema.as_str() + "\n"
    if args.output:
        Path(args.output).write_text(sdl, encoding="utf-8")
    else:
        sys.stdout.write(sdl)
    return 0


def cmd_send_activations(_args: argparse.Namespace, settings: Settings) -> int:
    print(f"sent {_read(settings, _send_activations)} activation mails")
    return 0


async def _prune_events(settings: Settings) -> int:
    from gateway.clock import system_clock
    from gateway.services.event_retention import prune_events

    engine, sessionmaker = _session_scope(settings)
    try:
        async with sessionmaker() as session:
            return await prune_events(session, system_clock(), settings.event_retention)
    finally:
        await engine.dispose()


def cmd_prune_events(_args: argparse.Namespace, settings: Settings) -> int:
    print(f"pruned {_read(settings, _prune_events)} events")
    return 0


async def _prune_logins(settings: Settings) -> int:
    from gateway.clock import system_clock
    from gateway.services.throttle import ThrottlePolicy, prune

    engine, sessionmaker = _session_scope(settings)
    try:
        async with sessionmaker() as session:
            return await prune(session, system_clock(), ThrottlePolicy.of(settings))
    finally:
        await engine.dispose()


def cmd_prune_logins(_args: argparse.Namespace, settings: Settings) -> int:
    print(f"pruned {asyncio.run(_prune_logins(settings))} login throttle rows")
    return 0


def cmd_expire_requests(_args: argparse.Namespace, settings: Settings) -> int:
    print(f"expired {_read(settings, _expire_requests)} requests")
    return 0


def cmd_outbox(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.mail import read_outbox

    hint = "set MAIL_URL=outbox://<folder> to read another"
    if not settings.mail_url.startswith("outbox://"):
        print(f"mail is sent over SMTP (MAIL_URL); there is no outbox; {hint}", file=sys.stderr)
        return 1
    folder = Path(settings.mail_url.removeprefix("outbox://"))
    if not folder.is_dir():
        print(f"no outbox folder at {folder} (nothing was mailed yet?); {hint}", file=sys.stderr)
        return 1
    entries = read_outbox(folder)
    for entry in entries[-args.last :]:
        print(f"--- {entry.sent_at:%Y-%m-%d %H:%M:%S} to {entry.to}: {entry.subject}")
        print(entry.text)
    print(
        f"read the outbox at {folder}: {len(entries)} mails"
        if entries
        else f"the outbox at {folder} is empty",
        end=f"; {hint}\n",
        file=sys.stderr,
    )
    return 0


async def _import_invoices(settings: Settings, domain: str, folder: Path) -> object:
    from gateway.clock import system_clock
    from gateway.media import storage_from_url
    from gateway.services.invoice_import import import_invoices

    engine, sessionmaker = _session_scope(settings)
    storage = storage_from_url(settings.storage_url)
    try:
        async with sessionmaker() as session:
            return await import_invoices(
                session, storage, system_clock(), domain=domain, folder=folder
            )
    finally:
        await storage.close()
        await engine.dispose()


def cmd_import_invoices(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.services.invoice_import import ImportResult

    result = asyncio.run(_import_invoices(settings, args.domain, Path(args.folder)))
    assert isinstance(result, ImportResult)
    if result.errors:
        for error in result.errors:
            print(f"ouderportaal: {error}", file=sys.stderr)
        print("nothing was imported", file=sys.stderr)
        return 1
    print(
        f"imported {result.created} new and {result.updated} updated invoices; "
        f"{result.lines_invoiced} extra days are now invoiced"
    )
    return 0


async def _register_operations(settings: Settings, manifest: object) -> tuple[int, int]:
    from gateway.clock import system_clock
    from gateway.domain.manifests import parse_manifest
    from gateway.services.trusted_documents import register_operations

    operations = parse_manifest(manifest)  # before the database: a bad file touches nothing
    engine, sessionmaker = _session_scope(settings)
    try:
        async with sessionmaker() as session:
            return await register_operations(session, operations, system_clock())
    finally:
        await engine.dispose()


def cmd_register_operations(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.domain.manifests import ManifestError

    try:
        manifest = json.loads(Path(args.manifest).read_text(encoding="utf-8"))
        added, known = _read(settings, lambda s: _register_operations(s, manifest))
    except (OSError, ValueError) as error:  # ManifestError and bad JSON are ValueErrors
        reason = error if isinstance(error, ManifestError | OSError) else f"not JSON ({error})"
        print(f"ouderportaal: {args.manifest}: {reason}", file=sys.stderr)
        print("nothing was registered", file=sys.stderr)
        return 1
    print(f"registered {added} new operations; {known} were registered already")
    return 0


def cmd_vapid_keys(_args: argparse.Namespace, _settings: Settings) -> int:
    from gateway.push import generate_vapid_keys

    keys = generate_vapid_keys()
    print("# Web Push (VAPID) keys; put the first line in the environment or .env.")
    print(f"VAPID_PRIVATE_KEY={keys.private_key}")
    print("# public key (applicationServerKey, also in the schema as webPushPublicKey):")
    print(f"# {keys.public_key}")
    return 0


def _default(name: str) -> str:
    """A setting's variable with its default, for the help texts (durations as in ISO 8601)."""
    value = Settings.model_fields[name].default
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        if seconds % 86_400 == 0:
            value = f"P{seconds // 86_400}D"
        else:
            units = (("H", 3600), ("M", 60), ("S", 1))
            unit, size = next((u, n) for u, n in units if seconds % n == 0)
            value = f"PT{seconds // size}{unit}"
    return f"{name.upper()} (default {value})"


def build_parser() -> argparse.ArgumentParser:
    database = f"Reads {_default('database_url')}."
    parser = argparse.ArgumentParser(
        prog="ouderportaal",
        description="Run and operate the Ouderportaal gateway. "
        "`ouderportaal COMMAND --help` describes a command with its defaults.",
        epilog="Settings come from the environment or a .env file; a bad one stops any command "
        "with one line naming it (exit code 2). See the README.",
    )
    parser.add_argument("--version", action="version", version=f"ouderportaal {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, *details: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=summary,
            description=" ".join((summary[0].upper() + summary[1:] + ".", *details)),
            formatter_class=_HelpFormatter,
        )

    serve = command(
        "serve",
        "run the gateway: GraphQL over HTTP and WebSocket at /graphql",
        f"{database} The database must be migrated (`ouderportaal migrate`, or --demo);",
        "an unreachable or empty one stops the start with one line.",
        f"Also {_default('broadcast_url')}, {_default('environment')}, {_default('log_level')}.",
    )
    serve.add_argument("--demo", action="store_true", help="migrate and seed demo data first")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.set_defaults(run=cmd_serve)
    command(
        "migrate",
        "bring the database to the newest schema",
        f"{database} Creates a SQLite file that is not there yet.",
    ).set_defaults(run=cmd_migrate)
    command(
        "seed-demo",
        "create the demo organisation (migrating first); nothing when it is there",
        database,
    ).set_defaults(run=cmd_seed_demo)
    export = command("export-schema", "print the GraphQL SDL of the API", "Needs no database.")
    export.add_argument("--output", help="write to this file instead of stdout")
    export.set_defaults(run=cmd_export_schema)
    accounts = command(
        "demo-accounts", "list the demo logins, with their shared password", database
    )
    accounts.add_argument("--json", action="store_true", help="machine-readable output")
    accounts.set_defaults(run=cmd_demo_accounts)
    command(
        "send-activations",
        "mail the activation links that are due now (the server does so hourly)",
        f"{database} Mails through {_default('mail_url')}.",
    ).set_defaults(run=cmd_send_activations)
    command(
        "expire-requests",
        "expire pending requests past their expiry moment now (the server does every minute)",
        database,
    ).set_defaults(run=cmd_expire_requests)
    command(
        "prune-events",
        "delete events older than EVENT_RETENTION now (the server does hourly)",
        f"{database} How long events are kept: {_default('event_retention')}.",
    ).set_defaults(run=cmd_prune_events)
    command(
        "prune-logins",
        "delete forgotten login throttle counters and stale known addresses now "
        "(the server does hourly)",
        database,
    ).set_defaults(run=cmd_prune_logins)
    invoices = command(
        "import-invoices",
        "publish invoices from the billing system: a folder with invoices.csv and the PDFs",
        f"{database} All or nothing; the columns are described in gateway/domain/invoice_rows.py;",
        f"the PDFs go to {_default('storage_url')}.",
    )
    invoices.add_argument("folder", help="folder holding invoices.csv and the PDF files")
    invoices.add_argument("--domain", required=True, help="portal domain of the organisation")
    invoices.set_defaults(run=cmd_import_invoices)
    register = command(
        "register-operations",
        "register the operations of a persisted-query manifest for TRUSTED_DOCUMENTS mode",
        f"{database} Reads Apollo's persisted-query manifest JSON or Relay's id-to-text JSON;",
        "ids that are digests are checked against their document. All or nothing; running it",
        "again adds only what is new.",
    )
    register.add_argument("manifest", help="the manifest JSON file")
    register.set_defaults(run=cmd_register_operations)
    command(
        "vapid-keys",
        "make a Web Push (VAPID) key pair",
        "Needs no database; prints VAPID_PRIVATE_KEY for the environment and the public key.",
    ).set_defaults(run=cmd_vapid_keys)
    outbox = command(
        "outbox",
        "show mails written to the outbox folder",
        f"Reads the folder of {_default('mail_url')}.",
    )
    outbox.add_argument("--last", type=int, default=10, help="how many of the newest to show")
    outbox.set_defaults(run=cmd_outbox)
    return parser


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Every option with its default."""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ouderportaal-gateway")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # here, so that a reader that has gone is noticed below
        return code
    except BrokenPipeError:
        # The reader stopped early (`ouderportaal demo-accounts | head -1`): what it read is
        # all it wanted. Nothing more may be written, not even by the interpreter's last flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        return int(args.run(args, settings))
    except DatabaseUnusable as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
