"""What computing an operation's cost adds to preparing its document, and how fast the alias
attack of issue 14 is refused.

Prints, per document, the time to prepare it (parse, bounds, validation: what every new
document costs already) and the time to compute its cost, with their ratio; then the time to
refuse the attack (1,000 aliased `nodes(ids: $ids)`, 100 ids), which took 10 s to run before.

    .venv/bin/python bench/cost.py [--rounds 200]
"""

from __future__ import annotations

import sys

# bench/http.py would hide the standard library's `http` (see there).
sys.path.append(sys.path.pop(0))

import argparse
import time

from graphql import FragmentDefinitionNode, OperationDefinitionNode

from gateway.cost import operation_cost
from gateway.documents import SIGNED_IN, prepare_uncached
from resolvers.schema import schema

TIMELINES = """{ children(first: 25) { totalCount edges { node { name
  timeline(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
    __typename
    ... on DiaryEntry { id date body isOwn author { name role } group { name } child { name }
      facts { meals { what } sleeps { start end } activities }
      photos { id width height date children { name } } }
    ... on GroupPost { id date body author { name } group { name } photos { id width } }
  } } } } } } }"""
ALIASES = "query($ids: [ID!]!) { %s }" % " ".join(  # noqa: UP031
    f"n{i}: nodes(ids: $ids) {{ ... on Child {{ guardians {{ children {{ id }} }} }} }}"
    for i in range(50)
)
ATTACK = "query($ids: [ID!]!) { %s }" % " ".join(  # noqa: UP031
    f"n{i}: nodes(ids: $ids) {{ id }}" for i in range(1000)
)
VARIABLES = {"ids": ["Q2hpbGQ6MQ=="] * 100}


def per_call(function: object, rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        function()  # type: ignore[operator]
    return (time.perf_counter() - started) / rounds * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    graphql_schema = schema._schema
    print(f"{'document':<12} {'prepare µs':>11} {'cost µs':>9} {'ratio':>7} {'cost':>9}")
    for name, text in (("timelines", TIMELINES), ("50 aliases", ALIASES)):
        prepared = prepare_uncached(graphql_schema, text, SIGNED_IN)
        assert prepared.document is not None
        assert not prepared.errors, prepared.errors
        document = prepared.document
        operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        prepare = per_call(lambda t=text: prepare_uncached(graphql_schema, t, SIGNED_IN), rounds)
        cost = per_call(
            lambda o=operation, f=fragments: operation_cost(graphql_schema, f, o, VARIABLES),
            rounds,
        )
        value = operation_cost(graphql_schema, fragments, operation, VARIABLES)
        print(f"{name:<12} {prepare:>11.0f} {cost:>9.0f} {cost / prepare:>7.2f} {value:>9}")
    refused = prepare_uncached(graphql_schema, ATTACK, SIGNED_IN)
    assert refused.document is None
    attack = per_call(lambda: prepare_uncached(graphql_schema, ATTACK, SIGNED_IN), 20)
    print(f"the attack: refused in {attack / 1000:.1f} ms ({refused.errors[0].message})")


if __name__ == "__main__":
    main()
