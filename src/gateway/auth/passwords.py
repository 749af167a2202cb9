"""Password hashing with argon2id and the password rules.

A hash or a check costs tens of milliseconds of a core and 64 MiB. On the event loop that
stalls every other request (40 logins at once held it for seconds), so the server hashes with
`hash_password_async` / `verify_password_async`, in a small pool of its own: argon2 releases
the GIL while it works, the pool's size bounds the CPU and memory logins can take, and logins
queue there instead of in front of the default executor that other work shares. The plain
functions are for scripts and tests, where nothing else waits.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gateway.errors import DomainError, ErrorCode

MIN_LENGTH = 10
MAX_LENGTH = 128

_hasher = PasswordHasher()  # argon2id with the library's current recommended cost
# Verified against when the e-mail is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password-ever")

# argon2 spreads one hash over its lanes (parallelism 4) in threads of its own, so a hash
# already keeps up to four cores busy: more hashes at once would only share them, and hold
# 64 MiB each meanwhile.
HASH_WORKERS = max(1, min(4, (os.cpu_count() or 1) // 4))
_pool = ThreadPoolExecutor(max_workers=HASH_WORKERS, thread_name_prefix="argon2")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; without a hash (no such account) the dummy is checked."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def hash_password_async(password: str) -> str:
    """`hash_password` in the hashing pool, leaving the event loop free meanwhile."""
    return await asyncio.get_running_loop().run_in_executor(_pool, hash_password, password)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    """`verify_password` in the hashing pool; an unknown account takes the same path and time."""
    return await asyncio.get_running_loop().run_in_executor(
        _pool, verify_password, password_hash, password
    )


def check_password_rules(password: str, field: list[str]) -> None:
    if len(password) < MIN_LENGTH:
        raise DomainError(
            ErrorCode.PASSWORD_TOO_WEAK,
            f"Choose a password of at least {MIN_LENGTH} characters.",
            field,
        )
    if len(password) > MAX_LENGTH:
        raise DomainError(
            ErrorCode.INVALID_INPUT, f"A password has at most {MAX_LENGTH} characters.", field
        )
    if len(set(password)) < 4:
        raise DomainError(
            ErrorCode.PASSWORD_TOO_WEAK, "Choose a password with more different characters.", field
        )
