"""`ouderportaal`: the one command for running and operating the gateway.

Scripts outside the project call these sub-command names; keep them stable.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TypeVar

from gateway.cli_db import DatabaseUnusable, looked_at, reading
from gateway.settings import Settings, get_settings

T = TypeVar("T")


def _session_scope(settings: Settings):  # type: ignore[no-untyped-def]
    from gateway.db import create_engine, create_sessionmaker

    engine = create_engine(settings.database_url)
    return engine, create_sessionmaker(engine)


async def _migrate(settings: Settings) -> None:
    from gateway.migrate import migrate

    await migrate(settings.database_url)


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


def cmd_vapid_keys(_args: argparse.Namespace, _settings: Settings) -> int:
    from gateway.push import generate_vapid_keys

    keys = generate_vapid_keys()
    print("# Web Push (VAPID) keys; put the first line in the environment or .env.")
    print(f"VAPID_PRIVATE_KEY={keys.private_key}")
    print("# public key (applicationServerKey, also in the schema as webPushPublicKey):")
    print(f"# {keys.public_key}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ouderportaal", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the gateway")
    serve.add_argument("--demo", action="store_true", help="migrate and seed demo data first")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=cmd_serve)
    sub.add_parser("migrate", help="bring the database to the newest schema").set_defaults(
        run=cmd_migrate
    )
    sub.add_parser("seed-demo", help="create the demo organisation").set_defaults(run=cmd_seed_demo)
    export = sub.add_parser("export-schema", help="print the GraphQL SDL")
    export.add_argument("--output", help="write to this file instead of stdout")
    export.set_defaults(run=cmd_export_schema)
    accounts = sub.add_parser("demo-accounts", help="list the demo logins")
    accounts.add_argument("--json", action="store_true", help="machine-readable output")
    accounts.set_defaults(run=cmd_demo_accounts)
    sub.add_parser("send-activations", help="mail due activation links now").set_defaults(
        run=cmd_send_activations
    )
    sub.add_parser(
        "expire-requests", help="expire pending requests past their expiry moment now"
    ).set_defaults(run=cmd_expire_requests)
    sub.add_parser(
        "prune-events", help="delete events older than EVENT_RETENTION (the server does hourly)"
    ).set_defaults(run=cmd_prune_events)
    sub.add_parser(
        "prune-logins",
        help="delete forgotten login throttle counters and stale known addresses "
        "(the server does hourly)",
    ).set_defaults(run=cmd_prune_logins)
    invoices = sub.add_parser(
        "import-invoices",
        help="publish invoices from the billing system: a folder with invoices.csv and PDFs "
        "(columns: see gateway/domain/invoice_rows.py)",
    )
    invoices.add_argument("folder", help="folder holding invoices.csv and the PDF files")
    invoices.add_argument("--domain", required=True, help="portal domain of the organisation")
    invoices.set_defaults(run=cmd_import_invoices)
    sub.add_parser("vapid-keys", help="make a Web Push (VAPID) key pair").set_defaults(
        run=cmd_vapid_keys
    )
    outbox = sub.add_parser("outbox", help="show mails written to the outbox folder")
    outbox.add_argument("--last", type=int, default=10, help="how many of the newest to show")
    outbox.set_defaults(run=cmd_outbox)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
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
