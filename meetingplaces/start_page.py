"""What a logged-in person finds after login: for a manager what waits for a decision and the
week's programme across their quarters, for an initiative its requests, next dates and what
needs its answer, for the Spielmobil team its next stops.

Reading only, no Flask request: the session, the person, `now` and the city's zone are passed
in. Every section is one query (with its eager loads), never one per item, so the page costs
the same with three requests waiting or three hundred.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from .accounts.registrations import pending_for
from .booking import approval_queue
from .booking.schedule import visible_title
from .booking_origins import asked_for
from .events.booked_rooms import Trouble, trouble_of
from .events.held_rooms import dates_not_held
from .events.moderation import moderation_queue
from .mail.outbox import failed_messages_for
from .models import OutboxMessage, Resource, User
from .models.bookings import (
    Booking,
    BookingStatus,
    Occurrence,
    OccurrenceStatus,
    WaitingRequest,
    WaitingStatus,
)
from .models.events import Event, EventStatus
from .models.reports import EventDate
from .models.rounds import RoundDate, Stop, round_date_staff
from .policy import can

PROGRAMME_DAYS = 7  # today and the six days after it
NEXT_DAYS = 14  # how far an initiative's and the team's "next dates" look ahead
NEXT_LIMIT = 10
FAILED_MAIL_SHOWN = 5


@dataclass(frozen=True)
class Item:
    """One line of a programme or of "next dates": a booked date, an event date or a stop."""

    kind: str  # "booking" | "event" | "stop"
    id: int  # the booking's, event's or round date's id: what the line links to
    title: str | None  # None: a booking whose title is not for this viewer's eyes
    starts_at: datetime
    ends_at: datetime
    status: str  # booking: pending | confirmed | cancelled; event/stop: planned | cancelled
    moved: bool = False
    where: str = ""  # rooms, or the place of an event or stop
    day: date | None = None  # the date the rule gave (events: to link to the date's page)


@dataclass
class Place:
    """A facility (or a place without one: the Spielmobil, a square) on one day."""

    name: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Day:
    day: date
    places: list[Place]

    @property
    def count(self) -> int:
        return sum(len(place.items) for place in self.places)


@dataclass(frozen=True)
class ManagerTasks:
    requests: list[Booking]
    proposals: list[Event]
    registrations: list
    offers: list[tuple[WaitingRequest, list[Resource]]]
    rooms_gone: list[tuple[Event, object]]  # (event, booked_rooms.Trouble)
    failed_mail: list[OutboxMessage] | None  # None: not this person's business

    @property
    def waiting(self) -> int:
        return (len(self.requests) + len(self.proposals) + len(self.registrations)
                + len(self.offers) + len(self.rooms_gone) + len(self.failed_mail or ()))


@dataclass(frozen=True)
class InitiativeOverview:
    requests: list[Booking]
    next_dates: list[Item]
    offers: list[WaitingRequest]
    drafts: list[Event]
    rooms_gone: list[tuple[Event, object]]


def _quarter_ids(user: User) -> list[int] | None:
    """The quarters a manager looks after; None for the city's coordinator (all of them)."""
    return None if user.is_admin else [q.id for q in user.managed_quarters]


def _day_bounds(first: date, days: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return (datetime.combine(first, time(), zone),
            datetime.combine(first + timedelta(days=days), time(), zone))


# --- managers ---------------------------------------------------------------------------------


def manager_tasks(session, manager: User, now: datetime) -> ManagerTasks:
    """Everything that waits for this manager, each list in the order it is best handled."""
    return ManagerTasks(
        requests=approval_queue(session, manager),
        proposals=moderation_queue(session, manager),
        registrations=pending_for(session, manager),
        offers=open_offers(session, manager, now),
        rooms_gone=rooms_gone(session, now, quarter_ids=_quarter_ids(manager)),
        failed_mail=(failed_messages_for(session, manager)
                     if can(manager, "list", OutboxMessage) else None),
    )


def open_offers(session, manager: User, now: datetime):
    """Waiting-list offers not yet taken, for rooms in the manager's quarters, with their
    resources: the slot stays open until the offer is taken or passes on."""
    entries = session.scalars(
        select(WaitingRequest)
        .where(WaitingRequest.status == WaitingStatus.OFFERED,
               WaitingRequest.offer_expires_at > now)
        .options(selectinload(WaitingRequest.organisation), selectinload(WaitingRequest.guest))
        .order_by(WaitingRequest.offer_expires_at, WaitingRequest.id)).all()
    wanted = {resource_id for entry in entries for resource_id in entry.resource_ids}
    resources = {r.id: r for r in session.scalars(
        select(Resource).where(Resource.id.in_(wanted)))} if wanted else {}
    found = []
    for entry in entries:
        held = [resources[i] for i in entry.resource_ids if i in resources]
        if held and any(manager.manages(r.quarter_id) for r in held):
            found.append((entry, held))
    return found


def _linked_events(now: datetime, *, quarter_ids, organisation_ids):
    """Events held in a booking that still have dates to come, with what trouble_of reads."""
    query = (
        select(Event)
        .where(Event.booking_id.is_not(None), Event.status != EventStatus.CANCELLED,
               or_(Event.last_ends_at.is_(None), Event.last_ends_at > now))
        .options(selectinload(Event.booking).selectinload(Booking.occurrences)
                 .selectinload(Occurrence.resource).selectinload(Resource.facility),
                 selectinload(Event.booking).selectinload(Booking.resources)
                 .selectinload(Resource.facility),
                 selectinload(Event.changes))
        .order_by(Event.first_starts_at, Event.id)
    )
    if quarter_ids is not None or organisation_ids is not None:
        query = query.where(or_(Event.quarter_id.in_(quarter_ids or []),
                                Event.organisation_id.in_(organisation_ids or [])))
    return query


def rooms_gone(session, now: datetime, *, quarter_ids=None, organisation_ids=None
               ) -> list[tuple[Event, Trouble]]:
    """Events whose booked room was cancelled, rejected, moved out of the quarter or no longer
    holds their dates (booked_rooms.trouble_of), and events in a room that it does not hold on
    some dates (held_rooms.dates_not_held: "unheld"); of these quarters or organisations
    (None: all), for their managers or their organisers alike."""
    narrowed = {"quarter_ids": quarter_ids, "organisation_ids": organisation_ids}
    found = []
    for event in session.scalars(_linked_events(now, **narrowed)):
        trouble = trouble_of(event, now)
        if trouble is not None:
            found.append((event, trouble))
    return found + [(event, Trouble("unheld", tuple(dates)))
                    for event, dates in dates_not_held(session, now, **narrowed)]


def programme(session, manager: User, *, first: date, zone: ZoneInfo,
              days: int = PROGRAMME_DAYS) -> list[Day]:
    """Events and booked dates in the manager's quarters, day by day from `first`, per
    facility, in order of time; cancelled and moved dates stay in, marked."""
    since, until = _day_bounds(first, days, zone)
    quarter_ids = _quarter_ids(manager)
    items = [*_booked(session, manager, quarter_ids, since, until, zone),
             *_event_dates(session, quarter_ids, since, until, zone)]
    by_day: dict[date, dict[tuple, Place]] = {}
    for place, item in sorted(items, key=lambda pair: (pair[1].starts_at, pair[0])):
        local_day = max(item.starts_at, since).astimezone(zone).date()
        places = by_day.setdefault(local_day, {})
        places.setdefault(place, Place(place[0])).items.append(item)
    return [Day(first + timedelta(days=n),
                sorted(by_day.get(first + timedelta(days=n), {}).values(),
                       key=lambda place: place.name.lower()))
            for n in range(days)]


def _booked(session, viewer: User, quarter_ids, since: datetime, until: datetime,
            zone: ZoneInfo):
    """((place name, facility id), item) per booked date; the several rooms of one booking at
    one time are one line. The van's dates of a round are left out: its stop events show them."""
    query = (
        select(Occurrence)
        .join(Resource, Resource.id == Occurrence.resource_id)
        .where(Occurrence.status.in_((OccurrenceStatus.PENDING, OccurrenceStatus.CONFIRMED,
                                      OccurrenceStatus.CANCELLED)),
               Occurrence.starts_at < until, Occurrence.ends_at > since,
               asked_for(Occurrence.booking_id))
        .options(selectinload(Occurrence.booking).selectinload(Booking.resources),
                 selectinload(Occurrence.resource).selectinload(Resource.facility))
        .order_by(Occurrence.starts_at, Resource.name)
    )
    if quarter_ids is not None:
        query = query.where(Resource.quarter_id.in_(quarter_ids))
    lines: dict[tuple, list[Occurrence]] = {}
    for occurrence in session.scalars(query):
        resource = occurrence.resource
        facility = resource.facility
        place = (facility.name, facility.id) if facility is not None else (resource.name, 0)
        key = (place, occurrence.booking_id, occurrence.starts_at, occurrence.ends_at,
               occurrence.status)
        lines.setdefault(key, []).append(occurrence)
    for (place, booking_id, starts_at, ends_at, status), occurrences in lines.items():
        booking = occurrences[0].booking
        moved = starts_at.astimezone(zone).date() != occurrences[0].original_date
        # A room is named by its facility's heading; the van by where it will stand.
        where = ", ".join(o.resource.name for o in occurrences if o.resource.facility) \
            or booking.location
        yield place, Item("booking", booking_id, visible_title(viewer, booking), starts_at,
                          ends_at, str(status), moved, where, occurrences[0].original_date)


def _event_dates(session, quarter_ids, since: datetime, until: datetime, zone: ZoneInfo):
    """((place name, facility id), item) per date of a published (or called off) event, from
    the stored dates (models.reports.EventDate): moved and cancelled dates need no expansion."""
    query = (
        select(EventDate, Event)
        .join(Event, Event.id == EventDate.event_id)
        .where(Event.status.in_((EventStatus.PUBLISHED, EventStatus.CANCELLED)),
               EventDate.starts_at < until, EventDate.ends_at > since)
        .options(selectinload(Event.facility))
        .order_by(EventDate.starts_at, Event.id)
    )
    if quarter_ids is not None:
        query = query.where(Event.quarter_id.in_(quarter_ids))
    for event_date, event in session.execute(query):
        place = ((event.facility.name, event.facility.id) if event.facility is not None
                 else (event.place_name or event.address, 0))
        cancelled = event_date.cancelled or event.status == EventStatus.CANCELLED
        yield place, Item("event", event.id, event.title, event_date.starts_at,
                          event_date.ends_at, "cancelled" if cancelled else "planned",
                          event_date.moved, event.place_name if event.facility else "",
                          event_date.original_date)


# --- initiatives ------------------------------------------------------------------------------


def initiative_overview(session, user: User, now: datetime) -> InitiativeOverview:
    """An initiative's requests still waiting, its next dates (booked and public), and what
    needs its answer: waiting-list offers, unsent proposals, events whose room has gone."""
    organisation_ids = [o.id for o in user.organisations]
    if not organisation_ids:
        return InitiativeOverview([], [], [], [], [])
    requests = list(session.scalars(
        select(Booking)
        .where(Booking.organisation_id.in_(organisation_ids),
               Booking.status == BookingStatus.PENDING)
        .options(selectinload(Booking.resources), selectinload(Booking.occurrences),
                 selectinload(Booking.organisation))
        .order_by(Booking.created_at, Booking.id)))
    offers = list(session.scalars(
        select(WaitingRequest)
        .where(WaitingRequest.status == WaitingStatus.OFFERED,
               WaitingRequest.offer_expires_at > now,
               or_(WaitingRequest.organisation_id.in_(organisation_ids),
                   WaitingRequest.requested_by_id == user.id))
        .order_by(WaitingRequest.offer_expires_at, WaitingRequest.id)))
    drafts = list(session.scalars(
        select(Event)
        .where(Event.organisation_id.in_(organisation_ids),
               Event.status.in_((EventStatus.DRAFT, EventStatus.REJECTED)))
        .options(selectinload(Event.organisation))
        .order_by(Event.created_at, Event.id)))
    return InitiativeOverview(requests, _next_dates(session, user, organisation_ids, now),
                              offers, drafts,
                              rooms_gone(session, now, organisation_ids=organisation_ids))


def _next_dates(session, user: User, organisation_ids: list[int], now: datetime) -> list[Item]:
    """The organisations' booked dates (pending or confirmed) and public event dates of the
    next two weeks, soonest first."""
    until = now + timedelta(days=NEXT_DAYS)
    booked = session.scalars(
        select(Occurrence)
        .join(Booking, Booking.id == Occurrence.booking_id)
        .where(Booking.organisation_id.in_(organisation_ids),
               Occurrence.status.in_((OccurrenceStatus.PENDING, OccurrenceStatus.CONFIRMED)),
               Occurrence.ends_at > now, Occurrence.starts_at < until,
               asked_for(Occurrence.booking_id))
        .options(selectinload(Occurrence.booking),
                 selectinload(Occurrence.resource).selectinload(Resource.facility))
        .order_by(Occurrence.starts_at, Occurrence.id)).all()
    lines: dict[tuple, list[Occurrence]] = {}
    for occurrence in booked:
        key = (occurrence.booking_id, occurrence.starts_at, occurrence.ends_at)
        lines.setdefault(key, []).append(occurrence)
    items = [
        Item("booking", booking_id, occurrences[0].booking.title, starts_at, ends_at,
             str(occurrences[0].status),
             where=", ".join(_room_label(o.resource) for o in occurrences),
             day=occurrences[0].original_date)
        for (booking_id, starts_at, ends_at), occurrences in lines.items()
    ]
    dated = session.execute(
        select(EventDate, Event)
        .join(Event, Event.id == EventDate.event_id)
        .where(Event.organisation_id.in_(organisation_ids),
               Event.status == EventStatus.PUBLISHED, EventDate.cancelled.is_(False),
               EventDate.ends_at > now, EventDate.starts_at < until)
        .options(selectinload(Event.facility))
        .order_by(EventDate.starts_at)).all()
    items += [Item("event", event.id, event.title, d.starts_at, d.ends_at, "planned", d.moved,
                   event.place_name or (event.facility.name if event.facility else ""),
                   d.original_date)
              for d, event in dated]
    return sorted(items, key=lambda item: (item.starts_at, item.kind, item.id))[:NEXT_LIMIT]


def _room_label(resource: Resource) -> str:
    return (f"{resource.name}, {resource.facility.name}" if resource.facility is not None
            else resource.name)


# --- the Spielmobil team ----------------------------------------------------------------------


def next_stops(session, person: User, now: datetime, limit: int = NEXT_LIMIT) -> list[RoundDate]:
    """The person's own stops still to come (cancelled ones too, so nobody drives out)."""
    return list(session.scalars(
        select(RoundDate)
        .join(round_date_staff, round_date_staff.c.round_date_id == RoundDate.id)
        .where(round_date_staff.c.user_id == person.id, RoundDate.ends_at > now)
        .options(selectinload(RoundDate.stop).selectinload(Stop.quarter),
                 selectinload(RoundDate.staff))
        .order_by(RoundDate.starts_at, RoundDate.id)
        .limit(limit)))

