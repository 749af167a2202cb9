"""Opaque bearer, activation and reset tokens: random, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets

ACCESS_PREFIX = "op_"
ACTIVATION_PREFIX = "opa_"
RESET_PREFIX = "opr_"


def new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
