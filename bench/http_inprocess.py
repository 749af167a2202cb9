"""graphql-core alone producing a finished result in-process: the yardstick for a large read.

The schema is the gateway's exported SDL with graphql-core's default resolvers, the root value
the data the gateway answered; the document is parsed and validated once, so what is timed is
execution only, the part no server can leave out.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from graphql import ExecutionResult, build_schema, execute, parse, validate

SCHEMA_SDL = Path(__file__).resolve().parents[1] / "schema.graphql"


def execution_cpu_ms(query: str, data: dict[str, Any], seconds: float) -> float:
    """CPU milliseconds graphql-core needs per execution of `query` over `data`."""
    schema = build_schema(SCHEMA_SDL.read_text())
    document = parse(query)
    errors = validate(schema, document)
    if errors:
        raise RuntimeError(f"the document does not validate: {errors}")
    result = execute(schema, document, root_value=data)
    assert isinstance(result, ExecutionResult)
    assert result.errors is None, result.errors
    if result.data != data:
        raise RuntimeError("graphql-core produced another result than the gateway")
    runs = 0
    started = time.process_time()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        execute(schema, document, root_value=data)
        runs += 1
    return (time.process_time() - started) / runs * 1000


def count_objects(value: Any) -> tuple[int, int]:
    """Objects and fields in a result."""
    if isinstance(value, dict):
        objects, fields = 1, len(value)
        for item in value.values():
            more_objects, more_fields = count_objects(item)
            objects, fields = objects + more_objects, fields + more_fields
        return objects, fields
    if isinstance(value, list):
        totals = [count_objects(item) for item in value]
        return sum(t[0] for t in totals), sum(t[1] for t in totals)
    return 0, 0
