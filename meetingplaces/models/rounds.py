"""Spielmobil rounds: a season of weekly stops of a mobile resource, and one row per stop date.

A stop is versioned: "Tuesdays at 16:00 from June" closes the current version the day before
and starts a new one, so dates before the change (and their bookings and events) stay as they
were. Each version owns one repeating public event; each date owns one booking of the van.
"""

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .bookings import Booking
from .events import Event
from .people import User
from .places import Quarter, Resource
from .types import UTCDateTime, utcnow


class RoundStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


class RoundDateStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"
    MOVED = "moved"


class Round(db.Model):
    """A season of the van: from `season_start` to `season_end` (inclusive)."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    season_start: Mapped[date] = mapped_column(Date)
    season_end: Mapped[date] = mapped_column(Date)
    # Minutes the van needs between two consecutive stops of a day, unless a pair says otherwise.
    travel_minutes: Mapped[int] = mapped_column(default=30)
    status: Mapped[str] = mapped_column(String(16), default=RoundStatus.ACTIVE)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    resource: Mapped[Resource] = relationship()
    created_by: Mapped[User | None] = relationship()
    stops: Mapped[list["Stop"]] = relationship(
        back_populates="round", cascade="all, delete-orphan",
        order_by="(Stop.weekday, Stop.local_start, Stop.effective_from)",
    )
    travel_times: Mapped[list["TravelTime"]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("status IN ('active', 'ended')", name="status"),
        CheckConstraint("season_end >= season_start", name="season"),
        CheckConstraint("travel_minutes >= 0", name="travel_minutes"),
    )

    def __repr__(self) -> str:
        return f"<Round {self.id} {self.name!r}>"


class Stop(db.Model):
    """One version of a weekly stop, valid from `effective_from` to `effective_until`
    (inclusive; None = to the end of the season). A version replaced from its very first day
    on keeps an `effective_until` before `effective_from`: valid on no day, kept for history."""

    __tablename__ = "round_stops"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    # The version this one replaced from `effective_from` on; None for the first version.
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("round_stops.id", ondelete="SET NULL"))
    weekday: Mapped[int]  # 0 = Monday
    local_start: Mapped[time]
    local_end: Mapped[time]
    place_name: Mapped[str] = mapped_column(String(160))
    address: Mapped[str] = mapped_column(String(300))
    quarter_id: Mapped[int] = mapped_column(ForeignKey("quarters.id"), index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    staff_needed: Mapped[int] = mapped_column(default=1)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_until: Mapped[date | None] = mapped_column(Date)
    # The repeating public event of this version in the stop's quarter calendar.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))

    round: Mapped[Round] = relationship(back_populates="stops")
    quarter: Mapped[Quarter] = relationship()
    event: Mapped[Event | None] = relationship()
    dates: Mapped[list["RoundDate"]] = relationship(
        back_populates="stop", cascade="all, delete-orphan", order_by="RoundDate.starts_at"
    )

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("local_end > local_start", name="ends_after_starts"),
        CheckConstraint("staff_needed >= 0", name="staff_needed"),
        CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude"),
        CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude"),
    )

    def valid_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_until is None or day <= self.effective_until)

    def __repr__(self) -> str:
        return f"<Stop {self.id} {self.place_name!r} wd{self.weekday}>"


class TravelTime(db.Model):
    """Driving minutes from one stop's place to another's, where the round's default is wrong."""

    __tablename__ = "round_travel_times"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    from_place: Mapped[str] = mapped_column(String(160))
    to_place: Mapped[str] = mapped_column(String(160))
    minutes: Mapped[int]

    round: Mapped[Round] = relationship(back_populates="travel_times")

    __table_args__ = (
        UniqueConstraint("round_id", "from_place", "to_place", name="uq_round_travel_times_pair"),
        CheckConstraint("minutes >= 0", name="minutes"),
    )


round_date_staff = Table(
    "round_date_staff",
    db.metadata,
    Column("round_date_id", ForeignKey("round_dates.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class RoundDate(db.Model):
    """One date of a stop: the van's booking for it and where the public sees it.

    `original_date` is the date the weekly rule gave (the RECURRENCE-ID of an override in the
    stop's event); an extra date has its own one-off event instead.
    """

    __tablename__ = "round_dates"

    id: Mapped[int] = mapped_column(primary_key=True)
    stop_id: Mapped[int] = mapped_column(ForeignKey("round_stops.id", ondelete="CASCADE"))
    original_date: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    is_extra: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=RoundDateStatus.PLANNED)
    reason: Mapped[str] = mapped_column(Text, default="")

    stop: Mapped[Stop] = relationship(back_populates="dates")
    booking: Mapped[Booking | None] = relationship()
    event: Mapped[Event | None] = relationship()
    staff: Mapped[list[User]] = relationship(secondary=round_date_staff, order_by=User.name)

    __table_args__ = (
        CheckConstraint("status IN ('planned', 'cancelled', 'moved')", name="status"),
        CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
        UniqueConstraint("stop_id", "original_date", name="uq_round_dates_stop_date"),
        Index("ix_round_dates_starts_at", "starts_at"),
    )

    @property
    def is_cancelled(self) -> bool:
        return self.status == RoundDateStatus.CANCELLED

    def __repr__(self) -> str:
        return f"<RoundDate {self.id} {self.original_date}>"


class StaffFeedToken(db.Model):
    """The secret of a staff member's private feed of their own dates; stored as a digest,
    replaced (and so revoked) by asking for a new link."""

    __tablename__ = "staff_feed_tokens"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
