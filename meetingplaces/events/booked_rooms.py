"""Events held in a booked room: which bookings someone may hold an event in, what a linked
booking decides about the event (its facility, its place name, its time), what has gone wrong
with it since (cancelled, rejected, dates no longer booked), and the event a booking suggests
("create an event for this booking").

The event copies the room's facility and names when it is linked, so pages and feeds read the
event alone and keep working when the booking is later cancelled or deleted; when the booking
moves to other rooms, or a room is renamed, the copies follow (events/booking_changes.py).
Nothing of the booker (the requesting person, a guest's name or address) is ever copied.
"""

from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..errors import Forbidden, InvalidInput
from ..models.bookings import (
    ACTIVE_OCCURRENCE_STATUSES,
    Booking,
    BookingStatus,
    Occurrence,
)
from ..models.events import EventStatus
from ..models.places import Resource, ResourceKind
from ..policy import can
from ..timeline import expand as booking_dates
from . import occurrences

LINKABLE_STATUSES = (BookingStatus.PENDING, BookingStatus.APPROVED)
PLACE_NAME_MAX = 160


def rooms_of(resources) -> list[Resource]:
    """The rooms among a booking's (or any list of) resources, by name: the order does not
    depend on how the booking was loaded, so names compared later match."""
    if isinstance(resources, Booking):
        resources = resources.resources
    return sorted((r for r in resources if not r.is_mobile), key=lambda r: (r.name, r.id))


def resources_held(booking: Booking) -> list[Resource]:
    """What the booking's pending and confirmed dates use (all its resources when none is
    left). A booking keeps a resource one date has moved away from; this does not."""
    in_use = {o.resource.id: o.resource for o in booking.occurrences
              if o.status in ACTIVE_OCCURRENCE_STATUSES}
    return list(in_use.values()) or list(booking.resources)


def room_names(rooms) -> str:
    """"Room 1, Room 2": what a linked event's place name is unless the user gave one; for
    a booking, the rooms its dates use."""
    if isinstance(rooms, Booking):
        rooms = resources_held(rooms)
    return ", ".join(room.name for room in rooms_of(rooms))[:PLACE_NAME_MAX]


class HeldIn(NamedTuple):
    """Where a linked event is, for its public page: rooms, facility and address."""

    rooms: str
    facility: str
    address: str


def held_in(event) -> HeldIn | None:
    """"In room X of facility Y", read from the event's own copies (place name, facility,
    address), the same that the feed's LOCATION reads, so that page and feed always agree.
    The booking only decides the wording: the place name must be its rooms' names; a name the
    user gave (or the old name of a room renamed after the event was over) is shown as the
    plain location, as in the feed."""
    if (event.booking is None or event.facility is None or not event.place_name
            or event.place_name != room_names(event.booking)):
        return None
    return HeldIn(event.place_name, event.facility.name,
                  event.address or event.facility.address)


def offers_event(actor, booking: Booking) -> bool:
    """Does the booking's page offer `actor` to create an event held in it?"""
    return (booking.status in LINKABLE_STATUSES and bool(booking.resources)
            and len(rooms_of(booking)) == len(booking.resources)
            and can(actor, "use_for_event", booking))


def check_may_use(actor, booking: Booking) -> None:
    """Only the booking's organisation and the managers of its rooms hold events there."""
    if not can(actor, "use_for_event", booking):
        raise Forbidden(_("You may not hold an event in this booking."), field="booking")


def take_place_from(event, booking: Booking, quarter, *, newly_linked: bool,
                    place_name_given: bool) -> None:
    """The event is where the booked room is: the room's facility, and the room names as the
    place name unless the user gave one. Refuses bookings of rooms outside the quarter."""
    rooms = rooms_of(booking)
    if not rooms or len(rooms) != len(booking.resources) or any(
            room.facility.quarter_id != quarter.id for room in rooms):
        raise InvalidInput(_("Please choose a booking of a room in this quarter."),
                           field="booking")
    event.facility = (rooms_of(resources_held(booking)) or rooms)[0].facility
    if not place_name_given and (newly_linked or not event.place_name):
        event.place_name = room_names(booking)


def first_date(event) -> tuple[datetime, datetime]:
    """The span of the event's first date that takes place: DTSTART, or for a series whose
    first dates are left out or cancelled, the first one the rule still gives."""
    start = event.first_starts_at
    for occurrence in occurrences.expand(event, start, start + timedelta(days=366)):
        if not occurrence.cancelled:
            return occurrence.starts_at, occurrence.ends_at
    return start, start + occurrences.local_span(event)[1]


def _fits(starts_at: datetime, ends_at: datetime, all_day: bool, zone: ZoneInfo,
          active: list[Occurrence]) -> bool:
    """Inside a booked date: a timed date within its span, an all-day date on its day."""
    if all_day:
        return any(o.starts_at.astimezone(zone).date() == starts_at.astimezone(zone).date()
                   for o in active)
    return any(o.starts_at <= starts_at and ends_at <= o.ends_at for o in active)


def check_fits(event, booking: Booking) -> None:
    """The event must take place within the booked time: its first date inside a pending or
    confirmed date of the booking. Later dates of a series are not compared one by one: a
    booking's dates can be changed, left out or added back after the event is published."""
    if booking.status not in LINKABLE_STATUSES:
        raise InvalidInput(
            _("This booking is cancelled or rejected. Please choose another one or none."),
            field="booking")
    starts_at, ends_at = first_date(event)
    active = [o for o in booking.occurrences if o.status in ACTIVE_OCCURRENCE_STATUSES]
    if not _fits(starts_at, ends_at, event.all_day, ZoneInfo(event.timezone), active):
        raise InvalidInput(
            _("The event must take place within the booked time (for a series: its first "
              "date). Please check the date and times."), field="booking")


class Trouble(NamedTuple):
    """What went wrong with a linked event's booking: "cancelled", "rejected", "elsewhere"
    (its rooms are no longer rooms of the event's quarter) or "dates" (`dates`: the event's
    dates to come that the booking no longer holds)."""

    reason: str
    dates: tuple = ()


def in_quarter(booking: Booking, quarter_id: int) -> bool:
    """Do the booking's dates use rooms only, all of them in this quarter?"""
    held = resources_held(booking)
    rooms = rooms_of(held)
    return bool(rooms) and len(rooms) == len(held) and all(
        room.facility.quarter_id == quarter_id for room in rooms)


def dates_outside(event, booking: Booking, now: datetime) -> list:
    """The event's dates to come that no pending or confirmed date of the booking holds, up to
    the booking's last date (cancelled ones included). Dates beyond it are not counted: as in
    check_fits, a series may run on past the booking it starts in."""
    if not booking.occurrences:
        return []
    until = max(o.ends_at for o in booking.occurrences)
    active = [o for o in booking.occurrences if o.status in ACTIVE_OCCURRENCE_STATUSES]
    zone = ZoneInfo(event.timezone)
    return [o for o in occurrences.expand(event, now, until)
            if not o.cancelled and not _fits(o.starts_at, o.ends_at, event.all_day, zone,
                                             active)]


def trouble_of(event, now: datetime) -> Trouble | None:
    """What the people responsible for a linked event must know, or None: its booking was
    cancelled or rejected, moved out of the quarter, or no longer holds dates of the event.
    Only for events not called off that have dates to come."""
    booking = event.booking
    if (booking is None or event.status == EventStatus.CANCELLED
            or event.last_ends_at is not None and event.last_ends_at <= now):
        return None
    if booking.status in (BookingStatus.CANCELLED, BookingStatus.REJECTED):
        return Trouble(str(booking.status))
    if not in_quarter(booking, event.quarter_id):
        return Trouble("elsewhere")
    outside = dates_outside(event, booking, now)
    return Trouble("dates", tuple(outside)) if outside else None


def linkable_bookings(session, actor, *, quarter_ids, now: datetime) -> list[Booking]:
    """Bookings of rooms in these quarters that `actor` may hold an event in and that still
    have a date to come, the soonest first."""
    if not getattr(actor, "is_authenticated", False):
        return []
    upcoming = select(Occurrence.booking_id).where(
        Occurrence.status.in_(ACTIVE_OCCURRENCE_STATUSES), Occurrence.ends_at > now)
    query = (
        select(Booking)
        .where(Booking.status.in_(LINKABLE_STATUSES), Booking.id.in_(upcoming),
               Booking.resources.any(Resource.quarter_id.in_(list(quarter_ids))),
               ~Booking.resources.any(Resource.kind != ResourceKind.ROOM))
        .options(selectinload(Booking.resources).selectinload(Resource.facility),
                 selectinload(Booking.occurrences), selectinload(Booking.organisation))
    )
    if not actor.is_admin:
        query = query.where(or_(
            Booking.organisation_id.in_([o.id for o in actor.organisations]),
            Booking.resources.any(
                Resource.quarter_id.in_([q.id for q in actor.managed_quarters]))))
    found = [b for b in session.scalars(query) if can(actor, "use_for_event", b)]
    return sorted(found, key=lambda b: (next_date(b, now), b.id))


def next_date(booking: Booking, now: datetime) -> datetime:
    """The start of the booking's next pending or confirmed date (or its last one)."""
    active = [o for o in booking.occurrences if o.status in ACTIVE_OCCURRENCE_STATUSES]
    coming = [o.starts_at for o in active if o.ends_at > now]
    return min(coming) if coming else max((o.starts_at for o in active), default=now)


def _rule_without_end(rule: str) -> str:
    parts = [part for part in rule.split(";")
             if part.split("=", 1)[0] not in ("UNTIL", "COUNT") and part != "INTERVAL=1"]
    return ";".join(parts)


def event_fields_for(booking: Booking, zone: ZoneInfo) -> dict:
    """The event a booking suggests: its title, rooms, organisation, and dates.

    A single booking gives its (possibly moved) date. A series keeps its first date and rule,
    ends on its last pending or confirmed date (a COUNT becomes an UNTIL), and leaves out its
    skipped and cancelled dates. Dates moved one by one stay at the series' time.
    """
    active = sorted((o for o in booking.occurrences
                     if o.status in ACTIVE_OCCURRENCE_STATUSES), key=lambda o: o.starts_at)
    rooms = rooms_of(resources_held(booking))
    fields = {
        "title": booking.title, "booking": booking, "organisation": booking.organisation,
        "quarter": rooms[0].facility.quarter if rooms else None,
        "facility": rooms[0].facility if rooms else None,
        "place_name": room_names(booking), "rrule": "", "exdates": [],
    }
    if not booking.rrule or not active:
        first = active[0] if active else None
        fields["starts_at"] = (first.starts_at if first else
                               booking.local_start.replace(tzinfo=zone)).astimezone(zone)
        fields["ends_at"] = (first.ends_at if first else
                             booking.local_end.replace(tzinfo=zone)).astimezone(zone)
        return fields
    fields["starts_at"] = booking.local_start.replace(tzinfo=zone)
    fields["ends_at"] = booking.local_end.replace(tzinfo=zone)
    taking_place = {o.original_date for o in active}
    last = max(taking_place)
    series = [slot.original_date for slot in booking_dates(
        booking.local_start, booking.local_end, booking.rrule)]
    dropped = {day for day in series if day <= last and day not in taking_place}
    fields["rrule"] = f"{_rule_without_end(booking.rrule)};UNTIL={last:%Y%m%d}"
    fields["exdates"] = sorted({*booking.exdates, *(d.isoformat() for d in dropped)})
    return fields
