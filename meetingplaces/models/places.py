"""Where things happen: quarters, facilities, their opening hours, resources and closures."""

from datetime import datetime, time
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class TranslatedTexts:
    """A place whose texts (TRANSLATED_FIELDS) are written in German on the row itself and may
    be translated into more languages in `translations`, as an event's title and description."""

    TRANSLATED_FIELDS: tuple[str, ...] = ()

    def translation(self, language: str):
        return next((t for t in self.translations if t.language == language), None)


class Quarter(TranslatedTexts, db.Model):
    __tablename__ = "quarters"
    TRANSLATED_FIELDS = ("description",)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # Federal state for public holidays (holidays package code, e.g. NW, NI); None = app default.
    holiday_region: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    facilities: Mapped[list["Facility"]] = relationship(
        back_populates="quarter", order_by="Facility.name"
    )
    translations: Mapped[list["QuarterTranslation"]] = relationship(
        cascade="all, delete-orphan", order_by="QuarterTranslation.language", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<Quarter {self.slug}>"


class Facility(TranslatedTexts, db.Model):
    __tablename__ = "facilities"
    TRANSLATED_FIELDS = ("description", "opening_notes", "accessibility")

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter_id: Mapped[int] = mapped_column(ForeignKey("quarters.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    address: Mapped[str] = mapped_column(String(300))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    description: Mapped[str] = mapped_column(Text, default="")
    # Notes beside the weekly hours ("closed in the school holidays", "café from 15:00").
    opening_notes: Mapped[str] = mapped_column(Text, default="")
    accessibility: Mapped[str] = mapped_column(Text, default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(60), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    quarter: Mapped[Quarter] = relationship(back_populates="facilities")
    opening_hours: Mapped[list["OpeningHours"]] = relationship(
        back_populates="facility",
        cascade="all, delete-orphan",
        order_by="(OpeningHours.weekday, OpeningHours.opens_at)",
    )
    resources: Mapped[list["Resource"]] = relationship(
        back_populates="facility", order_by="Resource.name"
    )
    translations: Mapped[list["FacilityTranslation"]] = relationship(
        cascade="all, delete-orphan", order_by="FacilityTranslation.language", lazy="selectin"
    )

    __table_args__ = (
        CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude"),
        CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude"),
    )

    def hours_on(self, weekday: int) -> list["OpeningHours"]:
        return [span for span in self.opening_hours if span.weekday == weekday]

    def __repr__(self) -> str:
        return f"<Facility {self.slug}>"


class OpeningHours(db.Model):
    """One span of a weekday (0 = Monday) when the facility is open; several spans a day allowed."""

    __tablename__ = "opening_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id", ondelete="CASCADE"))
    weekday: Mapped[int]
    opens_at: Mapped[time]
    closes_at: Mapped[time]

    facility: Mapped[Facility] = relationship(back_populates="opening_hours")

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opens"),
        Index("ix_opening_hours_facility_weekday", "facility_id", "weekday"),
    )


class ResourceKind(StrEnum):
    ROOM = "room"
    MOBILE = "mobile"


class Resource(TranslatedTexts, db.Model):
    """Something bookable: a room of a facility, or a mobile resource such as the Spielmobil.

    Its name stays as the house calls it; its description is translated."""

    __tablename__ = "resources"
    TRANSLATED_FIELDS = ("description",)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default=ResourceKind.ROOM)
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"), index=True)
    # The quarter whose managers administer it: a room's facility's quarter, a van's home quarter.
    quarter_id: Mapped[int] = mapped_column(ForeignKey("quarters.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column(default=0)
    equipment: Mapped[list[str]] = mapped_column(JSON, default=list)
    step_free: Mapped[bool] = mapped_column(default=False)
    approval_required: Mapped[bool] = mapped_column(default=True)
    setup_minutes: Mapped[int] = mapped_column(default=0)
    cleanup_minutes: Mapped[int] = mapped_column(default=0)
    min_duration_minutes: Mapped[int] = mapped_column(default=30)
    max_duration_minutes: Mapped[int] = mapped_column(default=12 * 60)
    max_advance_days: Mapped[int] = mapped_column(default=365)
    min_notice_hours: Mapped[int] = mapped_column(default=24)
    # Optional monthly quota of booked hours per organisation; None = unlimited.
    monthly_hours_per_organisation: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    facility: Mapped[Facility | None] = relationship(back_populates="resources")
    quarter: Mapped[Quarter] = relationship()
    translations: Mapped[list["ResourceTranslation"]] = relationship(
        cascade="all, delete-orphan", order_by="ResourceTranslation.language", lazy="selectin"
    )

    __table_args__ = (
        CheckConstraint("kind IN ('room', 'mobile')", name="kind"),
        CheckConstraint(
            "(kind = 'room' AND facility_id IS NOT NULL)"
            " OR (kind = 'mobile' AND facility_id IS NULL)",
            name="room_has_facility",
        ),
        CheckConstraint("capacity >= 0", name="capacity"),
        CheckConstraint("setup_minutes >= 0 AND cleanup_minutes >= 0", name="buffers"),
        CheckConstraint("max_duration_minutes >= min_duration_minutes", name="durations"),
    )

    @property
    def bookable(self) -> bool:
        """Switched on, and so are its facility (for a room) and its quarter."""
        return (self.active and self.quarter.active
                and (self.facility is None or self.facility.active))

    @property
    def is_mobile(self) -> bool:
        return self.kind == ResourceKind.MOBILE

    def __repr__(self) -> str:
        return f"<Resource {self.slug}>"


class QuarterTranslation(db.Model):
    """A quarter's description in one more language; German lives on the quarter itself."""

    __tablename__ = "quarter_translations"

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter_id: Mapped[int] = mapped_column(ForeignKey("quarters.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("quarter_id", "language", name="uq_quarter_translations_language"),
    )


class FacilityTranslation(db.Model):
    """A facility's description, opening notes and accessibility in one more language."""

    __tablename__ = "facility_translations"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text, default="")
    opening_notes: Mapped[str] = mapped_column(Text, default="")
    accessibility: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("facility_id", "language", name="uq_facility_translations_language"),
    )


class ResourceTranslation(db.Model):
    """A room's or a van's description in one more language (the name is not translated)."""

    __tablename__ = "resource_translations"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("resource_id", "language", name="uq_resource_translations_language"),
    )


class Closure(db.Model):
    """A span when a facility (all its rooms) or one resource cannot be booked."""

    __tablename__ = "closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int | None] = mapped_column(
        ForeignKey("facilities.id", ondelete="CASCADE"), index=True
    )
    resource_id: Mapped[int | None] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(200), default="")

    facility: Mapped[Facility | None] = relationship()
    resource: Mapped[Resource | None] = relationship()

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
        CheckConstraint(
            "(facility_id IS NULL) <> (resource_id IS NULL)", name="facility_or_resource"
        ),
    )
