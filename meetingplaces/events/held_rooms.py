"""Events placed in a room hold it: the booking engine keeps a booking of the event's own (its
`hold`) whose dates are the event's dates to come, so that no booking can take the room then,
and the day, week and availability views show it busy like any booking.

`keep` runs after every change of an event (publishing.record_change, create_event,
delete_event): a published event holds its dates, a proposal asks for them as pending dates
until it is moderated, anything else (a draft, a rejected or cancelled event, a deleted one)
frees them. Moved and cancelled dates follow, as an edit of the event's times does. A clash is
refused by the engine with its own BookingConflict, as for a request.

The hold reaches as far ahead as anybody may book the room (its `max_advance_days`): nobody
can take a later date either. The dates of a long or endless series beyond it are held as the
horizon moves on, by the next change of the event or by the daily `flask
attendance-reminders` (cli.py), which calls `keep` for each event `running_on`. When that
run is refused (a holiday or a closure reached by the horizon), `dates_not_held` shows the
event on the start page of its organiser and its quarter's managers.

An event held in a booking somebody made (`Event.booking`, events/booked_rooms.py) has no room
of its own: that booking holds the room.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..booking.requests import keep_hold
from ..booking.rules import Settings
from ..database import begin_write, lock_row
from ..errors import Forbidden, InvalidInput
from ..models.bookings import ACTIVE_OCCURRENCE_STATUSES, Occurrence
from ..models.events import Event, EventStatus
from ..models.places import Facility, Resource, ResourceKind
from ..policy import can
from ..timeline import LocalSlot
from . import occurrences

HOLDING = (EventStatus.PUBLISHED, EventStatus.PROPOSED)


def rooms_in(session, quarter) -> list[Resource]:
    """The rooms an event of `quarter` can be placed in: the active rooms of its active
    facilities, by facility and name."""
    return list(session.scalars(
        select(Resource).join(Facility, Facility.id == Resource.facility_id)
        .where(Facility.quarter_id == quarter.id, Facility.active.is_(True),
               Resource.active.is_(True), Resource.kind == ResourceKind.ROOM)
        .order_by(Facility.name, Resource.name)))


def check_room(actor, event: Event, room: Resource, quarter) -> None:
    """May `actor` place the event in `room`? A room of the event's quarter that can be booked,
    and someone who may book it (policy "place_event_in"; create_event and update_event have
    made sure that a member acts for the event's own organisation)."""
    if not isinstance(room, Resource) or room.is_mobile:
        raise InvalidInput(_("Please choose a room from the list."), field="resource")
    if room.facility is None or room.facility.quarter_id != quarter.id:
        raise InvalidInput(_("Please choose a room in this quarter."), field="resource")
    if not room.bookable:
        raise InvalidInput(_("%(name)s cannot be booked at the moment.", name=room.name),
                           field="resource")
    if not can(actor, "place_event_in", room):
        raise Forbidden(_("You may not book this room for the event."), field="resource")


def take_room(event: Event, room: Resource | None) -> None:
    """The room decides the facility; its name becomes the place name unless another was
    given (a place name that was the old room's name follows the new room)."""
    old = event.resource
    event.resource = room
    if room is None:
        return
    event.facility = room.facility
    if not event.place_name or old is not None and event.place_name == old.name:
        event.place_name = room.name


def before_change(session, event: Event | None, *, placing: bool = False) -> None:
    """A change of an event in a room writes bookings: take the write lock before it starts
    (database.begin_write), so that a refusal rolls the whole change back. A stored event's
    row is locked too (and read again), so that two changes placing it in a room at once
    cannot each make a hold: the second sees the first one's."""
    if not (placing or event is not None and (event.resource_id or event.hold_id)):
        return
    if event is not None and event.id is not None:
        lock_row(session, event)
    else:
        begin_write(session)


def slots_to_hold(event: Event, room: Resource, now: datetime, zone: ZoneInfo
                  ) -> list[LocalSlot]:
    """The event's dates to come that its room must hold, in the city's wall-clock time: not
    cancelled, not begun, within the room's booking horizon."""
    horizon = now + timedelta(days=room.max_advance_days)
    slots = []
    for date in occurrences.expand(event, now, horizon):
        if date.cancelled or date.starts_at < now or date.starts_at > horizon:
            continue
        start, end = date.starts_at.astimezone(zone), date.ends_at.astimezone(zone)
        slots.append(LocalSlot(date.original_date, start.replace(tzinfo=None),
                               end.replace(tzinfo=None)))
    return slots


def keep(session, event: Event, *, actor, now: datetime, settings: Settings,
         deleted: bool = False, free_dates_only: bool = False) -> None:
    """Bring the event's hold in step with what the event is now (see the module's text).

    With `free_dates_only`, the dates whose room is taken become the event's exdates (named
    in `event.left_out`) instead of refusing the change: the event does not take place
    where its room cannot be held."""
    if event.resource is None and event.hold is None:
        return
    holding = (not deleted and event.resource is not None and not event.all_day
               and event.status in HOLDING)
    room = event.resource if holding else None
    slots = slots_to_hold(event, room, now, settings.zone) if holding else []
    event.hold = keep_hold(
        session, actor=actor, hold=event.hold, organisation=event.organisation,
        resource=room, slots=slots, title=event.title, public=event.is_public,
        confirmed=event.status == EventStatus.PUBLISHED, free_dates_only=free_dates_only,
        now=now, settings=settings)
    if free_dates_only and event.hold is not None and event.hold.left_out:
        event.left_out = event.hold.left_out
        event.exdates = sorted({*event.exdates, *(d.isoformat() for d in event.left_out)})
        event.first_starts_at, event.last_ends_at = occurrences.series_span(event)


def running_on(session, now: datetime) -> list[int]:
    """The events in a room whose series runs on: their holds grow as the horizon moves
    (`flask attendance-reminders`, daily, calls `keep` for each)."""
    return list(session.scalars(
        select(Event.id).where(Event.resource_id.is_not(None), Event.status.in_(HOLDING),
                               Event.rrule != "",
                               or_(Event.last_ends_at.is_(None), Event.last_ends_at > now))
        .order_by(Event.id)))


# The daily run extends holds once a day: a date that entered the horizon since may wait.
DAILY_RUN_GRACE = timedelta(days=2)


def dates_not_held(session, now: datetime, *, quarter_ids=None, organisation_ids=None
                   ) -> list[tuple[Event, list[datetime]]]:
    """Events in a room with dates to come that their room does not hold although it could be
    booked then: the daily run met a holiday, a closure or a booking as the horizon moved on
    (and then holds no later date either, all or nothing). Each with those dates' starts, so
    that the organiser and the quarter's managers learn it (start_page) and can leave them
    out or move them. `quarter_ids` or `organisation_ids` narrow the events (None: all)."""
    query = (select(Event)
             .where(Event.resource_id.is_not(None), Event.status.in_(HOLDING),
                    or_(Event.last_ends_at.is_(None), Event.last_ends_at > now))
             .options(selectinload(Event.resource), selectinload(Event.changes))
             .order_by(Event.first_starts_at, Event.id))
    if quarter_ids is not None or organisation_ids is not None:
        query = query.where(or_(Event.quarter_id.in_(quarter_ids or []),
                                Event.organisation_id.in_(organisation_ids or [])))
    events = session.scalars(query).all()
    hold_ids = [event.hold_id for event in events if event.hold_id]
    held = set(session.execute(
        select(Occurrence.booking_id, Occurrence.starts_at)
        .where(Occurrence.booking_id.in_(hold_ids), Occurrence.starts_at >= now,
               Occurrence.status.in_(ACTIVE_OCCURRENCE_STATUSES))).all()) if hold_ids else set()
    found = []
    for event in events:
        until = now + timedelta(days=event.resource.max_advance_days) - DAILY_RUN_GRACE
        missing = [date.starts_at for date in occurrences.expand(event, now, until)
                   if not date.cancelled and now <= date.starts_at <= until
                   and (event.hold_id, date.starts_at) not in held]
        if missing:
            found.append((event, missing))
    return found
