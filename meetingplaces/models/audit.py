"""The edit log: who did what to which thing, and when."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db
from .people import User
from .types import UTCDateTime, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Free text for actors without an account (a guest's e-mail, "system").
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(60))
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_audit_entries_subject", "subject_type", "subject_id", "at"),)


def record(
    session,
    *,
    actor,
    subject_type: str,
    subject_id: int,
    action: str,
    details: dict | None = None,
    at: datetime | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry to the edit log in the caller's transaction. An actor without an
    account (a booking guest) is written down by its `audit_label`."""
    is_guest = getattr(actor, "is_guest", False)
    entry = AuditEntry(
        actor_id=None if is_guest else getattr(actor, "id", None),
        actor_label=actor_label or (actor.audit_label if is_guest else ""),
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        details=details or {},
        at=at or utcnow(),
    )
    session.add(entry)
    counts = session.info.get(COUNTS)
    if counts is not None and (subject_type, subject_id) in counts:
        counts[subject_type, subject_id] += 1
    return entry


# Entries per subject known to this session without counting them: a subject created in it.
COUNTS = "meetingplaces.audit_counts"


def count_from_first(session, subject_type: str, subject_id: int) -> None:
    """The entry just recorded is the subject's first (it was created in this transaction):
    from here on this session knows how many it has (SEQUENCE without a COUNT)."""
    session.info.setdefault(COUNTS, {})[subject_type, subject_id] = 1


def known_count(session, subject_type: str, subject_id: int) -> int | None:
    return session.info.get(COUNTS, {}).get((subject_type, subject_id))


@event.listens_for(Session, "after_transaction_end")
def _forget_counts(session, transaction) -> None:
    """Known only within the transaction that created the subject: a rollback undoes its
    entries, and after a commit other sessions may add to them."""
    session.info.pop(COUNTS, None)
