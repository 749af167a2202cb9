"""The demo organisation (`serve --demo`, `seed-demo`): people, placements and conversations.

Deterministic, so GraphiQL sessions, the README and tests can name its personas.
"""

from gateway.demo.organisation import DEMO_DOMAIN, DEMO_PASSWORD, demo_accounts, seed_demo

__all__ = ["DEMO_DOMAIN", "DEMO_PASSWORD", "demo_accounts", "seed_demo"]
