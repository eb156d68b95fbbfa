"""The outbox: mail is stored in the request's transaction and sent afterwards, with retries."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # [{"filename": ..., "content_type": ..., "data": <text>}], e.g. an .ics file
    attachments: Mapped[list[dict]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # X-Request-ID of the request that queued it: the sender's log lines name it too.
    request_id: Mapped[str | None] = mapped_column(String(128))
    # The sender that holds the message until next_attempt_at (its lease); see mail/outbox.py.
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    # The quarter the mail is about (a booking's, an event's, a stop's): its managers see it
    # if it cannot be delivered. None for account mail, which only the city coordinator sees.
    quarter_id: Mapped[int | None] = mapped_column(
        ForeignKey("quarters.id", ondelete="SET NULL"), index=True)

    __table_args__ = (Index("ix_outbox_messages_due", "sent_at", "failed_at", "next_attempt_at"),)


class SentReminder(db.Model):
    """The reminder of one date went out (reminders.py): a booked date, a Spielmobil stop or an
    event date, by its kind, its booking's, round date's or event's id and the date its rule
    gave. The primary key makes it once, however often and on however many nodes it runs."""

    __tablename__ = "sent_reminders"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("kind IN ('booking', 'stop', 'event')", name="kind"),)
