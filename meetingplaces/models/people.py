"""Who acts: users, organisations and their members, quarter managers, invitations, API tokens."""

import hashlib
import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash

from ..accounts.hashing import hash_password
from ..extensions import db
from .places import Quarter, TranslatedTexts
from .types import UTCDateTime, utcnow

quarter_managers = Table(
    "quarter_managers",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("quarter_id", ForeignKey("quarters.id", ondelete="CASCADE"), primary_key=True),
)


def normalise_email(email: str) -> str:
    """E-mail addresses are unique case-insensitively; we store them lower-cased and trimmed."""
    return email.strip().lower()


def token_digest(token: str) -> str:
    """Secrets (API tokens, invitation tokens) are stored only as their SHA-256 digest."""
    return hashlib.sha256(token.encode()).hexdigest()


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    preferred_language: Mapped[str] = mapped_column(String(8), default="de")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    is_admin: Mapped[bool] = mapped_column(default=False)
    # Member of the Spielmobil team: may be assigned to round dates.
    is_spielmobil_staff: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session and remember-me cookie: raising it (logout, new password, account
    # switched off) ends all of them at once, on every device.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # A mail the day before (reminders.py), each switched off on the account page.
    remind_bookings: Mapped[bool] = mapped_column(default=True, server_default=true())
    remind_stops: Mapped[bool] = mapped_column(default=True, server_default=true())
    remind_events: Mapped[bool] = mapped_column(default=True, server_default=true())

    managed_quarters: Mapped[list[Quarter]] = relationship(
        secondary=quarter_managers, order_by=Quarter.name
    )
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower"),)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """The id Flask-Login keeps in sessions and remember-me cookies. It carries the session
        version and a fingerprint of the password hash, so that logging out or a new password
        ends every session of the user."""
        fingerprint = token_digest(f"{self.session_version or 0}:{self.password_hash or ''}")
        return f"{self.id}.{fingerprint[:16]}"

    def end_all_sessions(self) -> None:
        """Every session and remember-me cookie of this user stops working."""
        self.session_version = (self.session_version or 0) + 1

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def manages(self, quarter_id: int) -> bool:
        return self.is_admin or any(q.id == quarter_id for q in self.managed_quarters)

    @property
    def is_manager(self) -> bool:
        return self.is_admin or bool(self.managed_quarters)

    def membership_in(self, organisation_id: int) -> "Membership | None":
        return next((m for m in self.memberships if m.organisation_id == organisation_id), None)

    @property
    def organisations(self) -> list["Organisation"]:
        return [m.organisation for m in self.memberships if m.organisation.status == "active"]

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class OrganisationKind(StrEnum):
    INITIATIVE = "initiative"
    ASSOCIATION = "association"
    CHURCH = "church"
    MIGRANT_ORGANISATION = "migrant_organisation"
    WELFARE = "welfare"
    SCHOOL = "school"
    OTHER = "other"


class OrganisationStatus(StrEnum):
    PENDING = "pending"  # registered itself, waits for a manager of its quarter
    ACTIVE = "active"
    REJECTED = "rejected"
    INACTIVE = "inactive"


class Organisation(TranslatedTexts, db.Model):
    __tablename__ = "organisations"
    TRANSLATED_FIELDS = ("description",)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(32), default=OrganisationKind.INITIATIVE)
    # Home quarter: its managers approve the registration and look after the organisation.
    quarter_id: Mapped[int] = mapped_column(ForeignKey("quarters.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    public_contact: Mapped[str] = mapped_column(String(300), default="")
    # Shown publicly only when show_contact_publicly is set (DSGVO).
    show_contact_publicly: Mapped[bool] = mapped_column(default=False)
    private_contact_email: Mapped[str] = mapped_column(String(254), default="")
    private_contact_phone: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[str] = mapped_column(String(16), default=OrganisationStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    quarter: Mapped[Quarter] = relationship()
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )
    translations: Mapped[list["OrganisationTranslation"]] = relationship(
        cascade="all, delete-orphan", order_by="OrganisationTranslation.language",
        lazy="selectin",
    )

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'active', 'rejected', 'inactive')", name="status"),
    )

    @property
    def is_active(self) -> bool:
        return self.status == OrganisationStatus.ACTIVE

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class OrganisationTranslation(db.Model):
    """An organisation's description in one more language; German lives on the organisation."""

    __tablename__ = "organisation_translations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    language: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("organisation_id", "language",
                         name="uq_organisation_translations_language"),
    )


class MembershipRole(StrEnum):
    MEMBER = "member"
    ADMIN = "admin"


class Membership(db.Model):
    __tablename__ = "memberships"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), default=MembershipRole.MEMBER)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")

    __table_args__ = (CheckConstraint("role IN ('member', 'admin')", name="role"),)


class InvitationKind(StrEnum):
    MANAGER = "manager"  # by an admin: becomes manager of quarter_id
    ORGANISATION_ADMIN = "organisation_admin"  # by a manager: first admin of organisation_id
    ORGANISATION_MEMBER = "organisation_member"  # by an organisation admin


class Invitation(db.Model):
    """A single-use, expiring invitation; only the digest of its token is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(32))
    quarter_id: Mapped[int | None] = mapped_column(ForeignKey("quarters.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    quarter: Mapped[Quarter | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    invited_by: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint(
            "kind IN ('manager', 'organisation_admin', 'organisation_member')", name="kind"
        ),
        CheckConstraint(
            "(kind = 'manager' AND quarter_id IS NOT NULL)"
            " OR (kind <> 'manager' AND organisation_id IS NOT NULL)",
            name="target",
        ),
    )

    def is_usable(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at


class ApiToken(db.Model):
    """A personal token for the JSON API (Authorization: Bearer ...); shown once, stored hashed."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so a user can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @staticmethod
    def new_secret() -> str:
        return "mp_" + secrets.token_urlsafe(32)
