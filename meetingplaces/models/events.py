"""Events of the public calendars: the event, its translations, changes to single dates, and the
iCalendar blocks and feed versions that let a feed be assembled instead of re-serialised."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    DDL,
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .bookings import Booking
from .people import Organisation, User
from .places import Facility, Quarter, Resource
from .types import UTCDateTime, utcnow


class EventStatus(StrEnum):
    DRAFT = "draft"  # a manager's unfinished event, or an organisation's unsent proposal
    PROPOSED = "proposed"  # an organisation's proposal, waiting in the managers' queue
    PUBLISHED = "published"
    REJECTED = "rejected"
    CANCELLED = "cancelled"  # stays in feeds with STATUS:CANCELLED for a while


class Event(db.Model):
    """Something the public may come to, once, all-day or repeating.

    Timed events keep `starts_at`/`ends_at` (UTC instants) of their first occurrence; all-day
    events keep `start_date`/`end_date` (inclusive). A repeating event's `rrule` is read in
    the event's own `timezone`, so a weekly 18:00 stays 18:00 across clock changes.
    """

    __tablename__ = "events"
    # Written in German on the event, in more languages in `translations` (place_texts.text_in).
    TRANSLATED_FIELDS = ("title", "description")

    id: Mapped[int] = mapped_column(primary_key=True)
    # The iCalendar UID: fixed at creation, so subscribed calendars update instead of duplicating.
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    quarter_id: Mapped[int] = mapped_column(ForeignKey("quarters.id"), index=True)
    facility_id: Mapped[int | None] = mapped_column(
        ForeignKey("facilities.id", ondelete="SET NULL"), index=True
    )
    # The booking whose room the event is held in; the event keeps working when it goes.
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL"), index=True
    )
    # The room the event is placed in, held by a booking of its own (`hold`) that the booking
    # engine keeps in step with the event's dates (events/held_rooms.py).
    resource_id: Mapped[int | None] = mapped_column(
        ForeignKey("resources.id", ondelete="SET NULL"), index=True
    )
    hold_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL"), index=True
    )
    place_name: Mapped[str] = mapped_column(String(160), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    show_organiser: Mapped[bool] = mapped_column(default=True)
    # Who proposed it: told by mail when a manager approves or rejects.
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown source, German
    category: Mapped[str] = mapped_column(String(32), default="other")
    target_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_free: Mapped[bool] = mapped_column(default=True)
    cost: Mapped[str] = mapped_column(String(200), default="")
    registration_required: Mapped[bool] = mapped_column(default=False)
    registration_contact: Mapped[str] = mapped_column(String(300), default="")
    step_free: Mapped[bool] = mapped_column(default=False)

    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)  # inclusive last day
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Berlin")
    rrule: Mapped[str] = mapped_column(String(500), default="")  # RFC 5545, in local time
    exdates: Mapped[list[str]] = mapped_column(JSON, default=list)  # local dates left out, ISO
    # The span the whole series covers, for window queries; NULL end = repeats without end.
    first_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    status: Mapped[str] = mapped_column(String(16), default=EventStatus.DRAFT)
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancellation_reason: Mapped[str] = mapped_column(Text, default="")
    is_public: Mapped[bool] = mapped_column(default=True)
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_modified: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The dates a change left out because the room was taken (held_rooms.keep); not stored.
    left_out: tuple = ()

    quarter: Mapped[Quarter] = relationship()
    facility: Mapped[Facility | None] = relationship()
    booking: Mapped[Booking | None] = relationship(foreign_keys=[booking_id])
    resource: Mapped[Resource | None] = relationship()
    hold: Mapped[Booking | None] = relationship(foreign_keys=[hold_id])
    organisation: Mapped[Organisation | None] = relationship()
    proposed_by: Mapped[User | None] = relationship()
    translations: Mapped[list["EventTranslation"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventTranslation.language"
    )
    changes: Mapped[list["OccurrenceChange"]] = relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        order_by="OccurrenceChange.original_date",
    )

    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'proposed', 'published', 'rejected', 'cancelled')", name="status"
        ),
        CheckConstraint(
            "(starts_at IS NOT NULL AND ends_at IS NOT NULL AND ends_at > starts_at"
            " AND start_date IS NULL AND end_date IS NULL)"
            " OR (starts_at IS NULL AND ends_at IS NULL AND start_date IS NOT NULL"
            " AND end_date IS NOT NULL AND end_date >= start_date)",
            name="timed_or_all_day",
        ),
        CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude"),
        CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude"),
        CheckConstraint("sequence >= 0", name="sequence"),
        Index("ix_events_window", "quarter_id", "status", "first_starts_at"),
    )

    @property
    def all_day(self) -> bool:
        return self.start_date is not None

    @property
    def repeats(self) -> bool:
        return bool(self.rrule)

    def translation(self, language: str) -> "EventTranslation | None":
        return next((t for t in self.translations if t.language == language), None)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


# The event a booking holds a room for (events/held_rooms.py): such a booking changes only
# through its event, never on its own (policy). Loaded with every list of bookings in one
# query, since the policy asks it of each.
Booking.held_for = relationship(Event, foreign_keys=[Event.hold_id], viewonly=True,
                                uselist=False, lazy="selectin")


class EventTranslation(db.Model):
    """Title and description in one more language; German lives on the event itself."""

    __tablename__ = "event_translations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[Event] = relationship(back_populates="translations")

    __table_args__ = (
        UniqueConstraint("event_id", "language", name="uq_event_translations_language"),
    )


class OccurrenceChange(db.Model):
    """One date of a repeating event, cancelled or moved/changed.

    `original_date` is the local date the rule produced: the RECURRENCE-ID of the override.
    """

    __tablename__ = "occurrence_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    original_date: Mapped[date] = mapped_column(Date)
    cancelled: Mapped[bool] = mapped_column(default=False)
    # The new time of a moved timed date, or the new dates of a moved all-day date.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")  # reason for a cancellation, or a hint
    # A cancelled date that feeds keep as an override with STATUS:CANCELLED and its reason
    # ("no Spielmobil today: rain"), instead of leaving it out with an EXDATE.
    keep_in_feed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="changes")

    __table_args__ = (
        UniqueConstraint("event_id", "original_date", name="uq_occurrence_changes_date"),
        CheckConstraint(
            "starts_at IS NULL OR (ends_at IS NOT NULL AND ends_at > starts_at)", name="moved_span"
        ),
        CheckConstraint(
            "start_date IS NULL OR (end_date IS NOT NULL AND end_date >= start_date)",
            name="moved_days",
        ),
    )


class EventCalendarBlock(db.Model):
    """The event's VEVENT block(s), serialised by `icalendar` when the event last changed,
    in one visitor language. Feeds concatenate these instead of serialising again."""

    __tablename__ = "event_calendar_blocks"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    sequence: Mapped[int]
    block: Mapped[str] = mapped_column(Text)


class FeedVersion(db.Model):
    """A counter per feed scope ("city", "quarter:<id>", "facility:<id>"), raised in the same
    transaction as every change of an event in it: every worker process sees a change at once."""

    __tablename__ = "feed_versions"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedChange(db.Model):
    """Which events one version of a feed scope touched, written with the version: a process
    holding the feed at an older version patches in only these events' blocks
    (calendar/feed_copies.py). `event_id` NULL means "anything may have changed" (a place
    renamed or switched off, a round re-planned): a full build. Old rows are pruned."""

    __tablename__ = "feed_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(40))
    version: Mapped[int]
    # No foreign key: a deleted event's row says "drop its blocks".
    event_id: Mapped[int | None]

    __table_args__ = (Index("ix_feed_changes_scope_version", "scope", "version"),)


# PostgreSQL announces every committed change of what a feed's version row or its quarter's or
# facility's name and slug say, so that processes can keep those rows (calendar/version_watch.py).
# Migration 0007 writes the same for migrated databases.
FEED_CHANGES_CHANNEL = "meetingplaces_feeds"
_NOTIFY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION meetingplaces_feeds_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{FEED_CHANGES_CHANNEL}', '');
    RETURN NULL;
END $$"""

for _table in (FeedVersion.__table__, Quarter.__table__, Facility.__table__):
    for _statement in (_NOTIFY_FUNCTION, f"""
CREATE TRIGGER feeds_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {_table.name}
FOR EACH STATEMENT EXECUTE FUNCTION meetingplaces_feeds_changed()"""):
        sqlalchemy_event.listen(_table, "after_create",
                                DDL(_statement).execute_if(dialect="postgresql"))
