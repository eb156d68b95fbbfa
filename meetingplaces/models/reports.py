"""What the city's evaluation reads: programmes on quarters, attendance per date, and the two
tables that keep reports to a few indexed GROUP BYs (stored event dates, booked minutes per
room, organisation and month)."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .events import Event
from .people import User
from .places import Quarter
from .types import UTCDateTime, utcnow

ATTENDANCE_GROUPS = ("children", "youth", "adults", "seniors")

quarter_programmes = Table(
    "quarter_programmes",
    db.metadata,
    Column("quarter_id", ForeignKey("quarters.id", ondelete="CASCADE"), primary_key=True),
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
)


class Programme(db.Model):
    """What a quarter's work is funded by (general quarter management, refugee integration
    "QFI"), with its funding period; reports can be cut by it."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    funded_from: Mapped[date | None] = mapped_column(Date)
    funded_until: Mapped[date | None] = mapped_column(Date)  # inclusive
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    quarters: Mapped[list[Quarter]] = relationship(
        secondary=quarter_programmes, order_by=Quarter.name)

    __table_args__ = (
        CheckConstraint("funded_until IS NULL OR funded_from IS NULL"
                        " OR funded_until >= funded_from", name="funding_period"),
    )

    def __repr__(self) -> str:
        return f"<Programme {self.slug}>"


class Attendance(db.Model):
    """How many came to one date of an event (a Spielmobil stop is one too), never who.

    `occurrence_date` is the date the event's rule gave (its RECURRENCE-ID), so the row stays
    with its date when the date is moved; `month` is the first day of that local month.
    """

    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    occurrence_date: Mapped[date] = mapped_column(Date)
    month: Mapped[date] = mapped_column(Date)
    count: Mapped[int]
    children: Mapped[int | None]
    youth: Mapped[int | None]
    adults: Mapped[int | None]
    seniors: Mapped[int | None]
    first_visit: Mapped[int | None]
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    __table_args__ = (
        db.UniqueConstraint("event_id", "occurrence_date", name="uq_attendance_date"),
        CheckConstraint("count >= 0", name="count"),
        CheckConstraint(
            "COALESCE(children, 0) >= 0 AND COALESCE(youth, 0) >= 0"
            " AND COALESCE(adults, 0) >= 0 AND COALESCE(seniors, 0) >= 0"
            " AND COALESCE(first_visit, 0) >= 0", name="groups_positive"),
        CheckConstraint(
            "COALESCE(children, 0) + COALESCE(youth, 0) + COALESCE(adults, 0)"
            " + COALESCE(seniors, 0) <= count", name="groups_within_count"),
        CheckConstraint("COALESCE(first_visit, 0) <= count", name="first_visit_within_count"),
        Index("ix_attendance_month", "month", "event_id"),
    )


class AttendanceReminder(db.Model):
    """A reminder to record attendance went out for this date: sent once, however often the
    scheduler runs."""

    __tablename__ = "attendance_reminders"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    occurrence_date: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EventDate(db.Model):
    """One date of an event as the public sees it, stored whenever the event changes
    (calendar.feeds.refresh_event), so that reports count dates with a GROUP BY instead of
    expanding rules. Series without an end are stored two years ahead."""

    __tablename__ = "event_dates"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    original_date: Mapped[date] = mapped_column(Date, primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    month: Mapped[date] = mapped_column(Date)  # first day of the local month it starts in
    cancelled: Mapped[bool] = mapped_column(default=False)
    moved: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        Index("ix_event_dates_starts_at", "starts_at", "event_id", "cancelled", "moved"),
    )


class EventMonth(db.Model):
    """An event's dates per local month (all, cancelled, moved), written with its dates."""

    __tablename__ = "event_months"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    dates: Mapped[int] = mapped_column(default=0)
    cancelled: Mapped[int] = mapped_column(default=0)
    moved: Mapped[int] = mapped_column(default=0)

    __table_args__ = (Index("ix_event_months_month", "month", "event_id", "dates", "cancelled",
                            "moved"),)


class AttendanceMonth(db.Model):
    """The attendance of an event's dates per local month, summed anew whenever one of them is
    recorded; `languages` counts the dates each language was heard at ({"ar": 3})."""

    __tablename__ = "attendance_months"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    dates: Mapped[int] = mapped_column(default=0)
    count: Mapped[int] = mapped_column(default=0)
    children: Mapped[int] = mapped_column(default=0)
    youth: Mapped[int] = mapped_column(default=0)
    adults: Mapped[int] = mapped_column(default=0)
    seniors: Mapped[int] = mapped_column(default=0)
    first_visit: Mapped[int] = mapped_column(default=0)

    # Covering: the report's sums read the index only.
    __table_args__ = (Index("ix_attendance_months_month", "month", "event_id", "dates", "count",
                            "children", "youth", "adults", "seniors", "first_visit"),)


class AttendanceLanguage(db.Model):
    """On how many of an event's dates in a month a language was heard."""

    __tablename__ = "attendance_languages"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    dates: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        # Covering, and in the order the report groups by (no sort).
        Index("ix_attendance_languages_month", "month", "language", "event_id", "dates"),
    )


class ResourceUsage(db.Model):
    """Confirmed booked minutes of a resource per organisation and local month, kept in step
    with every flushed change of an occurrence (reports.usage): the yearly report reads a few
    thousand of these instead of every occurrence. `organisation_id` 0 = none (a guest)."""

    __tablename__ = "resource_usage"

    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    booked_minutes: Mapped[int] = mapped_column(default=0)
    dates: Mapped[int] = mapped_column(default=0)  # confirmed dates starting in the month

    # Covering: a year's report reads these index entries only, in month order.
    __table_args__ = (Index("ix_resource_usage_month", "month", "resource_id", "organisation_id",
                            "booked_minutes", "dates"),)


@dataclass(frozen=True)
class AttendanceSlot:
    """One date attendance can be recorded for: an event's date, and the Spielmobil stop's
    date row when the event is a stop's (its staff may record it). Not a table."""

    event: Event
    occurrence_date: date
    starts_at: datetime
    ends_at: datetime
    cancelled: bool = False
    round_date: object = None  # models.rounds.RoundDate


class ResourceMonth(db.Model):
    """ResourceUsage summed over organisations: what a room's use per month reads."""

    __tablename__ = "resource_months"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True)
    booked_minutes: Mapped[int] = mapped_column(default=0)
    dates: Mapped[int] = mapped_column(default=0)

    __table_args__ = (Index("ix_resource_months_month", "month", "resource_id", "booked_minutes",
                            "dates"),)


class OrganisationMonth(db.Model):
    """ResourceUsage summed per organisation and the quarter of the resources it booked."""

    __tablename__ = "organisation_months"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    quarter_id: Mapped[int] = mapped_column(
        ForeignKey("quarters.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0 = none
    booked_minutes: Mapped[int] = mapped_column(default=0)
    dates: Mapped[int] = mapped_column(default=0)

    __table_args__ = (Index("ix_organisation_months_month", "month", "quarter_id",
                            "organisation_id", "booked_minutes", "dates"),)
