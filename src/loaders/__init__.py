"""Per-request DataLoaders: one batched, viewer-scoped SELECT per relation.

How a loader is written (imitate `loaders/children.py`):

1. Build its statement once, at import time, with `prepared(...)` (or `prepared_rows(...)` for
   several columns). The batch's keys are the expanding parameter `KEYS`; what the viewer may
   see is one of the `access.*_in_scope` conditions, never a rule of the loader's own:

       _CONSENTS_BY_CHILD = prepared(
           select(Consent).where(
               Consent.child_id.in_(KEYS), access.child_in_scope(Consent.child_id)
           )
       )

2. The loader runs it with the keys (and any other named values) and returns one result per
   key, in key order, None/[] where nothing is visible:

       async def consents_by_child(reader: Reader, keys: Sequence[int]) -> list[list[Consent]]:
           rows = await reader.all(_CONSENTS_BY_CHILD, keys)
           return many_per_key(rows, lambda c: c.child_id, keys)

   `Reader` fills in the scope's parameters from `access.Scope`, which reads each of the
   viewer's sets (e.g. the visible child ids) at most once per request, when a statement first
   needs it. A statement built once is compiled once: SQLAlchemy finds it in its cache without
   rebuilding the statement or its subqueries.

3. Register it in `registry.Loaders` as a `cached_property` named `<things>_by_<key>`: a
   request makes only the loaders it uses.

Statements that vary per call (pages with cursors, filters) are built in the call and passed
through `prepared(...)` too, so they get the same scope parameters.
"""

from loaders.registry import Loaders

__all__ = ["Loaders"]
