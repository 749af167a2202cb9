"""Use cases: one async function per state change (load → rule → write → commit → side effects)."""
