"""What an operation may cost, computed on its validated document before anything runs.

The cost counts the objects an operation can ask for, as Shopify's and GitHub's APIs do: every
field returning an object counts one per instance, scalars nothing. A paged field (one with a
`first` argument) is one object whose page lists (`edges`, `nodes`) hold `first` instances of
what they select (the resolver's default and maximum apply when `first` is absent or too
large); `nodes(ids:)` holds one per id; any other list is taken at a fixed estimate. Nesting
multiplies, so `nodes(ids: [100 ids]) { ... on Child { guardians { id } } }` costs
100 * (1 + 5 * 1). Introspection is counted flat: it reads the schema, not the database.

The walk visits each fragment once per page context, so its work is linear in the document,
which the document bounds keep small.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
)

from gateway.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

COST_LIMIT_EXCEEDED = "COST_LIMIT_EXCEEDED"
# How many items a list without paging is taken to hold: a guardian's children, an entry's
# photos, a group's staff. Long collections are paged, so the lists left are short.
LIST_ESTIMATE = 5


def cost_key(operation: OperationDefinitionNode, variables: Mapping[str, Any]) -> tuple[Any, ...]:
    """What of `variables` the cost can depend on: integers (`first`) and list lengths (`ids`)."""
    key: list[Any] = [operation.name.value if operation.name else None]
    for definition in operation.variable_definitions or ():
        given = variables.get(definition.variable.name.value)
        if isinstance(given, list):
            key.append(("len", len(given)))
        else:
            key.append(given if isinstance(given, int) else None)
    return tuple(key)


def operation_cost(
    schema: GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode],
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
) -> int:
    """The cost of a validated operation run with (uncoerced) `variables`."""
    defaults = {
        d.variable.name.value: d.default_value
        for d in operation.variable_definitions or ()
        if d.default_value is not None
    }
    memo: dict[tuple[str, int | None], int] = {}

    def value(node: ValueNode | None) -> Any:
        """A literal or a variable's value, as far as cost needs it (ints and list lengths)."""
        if isinstance(node, VariableNode):
            name = node.name.value
            if name in variables:
                return variables[name]
            node = defaults.get(name)
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, ListValueNode):
            return node.values
        return None

    def argument(field: FieldNode, name: str) -> ValueNode | None:
        return next((a.value for a in field.arguments or () if a.name.value == name), None)

    def page_size(field: FieldNode, definition: GraphQLField) -> int:
        given = value(argument(field, "first"))
        if not isinstance(given, int) or isinstance(given, bool):
            default = definition.args["first"].default_value
            given = default if isinstance(default, int) else DEFAULT_PAGE_SIZE
        return max(0, min(given, MAX_PAGE_SIZE))

    def walk(
        selection_set: SelectionSetNode | None, parent: GraphQLNamedType, page: int | None
    ) -> int:
        total = 0
        # Fragments on a narrower type than `parent` (`... on DiaryEntry` in a timeline item)
        # are alternatives: an object is one of them, so the dearest one counts.
        branches: dict[str, int] = {}

        def add(condition: str | None, cost: int) -> None:
            nonlocal total
            if condition is None or condition == parent.name:
                total += cost
            else:
                branches[condition] = branches.get(condition, 0) + cost

        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += field_cost(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = schema.get_type(condition.name.value) if condition else parent
                cost = walk(selection.selection_set, inner or parent, page)
                add(condition.name.value if condition else None, cost)
            elif isinstance(selection, FragmentSpreadNode):
                definition = fragments.get(selection.name.value)
                condition = definition.type_condition if definition else None
                add(
                    condition.name.value if condition else None,
                    fragment_cost(selection.name.value, page),
                )
        return total + max(branches.values(), default=0)

    def fragment_cost(name: str, page: int | None) -> int:
        key = (name, page)
        if key not in memo:
            memo[key] = 0  # breaks cycles, which validation rejects anyway
            definition = fragments.get(name)
            inner = schema.get_type(definition.type_condition.name.value) if definition else None
            if definition is not None and inner is not None:
                memo[key] = walk(definition.selection_set, inner, page)
        return memo[key]

    def field_cost(field: FieldNode, parent: GraphQLNamedType, page: int | None) -> int:
        name = field.name.value
        if name.startswith("__"):
            return 1 if name in ("__schema", "__type") else 0
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(name)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        if not is_composite_type(named):
            return 0
        is_list = isinstance(get_nullable_type(definition.type), GraphQLList)
        inner_page: int | None = None
        if "first" in definition.args:
            inner_page, count = page_size(field, definition), 1
        elif "ids" in definition.args and is_list:
            ids = value(argument(field, "ids"))
            count = len(ids) if isinstance(ids, list | tuple) else 1
        elif is_list:
            count = page if page is not None else LIST_ESTIMATE
        else:
            count = 1
        return count * (1 + walk(field.selection_set, named, inner_page))

    root = schema.get_root_type(operation.operation)
    return walk(operation.selection_set, root, None) if root is not None else 0


def cost_refusal(cost: int, limit: int) -> GraphQLError:
    return GraphQLError(
        f"The operation would cost {cost}, more than the limit of {limit}: "
        "ask for smaller pages ('first') or fewer objects at once.",
        extensions={"code": COST_LIMIT_EXCEEDED, "cost": cost, "limit": limit},
    )
