"""GraphQL documents parsed and validated once, within bounds, before anything runs them.

graphql-core's validation does more than linear work on some documents: a selection repeated
a few hundred times (`{ me { id } me { id } … }`) keeps the overlapping-fields rule busy for
seconds, on the event loop, before any login is checked. So a document is bounded twice before
it is validated: the parser stops after `max_tokens` tokens, and a walk over the syntax tree
counts fields (as if every fragment were written out), aliases, fragment spreads and depth.
The overlapping-fields rule gets a small comparison budget on top, for the shapes the counts
let through. Callers without a login get smaller bounds: they only need to log in.

In production the schema is not shown to strangers (`Exposure`): introspection (`__schema`,
`__type`) is refused and validation errors say no "did you mean …?" (`INTROSPECTION`).

The outcome (the document, or why it cannot run) is kept in a bounded LRU cache keyed by the
schema, the bounds, the exposure and the text, so clients sending the same few documents pay
for parsing and validation once. `UsePreparedDocument` hands the prepared document to
Strawberry's execution.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    specified_rules,
    validate,
)
from graphql.validation.rules import overlapping_fields_can_be_merged
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from gateway.cost import cost_key, operation_cost

TOO_COMPLEX = "DOCUMENT_TOO_COMPLEX"
TOO_DEEP = "DEPTH_LIMIT_EXCEEDED"
# Strawberry validates with these unless an extension changes them.
DEFAULT_RULES = tuple(specified_rules)

# Work units of the overlapping-fields rule (a field comparison costs two). Realistic documents
# spend a handful; 10,000 is a few milliseconds of the worst shapes the counts below let through
# (graphql-core's default, 500,000, is seconds). Read by graphql-core when a validation starts.
OVERLAP_BUDGET = 10_000
overlapping_fields_can_be_merged.MAX_COMPLEXITY_BUDGET = OVERLAP_BUDGET


@dataclass(frozen=True)
class DocumentLimits:
    """How large a document may be. The largest legitimate one, the introspection query of
    GraphiQL, has ~180 tokens, ~230 fields written out, 8 spreads and no alias."""

    max_bytes: int = 100_000
    max_tokens: int = 2_000
    max_depth: int = 15
    max_fields: int = 1_000
    max_aliases: int = 50
    max_spreads: int = 50
    hint: str = ""  # appended to refusals, e.g. that a login allows more


SIGNED_IN = DocumentLimits()
ANONYMOUS = DocumentLimits(
    max_tokens=1_000,
    max_fields=400,
    max_aliases=10,
    max_spreads=20,
    hint=" without a login",
)


@dataclass(frozen=True)
class Exposure:
    """What a document's errors may show of the schema."""

    introspection: bool = True  # `__schema` and `__type` may be asked
    suggestions: bool = True  # errors may say "Did you mean 'me'?"


OPEN = Exposure()
CLOSED = Exposure(introspection=False, suggestions=False)

# Strawberry adds these to every validation (`strawberry.schema.schema.validate_document`).
STRAWBERRY_RULES = (MaybeNullValidationRule, OneOfInputValidationRule)
_SUGGESTION = re.compile(r" Did you mean [^?]*\?")


def without_suggestion(error: GraphQLError) -> GraphQLError:
    """The error without its "did you mean" (variable values are checked only when executing)."""
    error.message = _SUGGESTION.sub("", error.message)
    return error


def _refusal(message: str, limits: DocumentLimits) -> GraphQLError:
    return GraphQLError(f"{message}{limits.hint}.", extensions={"code": TOO_COMPLEX})


@dataclass(frozen=True)
class Measures:
    depth: int
    fields: int  # counting each fragment once per spread, as if it were written out
    aliases: int
    spreads: int


def measure(document: DocumentNode) -> Measures:
    """Depth and size of the document's operations; fragments are walked once each."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    # Memoised per fragment: a fragment spread many times costs one walk.
    sizes: dict[str, tuple[int, int]] = {}
    aliases = spreads = 0

    def fragment(name: str) -> tuple[int, int]:
        if name not in sizes:
            sizes[name] = (0, 0)  # breaks cycles, which validation rejects anyway
            definition = fragments.get(name)
            sizes[name] = walk(definition.selection_set) if definition else (0, 0)
        return sizes[name]

    def walk(selection_set: SelectionSetNode | None) -> tuple[int, int]:
        nonlocal aliases, spreads
        deepest = fields = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                aliases += selection.alias is not None
                depth, count = walk(selection.selection_set)
                deepest, fields = max(deepest, 1 + depth), fields + 1 + count
            elif isinstance(selection, InlineFragmentNode):
                depth, count = walk(selection.selection_set)
                deepest, fields = max(deepest, depth), fields + count
            elif isinstance(selection, FragmentSpreadNode):
                spreads += 1
                depth, count = fragment(selection.name.value)
                deepest, fields = max(deepest, depth), fields + count
        return deepest, fields

    depth = fields = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            operation_depth, count = walk(definition.selection_set)
            depth, fields = max(depth, operation_depth), fields + count
    for name in fragments:  # unused fragments are validated too
        fragment(name)
    return Measures(depth, fields, aliases, spreads)


def _too_deep(limits: DocumentLimits) -> GraphQLError:
    return GraphQLError(
        f"The document nests fields more than {limits.max_depth} levels deep.",
        extensions={"code": TOO_DEEP},
    )


def _over_limits(measures: Measures, limits: DocumentLimits) -> GraphQLError | None:
    if measures.depth > limits.max_depth:
        return _too_deep(limits)
    if measures.fields > limits.max_fields:
        return _refusal(f"The document selects more than {limits.max_fields} fields", limits)
    if measures.aliases > limits.max_aliases:
        return _refusal(f"The document has more than {limits.max_aliases} aliases", limits)
    if measures.spreads > limits.max_spreads:
        return _refusal(f"The document has more than {limits.max_spreads} fragment spreads", limits)
    return None


@dataclass(frozen=True, eq=False)
class Prepared:
    """A document ready to run (`errors` empty), or why it cannot run.

    `document` is None when it could not be parsed or exceeds the limits; otherwise `errors`
    are its validation errors, reported after the operation has been picked.
    """

    text: str
    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]
    # Costs by operation and the variables they depend on (see `cost_of`); a few shapes each.
    costs: dict[tuple[Any, ...], int] = field(default_factory=dict, compare=False)


MAX_COST_SHAPES = 64


def cost_of(
    schema: GraphQLSchema,
    prepared: Prepared,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
) -> int:
    """The cost of running `operation` of a valid prepared document with `variables`,
    computed once per operation and shape of the variables (`first`, the length of `ids`)."""
    key = cost_key(operation, variables)
    cost = prepared.costs.get(key)
    if cost is None:
        if len(prepared.costs) >= MAX_COST_SHAPES:  # a client varying `first` endlessly
            prepared.costs.clear()
        assert prepared.document is not None
        fragments = {
            d.name.value: d
            for d in prepared.document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        cost = prepared.costs[key] = operation_cost(schema, fragments, operation, variables)
    return cost


def validate_document(
    schema: GraphQLSchema, document: DocumentNode, exposure: Exposure
) -> list[GraphQLError]:
    """Strawberry's validation (with its own rules), showing of the schema what `exposure` lets."""
    rules = (*DEFAULT_RULES, *STRAWBERRY_RULES)
    if not exposure.introspection:
        rules = (*rules, NoSchemaIntrospectionCustomRule)
    return validate(schema, document, rules, hide_suggestions=not exposure.suggestions)


def prepare_uncached(
    schema: GraphQLSchema, text: str, limits: DocumentLimits, exposure: Exposure = OPEN
) -> Prepared:
    # The same for every caller, so without a hint; "surrogatepass" measures any text.
    if len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        too_large = GraphQLError(f"The document exceeds {limits.max_bytes} bytes.")
        return Prepared(text, None, (too_large,))
    try:
        document = parse(text, max_lexical_tokens=limits.max_tokens, max_comments=limits.max_tokens)
    except GraphQLError as error:
        if error.message.endswith("Parsing aborted."):
            error = _refusal(f"The document has more than {limits.max_tokens} tokens", limits)
        return Prepared(text, None, (error,))
    try:
        refused = _over_limits(measure(document), limits)
    except RecursionError:  # a very long chain of fragment spreads
        refused = _too_deep(limits)
    if refused is not None:
        return Prepared(text, None, (refused,))
    errors = validate_document(schema, document, exposure)
    if any(e.message == "Validation aborted." for e in errors):  # the overlap budget ran out
        refused = _refusal("The document repeats the same fields too often", limits)
        return Prepared(text, None, (refused,))
    return Prepared(text, document, tuple(errors))


class DocumentCache:
    """A bounded LRU of prepared documents, by entries and by the total length of their text.

    A parsed document takes ~150 times the memory of its text, so the text budget is what
    keeps the cache small; documents longer than `max_length` are prepared but not kept.
    """

    def __init__(
        self, max_entries: int = 512, max_text: int = 256_000, max_length: int = 16_000
    ) -> None:
        self.max_entries = max_entries
        self.max_text = max_text
        self.max_length = max_length
        self._entries: OrderedDict[
            tuple[GraphQLSchema, DocumentLimits, Exposure, str], Prepared
        ] = OrderedDict()
        self._text = 0
        self.hits = self.misses = 0

    def prepare(
        self,
        schema: GraphQLSchema,
        text: str,
        limits: DocumentLimits,
        exposure: Exposure = OPEN,
    ) -> Prepared:
        key = (schema, limits, exposure, text)
        cached = self._entries.get(key)
        if cached is not None:
            self.hits += 1
            self._entries.move_to_end(key)
            return cached
        self.misses += 1
        prepared = prepare_uncached(schema, text, limits, exposure)
        if len(text) <= self.max_length:
            self._entries[key] = prepared
            self._text += len(text)
            while len(self._entries) > self.max_entries or self._text > self.max_text:
                (*_, old), _ = self._entries.popitem(last=False)
                self._text -= len(old)
        return prepared


# One cache for the process: HTTP and WebSocket serve the same schema and the same clients.
documents = DocumentCache()

_running: ContextVar[Prepared | None] = ContextVar("running_document", default=None)


@contextmanager
def running(prepared: Prepared) -> Iterator[None]:
    """Make `prepared` the document that `UsePreparedDocument` hands to this task's execution."""
    token = _running.set(prepared)
    try:
        yield
    finally:
        _running.reset(token)


class UsePreparedDocument(SchemaExtension):
    """Strawberry executes the document prepared for this request: no second parse, and no
    second validation unless an extension changed the rules."""

    def on_parse(self) -> Iterator[None]:
        prepared = _running.get()
        context = self.execution_context
        if prepared is not None and prepared.document and prepared.text == context.query:
            context.graphql_document = prepared.document
        yield

    def on_validate(self) -> Iterator[None]:
        prepared = _running.get()
        context = self.execution_context
        if (
            prepared is not None
            and context.graphql_document is prepared.document
            and tuple(context.validation_rules) == DEFAULT_RULES
        ):
            context.pre_execution_errors = list(prepared.errors)
        yield
