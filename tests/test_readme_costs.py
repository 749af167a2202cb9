"""Every GraphQL document the README shows is valid and well within the default cost limit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse, validate

from gateway.cost import operation_cost
from gateway.settings import Settings
from resolvers.schema import live_schema, schema

README = Path(__file__).parent.parent / "README.md"
BLOCKS = re.findall(r"```graphql\n(.*?)```", README.read_text(), re.S)


def test_the_readme_shows_documents() -> None:
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("text", BLOCKS)
def test_a_readme_document_costs_far_less_than_the_limit(text: str) -> None:
    document = parse(text)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    target = live_schema().schema if operation.operation.value == "subscription" else schema._schema
    assert validate(target, document) == []
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }

    cost = operation_cost(target, fragments, operation, {})

    assert 0 < cost <= Settings.model_fields["max_query_cost"].default // 10
