"""Bookings: an organisation's claim on resources, and its occurrences, one row per date and
resource, so that conflicts and availability are index range queries."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import Organisation, User
from .places import Resource
from .types import UTCDateTime, utcnow


class BookingStatus(StrEnum):
    PENDING = "pending"  # at least one date waits for a manager
    APPROVED = "approved"  # nothing pending, at least one date confirmed
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class OccurrenceStatus(StrEnum):
    PENDING = "pending"  # shown, but does not hold the resource
    CONFIRMED = "confirmed"  # holds the resource; never overlaps another confirmed one
    CANCELLED = "cancelled"
    REJECTED = "rejected"


ACTIVE_OCCURRENCE_STATUSES = (OccurrenceStatus.PENDING, OccurrenceStatus.CONFIRMED)


class Booking(db.Model):
    """One request: title, purpose and the series rule; its dates live in `occurrences`."""

    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None only for requests of groups without an account (guest requests).
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    attendees: Mapped[int] = mapped_column(default=0)
    public: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=BookingStatus.PENDING)
    # The last reason given for a rejection or cancellation, shown to the requester.
    status_reason: Mapped[str] = mapped_column(String(500), default="")
    # Where a mobile resource (the Spielmobil) will stand.
    location: Mapped[str] = mapped_column(String(300), default="")
    # RFC 5545 RRULE without DTSTART ("FREQ=WEEKLY;INTERVAL=2;COUNT=10"); "" = a single date.
    rrule: Mapped[str] = mapped_column(String(300), default="")
    # ISO dates the series leaves out (school holidays); a skipped date can be added back.
    exdates: Mapped[list[str]] = mapped_column(db.JSON, default=list)
    # Wall-clock span of the series' first date in the city's zone; later dates keep its times.
    local_start: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    local_end: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # A group without an account (organisation and requester are then None).
    guest_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking_guests.id", ondelete="SET NULL"), index=True
    )
    # When the guest followed the signed link; until then managers do not see the request.
    guest_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Name and organisation as typed into this request: they become the guest's only once the
    # link mailed to the guest's address is followed (anyone can type a known address).
    guest_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    guest_organisation_name: Mapped[str] = mapped_column(String(160), default="",
                                                         server_default="")

    organisation: Mapped[Organisation | None] = relationship()
    requested_by: Mapped[User | None] = relationship()
    guest: Mapped["Guest | None"] = relationship()
    resources: Mapped[list[Resource]] = relationship(
        secondary="booking_resources", order_by=Resource.name
    )
    occurrences: Mapped[list["Occurrence"]] = relationship(
        back_populates="booking",
        cascade="all, delete-orphan",
        order_by="(Occurrence.starts_at, Occurrence.resource_id)",
    )

    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'cancelled')", name="status"
        ),
        CheckConstraint("attendees >= 0", name="attendees"),
        CheckConstraint("local_end > local_start", name="ends_after_starts"),
    )

    # Messages about how the request was read (an ambiguous autumn time resolved), set by
    # request_booking() for the caller to show; not stored.
    notices: tuple = ()
    # The taken dates an event's hold left out (keep_hold with free_dates_only); not stored.
    left_out: tuple = ()

    @property
    def is_series(self) -> bool:
        return bool(self.rrule)

    def __repr__(self) -> str:
        return f"<Booking {self.id} {self.status}>"


class BookingResource(db.Model):
    """The resources a booking holds together, all or nothing."""

    __tablename__ = "booking_resources"

    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True
    )
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id"), primary_key=True)


class Occurrence(db.Model):
    """One date of a booking on one resource. `blocked_from`/`blocked_until` add the resource's
    setup and cleanup buffers; confirmed rows of a resource never overlap there."""

    __tablename__ = "occurrences"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    # active_history: reports.usage needs the old values of a change to keep its sums.
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id"), active_history=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, active_history=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, active_history=True)
    blocked_from: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=OccurrenceStatus.PENDING,
                                        active_history=True)
    # The local date the series rule gave this occurrence; differs from the start's local date
    # when the date was moved, and identifies the date across edits and in calendar feeds.
    original_date: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    booking: Mapped[Booking] = relationship(back_populates="occurrences")
    resource: Mapped[Resource] = relationship()

    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'confirmed', 'cancelled', 'rejected')", name="status"
        ),
        CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
        CheckConstraint(
            "blocked_from <= starts_at AND blocked_until >= ends_at", name="blocked_covers"
        ),
        Index("ix_occurrences_resource_blocked", "resource_id", "blocked_from", "blocked_until"),
        Index("ix_occurrences_booking_date", "booking_id", "original_date"),
        Index("ix_occurrences_starts_at", "starts_at"),  # reports' raw rows of a period
        # The invariant, kept by PostgreSQL itself even when requests race in several
        # processes. SQLite has no such constraint: there the write lock taken up front
        # (database.begin_write) serialises check and insert.
        ExcludeConstraint(
            (literal_column("resource_id"), "="),
            (func.tstzrange(literal_column("blocked_from"), literal_column("blocked_until")),
             "&&"),
            where=text("status = 'confirmed'"),
            using="gist",
            name="ex_occurrences_no_double_booking",
        ).ddl_if(dialect="postgresql"),
    )

    def __repr__(self) -> str:
        return f"<Occurrence {self.id} r{self.resource_id} {self.starts_at:%Y-%m-%d %H:%M}>"


# --- guests, waiting list, private feeds -------------------------------------------------------


class Guest(db.Model):
    """A group that books without an account, known by its e-mail address. A returning address
    is the same guest (name and organisation are refreshed), never "already in use".

    A guest acts in the booking engine like a user without rights of its own: the policy lets
    it follow, change and cancel its own requests once a signed link has proven the address."""

    __tablename__ = "booking_guests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    organisation_name: Mapped[str] = mapped_column(String(160), default="")
    preferred_language: Mapped[str] = mapped_column(String(8), default="de")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower"),)

    # What the engine and the policy ask of an actor.
    is_guest = True
    is_authenticated = True
    active = True
    is_admin = False
    is_manager = False
    managed_quarters: tuple = ()
    organisations: tuple = ()

    def manages(self, quarter_id: int) -> bool:
        return False

    def membership_in(self, organisation_id: int) -> None:
        return None

    @property
    def audit_label(self) -> str:
        return f"{self.name} <{self.email}>"

    def __repr__(self) -> str:
        return f"<Guest {self.email}>"


class WaitingStatus(StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"  # the slot came free and was offered by mail; see offer_expires_at
    ACCEPTED = "accepted"  # turned into a booking (booking_id)
    EXPIRED = "expired"  # the offer was not taken in time; it passed to the next
    WITHDRAWN = "withdrawn"


class WaitingRequest(db.Model):
    """A request for a taken slot, kept with everything typed so that it can become a booking
    when the slot frees. One date only; first come, first offered."""

    __tablename__ = "waiting_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE")
    )
    guest_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking_guests.id", ondelete="CASCADE")
    )
    resource_ids: Mapped[list[int]] = mapped_column(db.JSON, default=list)
    local_start: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    local_end: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    attendees: Mapped[int] = mapped_column(default=1)
    public: Mapped[bool] = mapped_column(default=False)
    location: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16), default=WaitingStatus.WAITING)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()
    requested_by: Mapped[User | None] = relationship()
    guest: Mapped[Guest | None] = relationship()
    booking: Mapped[Booking | None] = relationship()

    __table_args__ = (
        CheckConstraint(
            "status IN ('waiting', 'offered', 'accepted', 'expired', 'withdrawn')", name="status"
        ),
        CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
        Index("ix_waiting_requests_status_starts", "status", "starts_at"),
    )


class BookingFeed(db.Model):
    """A private iCalendar feed of an organisation's or a resource's bookings. Only the digest
    of its secret token is stored; renewing the token revokes the old address."""

    __tablename__ = "booking_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True
    )
    resource_id: Mapped[int | None] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), unique=True
    )
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()
    resource: Mapped[Resource | None] = relationship()

    __table_args__ = (
        CheckConstraint(
            "(organisation_id IS NULL) <> (resource_id IS NULL)", name="organisation_or_resource"
        ),
    )
