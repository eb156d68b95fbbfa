"""The managers' moderation queue: organisations' proposals are approved or rejected."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..database import lock_row
from ..errors import Conflict, InvalidInput
from ..models.bookings import Booking, Occurrence
from ..models.events import Event, EventStatus
from . import held_rooms, notices
from .publishing import guest_visible, record_change, require


def moderation_queue(session, actor) -> list[Event]:
    """Proposals in the quarters `actor` manages, oldest first."""
    query = (
        select(Event)
        .where(Event.status == EventStatus.PROPOSED)
        .options(selectinload(Event.organisation), selectinload(Event.quarter))
        .order_by(Event.created_at, Event.id)
    )
    if not actor.is_admin:
        query = query.where(Event.quarter_id.in_([q.id for q in actor.managed_quarters]))
    return list(session.scalars(query))


def _lock_proposal(session, event: Event) -> None:
    """Decide on the proposal as it is now; a decision that came first is named."""
    lock_row(session, event)
    if event.status == EventStatus.PUBLISHED:
        raise Conflict(_("This proposal has been approved in the meantime."))
    if event.status == EventStatus.REJECTED:
        raise Conflict(_("This proposal has been rejected in the meantime."))


def approve_event(session, event: Event, *, actor, now: datetime) -> Event:
    """Publish a proposal; the proposer is told by mail."""
    require(actor, "moderate", event)
    held_rooms.before_change(session, event)
    _lock_proposal(session, event)
    if event.status != EventStatus.PROPOSED:
        raise InvalidInput(_("Only proposals wait for approval."))
    before = guest_visible(event)
    event.status = EventStatus.PUBLISHED
    event.rejection_reason = ""
    record_change(session, event, actor=actor, now=now, action="approve", before=before)
    notices.tell_proposer(session, event, approved=True)
    return event


def reject_event(session, event: Event, *, actor, now: datetime, reason: str) -> Event:
    """Turn a proposal down with a reason the proposer reads in their mail."""
    require(actor, "moderate", event)
    held_rooms.before_change(session, event)
    _lock_proposal(session, event)
    if event.status != EventStatus.PROPOSED:
        raise InvalidInput(_("Only proposals can be rejected."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Please give a reason for the proposer."), field="reason")
    if len(reason) > 2000:
        raise InvalidInput(_("At most %(count)d characters.", count=2000), field="reason")
    before = guest_visible(event)
    event.status = EventStatus.REJECTED
    event.rejection_reason = reason
    record_change(session, event, actor=actor, now=now, action="reject", before=before,
                  details={"reason": reason})
    notices.tell_proposer(session, event, approved=False)
    return event


def events_of(session, actor) -> list[Event]:
    """The events a user looks after: in the quarters they manage, or of their organisations."""
    query = select(Event).options(
        selectinload(Event.quarter), selectinload(Event.organisation),
        # what booked_rooms.trouble_of reads, for the list's "check the booked room"
        selectinload(Event.booking).selectinload(Booking.occurrences).selectinload(
            Occurrence.resource),
        selectinload(Event.changes))
    if not actor.is_admin:
        quarters = [q.id for q in actor.managed_quarters]
        organisations = [m.organisation_id for m in actor.memberships]
        query = query.where(Event.quarter_id.in_(quarters)
                            | Event.organisation_id.in_(organisations))
    return list(session.scalars(query.order_by(Event.first_starts_at.desc(), Event.id)))
