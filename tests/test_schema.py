"""The exported schema is current, and documents every element."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
)

from resolvers.schema import schema

ROOT = Path(__file__).resolve().parent.parent
EXPORT = "ouderportaal export-schema --output schema.graphql"


def test_schema_graphql_is_current() -> None:
    exported = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "export-schema"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout

    assert (ROOT / "schema.graphql").read_text(encoding="utf-8") == exported, (
        f"schema.graphql is stale: run `{EXPORT}`"
    )


def undocumented() -> list[str]:
    missing = []
    for name, kind in schema._schema.type_map.items():
        if name.startswith("__"):
            continue
        if not kind.description:
            missing.append(name)
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({arg})"
                    for arg, a in field.args.items()
                    if not a.description
                ]
        elif isinstance(kind, GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, v in kind.fields.items() if not v.description]
        elif isinstance(kind, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in kind.values.items() if not value.description]
    return missing


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    assert undocumented() == []
