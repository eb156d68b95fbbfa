"""An initiative asks for the Spielmobil (a street festival): the request waits in the normal
approval queue; here the manager sees which round dates it collides with and approves it by
moving or cancelling those dates, all in one transaction."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..booking import approve_booking
from ..booking.conflicts import overlapping
from ..booking.rules import Settings
from ..database import begin_write, refusals_roll_back
from ..errors import InvalidInput
from ..models.bookings import Booking, BookingStatus, Occurrence, OccurrenceStatus
from ..models.places import Resource
from ..models.rounds import Round, RoundDate, Stop, round_date_staff
from ..policy import can
from .dates import cancel_date, move_date


def spielmobil_requests(session, manager) -> list[Booking]:
    """Pending requests for mobile resources this manager decides on, oldest first."""
    rows = session.scalars(
        select(Booking).where(Booking.status == BookingStatus.PENDING,
                              Booking.resources.any(Resource.kind == "mobile"))
        .order_by(Booking.created_at)
    ).all()
    return [booking for booking in rows if can(manager, "approve", booking)]


def colliding_dates(session, booking: Booking) -> list[RoundDate]:
    """Round dates whose booking holds the van when the request's pending dates want it."""
    pending = [o for o in booking.occurrences if o.status == OccurrenceStatus.PENDING]
    if not pending:
        return []
    holders = select(Occurrence.booking_id).where(
        Occurrence.status == OccurrenceStatus.CONFIRMED,
        or_(*(overlapping(o.resource_id, o.blocked_from, o.blocked_until) for o in pending)),
    )
    return list(session.scalars(
        select(RoundDate).where(RoundDate.booking_id.in_(holders))
        .order_by(RoundDate.starts_at)
    ))


@dataclass(frozen=True)
class Yield:
    """What happens to one colliding round date: cancelled with a reason, or moved."""

    round_date: RoundDate
    local_start: datetime | None = None  # None = cancel
    local_end: datetime | None = None


@refusals_roll_back
def approve_by_yielding(session, *, actor, booking: Booking, yields: list[Yield], reason: str,
                        now: datetime, settings: Settings) -> Booking:
    """Move or cancel the colliding round dates and approve the request, in one step: when
    the approval still conflicts, none of the round changes stays either."""
    if not yields:
        raise InvalidInput(_("Choose what happens to each colliding date."), field="yields")
    begin_write(session)
    for item in yields:
        if item.local_start is None:
            cancel_date(session, actor=actor, round_date=item.round_date, reason=reason, now=now,
                        settings=settings)
        else:
            move_date(session, actor=actor, round_date=item.round_date,
                      local_start=item.local_start, local_end=item.local_end, note=reason,
                      now=now, settings=settings)
    return approve_booking(session, actor=actor, booking=booking, now=now, settings=settings)


def rounds_of(session, actor) -> list[Round]:
    """The rounds a manager may see, newest season first."""
    rows = session.scalars(select(Round).order_by(Round.season_start.desc(), Round.id)).all()
    return [r for r in rows if can(actor, "manage", r)]


def staff_dates(session, person, since: datetime) -> list[RoundDate]:
    """A staff member's own dates from `since` on, in order."""
    return list(session.scalars(
        select(RoundDate)
        .join(round_date_staff, round_date_staff.c.round_date_id == RoundDate.id)
        .join(Stop, Stop.id == RoundDate.stop_id)
        .where(round_date_staff.c.user_id == person.id, RoundDate.ends_at >= since)
        .order_by(RoundDate.starts_at)
    ))
