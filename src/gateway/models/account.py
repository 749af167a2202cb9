"""Login accounts, bearer tokens, activation and password-reset tokens, login throttling."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, UtcDateTime


class Role(enum.Enum):
    GUARDIAN = "guardian"
    STAFF = "staff"


class Account(Base):
    """The login of one person at one organisation; the same e-mail elsewhere is another account."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("organisation_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardians.id"), unique=True)
    staff_member_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class AccessToken(Base):
    """A bearer token; only its SHA-256 is stored, so a database leak yields no usable token."""

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # Shown in the list of one's sessions, so a parent can tell which device to sign out.
    user_agent: Mapped[str] = mapped_column(String(200), default="")


class LinkToken:
    """The columns of a single-use, expiring token mailed as a link (only its hash is kept)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class ActivationToken(LinkToken, Base):
    """A single-use, expiring link token for setting the first password."""

    __tablename__ = "activation_tokens"


class PasswordResetToken(LinkToken, Base):
    """A single-use, expiring link token for choosing a new password ("wachtwoord vergeten")."""

    __tablename__ = "password_reset_tokens"


class LoginThrottle(Base):
    """Failed login attempts per key (see `services.throttle`: account, address, or both)."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UtcDateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class KnownLoginAddress(Base):
    """A client address an account has logged in from: exempt from the wider throttles."""

    __tablename__ = "known_login_addresses"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_login_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
